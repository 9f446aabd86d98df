package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One move on a ShedPolicy's ladder: when, from which level to which, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShedLevelChange {
  @JsonPropertyDescription("When the level changed.")
  public String at;

  @JsonPropertyDescription("The level before: 0 is normal.")
  public Integer from;

  @JsonPropertyDescription("The level after.")
  public Integer to;

  @JsonPropertyDescription("The name of the level after.")
  public String levelName;

  @JsonPropertyDescription("CamelCase reason: the trigger that made it climb (ConsumerLagHigh, LagGrowing, DrainTooSlow, LatencyHigh, ErrorRateHigh) or TriggersClear for a step back.")
  public String reason;

  @JsonPropertyDescription("Why, with the measured values (at most 500 characters).")
  public String message;

  @Override
  public boolean equals(Object o) {
    return o instanceof ShedLevelChange c && Objects.equals(at, c.at) && Objects.equals(from, c.from)
        && Objects.equals(to, c.to) && Objects.equals(levelName, c.levelName) && Objects.equals(reason, c.reason)
        && Objects.equals(message, c.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, from, to);
  }
}
