package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelVersionStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the spec is valid, servable within the operator's bounds (reason Validated, else InvalidSpec). Whether serving is ready is each pipeline's own status.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Inference endpoints (Open Inference Protocol v2 base URLs) serving this version.")
  public List<String> endpoints = new ArrayList<>();

  @JsonPropertyDescription("StreamingPipelines that serve this version, as namespace-local names.")
  public List<String> servedBy = new ArrayList<>();

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelVersionStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(endpoints, s.endpoints)
        && Objects.equals(servedBy, s.servedBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, endpoints, servedBy);
  }
}
