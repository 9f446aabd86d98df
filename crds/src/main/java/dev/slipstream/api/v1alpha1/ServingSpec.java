package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServingSpec {
  @Required
  @JsonPropertyDescription("The ModelVersion that serves all traffic once any rollout has finished. Changing it starts a rollout.")
  public ObjectReference modelVersionRef;

  @JsonPropertyDescription("Service levels the pipeline must hold; a rollout that breaks them is rolled back.")
  public SloSpec slo = new SloSpec();

  @JsonPropertyDescription("ShedPolicy deciding how this pipeline degrades under saturation.")
  public ObjectReference shedPolicyRef;
}
