package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Progressive delivery settings. The rollout engine fills this section out; today it only holds pause. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {
  @Default("false")
  @JsonPropertyDescription("Hold any rollout at its current step.")
  public Boolean paused = false;
}
