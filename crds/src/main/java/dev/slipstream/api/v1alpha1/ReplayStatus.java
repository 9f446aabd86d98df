package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** A replay's range, fixed when it starts (so a restarted operator replays the same events), and its numbers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplayStatus {
  @JsonPropertyDescription("The oldest record timestamp replayed.")
  public String windowStart;

  @JsonPropertyDescription("How many retained events the replay decides.")
  public Long events;

  @JsonPropertyDescription("Per input partition, topic:partition:offset: where the replay starts reading; events before 'from' only warm the features.")
  public String warmUpFrom;

  @JsonPropertyDescription("Per input partition, topic:partition:offset: where the replay's decisions start.")
  public String from;

  @JsonPropertyDescription("Per input partition, topic:partition:offset: where the replay ends (exclusive): the partition's end when it began.")
  public String until;

  @JsonPropertyDescription("The replay topic's ends when the replay began: its records are read from there.")
  public String outputFrom;

  @JsonPropertyDescription("How far back before the window the features were warmed, in words.")
  public String warmUp;

  @JsonPropertyDescription("Events the candidate decided in the replay (each counted once).")
  public Long replayed;

  @JsonPropertyDescription("Replayed events compared with the stable version's live decision for them.")
  public Long compared;

  @JsonPropertyDescription("Compared events on which the candidate agrees with the stable version.")
  public Long agreeing;

  @JsonPropertyDescription("Compared events whose replayed features differ from the live ones: a disagreement there is not the model's.")
  public Long featureMismatches;

  @JsonPropertyDescription("Replayed events that fell back (timeouts, errors): the candidate's errors.")
  public Long fallbacks;

  @JsonPropertyDescription("Replayed events that were late or unreadable, as they were live.")
  public Long late;

  @JsonPropertyDescription("p99 of the candidate's answer time under replay load, in milliseconds.")
  public Long p99ModelMs;

  @JsonPropertyDescription("When the verdict was reached.")
  public String finishedAt;

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplayStatus r && Objects.equals(windowStart, r.windowStart) && Objects.equals(events, r.events)
        && Objects.equals(warmUpFrom, r.warmUpFrom) && Objects.equals(from, r.from) && Objects.equals(until, r.until)
        && Objects.equals(outputFrom, r.outputFrom) && Objects.equals(warmUp, r.warmUp)
        && Objects.equals(replayed, r.replayed) && Objects.equals(compared, r.compared)
        && Objects.equals(agreeing, r.agreeing) && Objects.equals(featureMismatches, r.featureMismatches)
        && Objects.equals(fallbacks, r.fallbacks) && Objects.equals(late, r.late)
        && Objects.equals(p99ModelMs, r.p99ModelMs) && Objects.equals(finishedAt, r.finishedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(windowStart, events, from, until);
  }
}
