package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Where a pipeline stands on its ShedPolicy's ladder, and the figures that put it there. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShedStatus {
  @JsonPropertyDescription("The ShedPolicy in force.")
  public String policy;

  @JsonPropertyDescription("Current level: 0 is normal operation, n is the policy's n-th level.")
  public Integer level;

  @JsonPropertyDescription("Name of the current level (normal at level 0).")
  public String levelName;

  @JsonPropertyDescription("When the pipeline entered the current level.")
  public String since;

  @JsonPropertyDescription("Why the last level change happened, in CamelCase (ConsumerLagHigh, LatencyHigh, TriggersClear, ...).")
  public String reason;

  @JsonPropertyDescription("The last level change in words, with the trigger values that caused it.")
  public String message;

  @JsonPropertyDescription("The current level's triggers as measured at the last evaluation; all must stay clear for the cooldown to step back.")
  public List<ShedTriggerStatus> triggers = new ArrayList<>();

  @JsonPropertyDescription("The next level's triggers as measured at the last evaluation; any one holding climbs a level.")
  public List<ShedTriggerStatus> next = new ArrayList<>();

  @JsonPropertyDescription("The actions in force at the current level, in words.")
  public List<String> actions = new ArrayList<>();

  @JsonPropertyDescription("The fallback ModelVersion taking all traffic, while a downgrade level is in force.")
  public String fallbackModel;

  @JsonPropertyDescription("Since when every trigger of the current level has been clear; absent while one holds or has no data.")
  public String clearSince;

  @JsonPropertyDescription("Why the level may not change now (a rollback in progress, a policy edit that is invalid or not validated yet), or why a due change did not happen (flap limit); absent otherwise.")
  public String heldBack;

  @JsonPropertyDescription("Times of the level changes within the policy's window, oldest first (the flap limit counts them).")
  public List<String> changes = new ArrayList<>();

  @JsonPropertyDescription("The last level changes, oldest first, at most 10, with the measured values that made them.")
  @io.fabric8.generator.annotation.Size(max = 10)
  public List<ShedLevelChange> history;

  @JsonPropertyDescription("When the triggers were last evaluated.")
  public String evaluatedAt;

  @JsonPropertyDescription("Consumer lag at the last evaluation, in messages.")
  public Long lag;

  @JsonPropertyDescription("Messages the consumer group had consumed (committed offsets summed over the input partitions) at the last evaluation; the consume rate is its growth.")
  public Long consumed;

  @JsonPropertyDescription("Since when the lag has grown at every evaluation; absent while it is not growing.")
  public String lagGrowingSince;

  @Override
  public boolean equals(Object o) {
    return o instanceof ShedStatus s && Objects.equals(policy, s.policy) && Objects.equals(level, s.level)
        && Objects.equals(levelName, s.levelName) && Objects.equals(since, s.since) && Objects.equals(reason, s.reason)
        && Objects.equals(message, s.message) && Objects.equals(triggers, s.triggers) && Objects.equals(next, s.next)
        && Objects.equals(actions, s.actions) && Objects.equals(fallbackModel, s.fallbackModel)
        && Objects.equals(clearSince, s.clearSince) && Objects.equals(heldBack, s.heldBack)
        && Objects.equals(changes, s.changes) && Objects.equals(evaluatedAt, s.evaluatedAt)
        && Objects.equals(lag, s.lag) && Objects.equals(consumed, s.consumed)
        && Objects.equals(lagGrowingSince, s.lagGrowingSince) && Objects.equals(history, s.history);
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, level, since, evaluatedAt, lag);
  }
}
