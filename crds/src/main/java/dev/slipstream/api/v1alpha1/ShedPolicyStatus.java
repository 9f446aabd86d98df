package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShedPolicyStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the policy is valid and usable.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Number of levels in the ladder.")
  public Integer levels;

  @Override
  public boolean equals(Object o) {
    return o instanceof ShedPolicyStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(levels, s.levels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, levels);
  }
}
