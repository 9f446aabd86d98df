package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One trigger of a ShedPolicy level as measured: its value against its bound. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShedTriggerStatus {
  @JsonPropertyDescription("consumerLag (messages), lagGrowingSeconds, timeToDrainSeconds, p99LatencyMs or errorRatePercent.")
  public String trigger;

  @JsonPropertyDescription("The measured value; absent when there was no data, or (timeToDrainSeconds) when the group consumes nothing.")
  public Double value;

  @JsonPropertyDescription("The bound from the ShedPolicy, in the same unit.")
  public Double bound;

  @JsonPropertyDescription("Whether the value is above the bound.")
  public Boolean holds;

  public ShedTriggerStatus() {}

  public ShedTriggerStatus(String trigger, Double value, Double bound, Boolean holds) {
    this.trigger = trigger;
    this.value = value;
    this.bound = bound;
    this.holds = holds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShedTriggerStatus t && Objects.equals(trigger, t.trigger) && Objects.equals(value, t.value)
        && Objects.equals(bound, t.bound) && Objects.equals(holds, t.holds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trigger, value, bound, holds);
  }

  @Override
  public String toString() {
    return trigger + "=" + value + (Boolean.TRUE.equals(holds) ? ">" : "<=") + bound;
  }
}
