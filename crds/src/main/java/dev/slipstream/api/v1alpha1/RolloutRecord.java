package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** A rollout that ended: which version replaced which, how it ended and why, and how far it got. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutRecord {
  @JsonPropertyDescription("The ModelVersion rolled out.")
  public String candidate;

  @JsonPropertyDescription("The ModelVersion it was to replace.")
  public String stable;

  @JsonPropertyDescription("Succeeded, RolledBack, Aborted (spec.serving.modelVersionRef went back to the stable version) or Superseded (another version was named before it ended).")
  public String outcome;

  @JsonPropertyDescription("CamelCase reason of a rollback: AnalysisFailed, ProgressDeadlineExceeded, CandidateFailed or Aborted.")
  public String reason;

  @JsonPropertyDescription("When it started.")
  public String startedAt;

  @JsonPropertyDescription("When it ended.")
  public String endedAt;

  @JsonPropertyDescription("The largest share of real traffic (percent) the candidate had.")
  public Integer maxWeight;

  @JsonPropertyDescription("How it ended, in words (at most 500 characters).")
  public String message;

  @Override
  public boolean equals(Object o) {
    return o instanceof RolloutRecord r && Objects.equals(candidate, r.candidate) && Objects.equals(stable, r.stable)
        && Objects.equals(outcome, r.outcome) && Objects.equals(reason, r.reason)
        && Objects.equals(startedAt, r.startedAt) && Objects.equals(endedAt, r.endedAt)
        && Objects.equals(maxWeight, r.maxWeight) && Objects.equals(message, r.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(candidate, outcome, endedAt);
  }
}
