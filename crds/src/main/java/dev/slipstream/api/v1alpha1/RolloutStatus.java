package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Where a rollout stands. All of its state lives here, so an operator restarted mid-rollout resumes the same step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {
  @JsonPropertyDescription("Idle, Replaying, Shadowing, Canary, AwaitingApproval, Promoting, Succeeded, RollingBack, RolledBack or Paused.")
  public String phase;

  @JsonPropertyDescription("The ModelVersion serving all traffic outside a rollout.")
  public String stable;

  @JsonPropertyDescription("The ModelVersion being rolled out, or the one rolled back.")
  public String candidate;

  @JsonPropertyDescription("Index of the current canary step in spec.rollout.canary.steps; absent outside the canary.")
  public Integer stepIndex;

  @JsonPropertyDescription("Share of real traffic (percent) the candidate gets now.")
  public Integer weight;

  @JsonPropertyDescription("Failed checks in a row.")
  public Integer consecutiveFailures;

  @JsonPropertyDescription("Phase to return to when the pause ends.")
  public String pausedPhase;

  @JsonPropertyDescription("When this rollout started.")
  public String startedAt;

  @JsonPropertyDescription("When the current phase or step started.")
  public String stepStartedAt;

  @JsonPropertyDescription("Last time the rollout made progress; the progress deadline counts from here.")
  public String lastProgressAt;

  @JsonPropertyDescription("When the last check ran.")
  public String lastCheckAt;

  @JsonPropertyDescription("Since when the checks have had no data (noData hold); absent while data arrives.")
  public String noDataSince;

  @JsonPropertyDescription("Each metric of the last check: measured value, threshold and verdict.")
  public List<AnalysisResult> lastAnalysis = new ArrayList<>();

  @JsonPropertyDescription("The last checks of the current (or last) rollout, oldest first, at most 10.")
  @io.fabric8.generator.annotation.Size(max = 10)
  public List<AnalysisCheck> checks;

  @JsonPropertyDescription("Highest share of real traffic (percent) the current rollout has given the candidate.")
  public Integer maxWeight;

  @JsonPropertyDescription("The rollouts that ended, oldest first, at most 10.")
  @io.fabric8.generator.annotation.Size(max = 10)
  public List<RolloutRecord> history;

  @JsonPropertyDescription("The current rollout's replay (spec.rollout.replay): what it read and what it found.")
  public ReplayStatus replay;

  @JsonPropertyDescription("What the rollout is doing or why it ended, in words.")
  public String message;

  @JsonPropertyDescription("CamelCase reason of the last rollback: ReplayFailed, AnalysisFailed, ProgressDeadlineExceeded, CandidateFailed or Aborted.")
  public String rollbackReason;

  @JsonPropertyDescription("The pipeline's consumer lag when the candidate first took traffic (or, before that, when the rollout started): lag is judged against it, so a backlog that existed before the rollout and drains never fails a check.")
  public Long baselineLag;

  @JsonPropertyDescription("When baselineLag was measured.")
  public String baselineAt;

  @JsonPropertyDescription("How the lag moved between the rollout's start and the candidate's first traffic, in messages per second (negative: draining). A backlog that was growing may keep growing at that rate.")
  public Double baselineTrend;

  @JsonPropertyDescription("Versions served before, kept deployed at their minimum replicas for a quick way back (spec.rollout.warmVersions), the most recent first.")
  public List<String> warm;

  @JsonPropertyDescription("The value of the slipstream.dev/rollout annotation last seen: a command runs once, when the annotation takes a value other than this one. The annotation is never removed, so Git and the cluster agree.")
  public String lastCommand;

  @Override
  public boolean equals(Object o) {
    return o instanceof RolloutStatus r && Objects.equals(phase, r.phase) && Objects.equals(stable, r.stable)
        && Objects.equals(candidate, r.candidate) && Objects.equals(stepIndex, r.stepIndex)
        && Objects.equals(weight, r.weight) && Objects.equals(consecutiveFailures, r.consecutiveFailures)
        && Objects.equals(pausedPhase, r.pausedPhase) && Objects.equals(startedAt, r.startedAt)
        && Objects.equals(stepStartedAt, r.stepStartedAt) && Objects.equals(lastProgressAt, r.lastProgressAt)
        && Objects.equals(lastCheckAt, r.lastCheckAt) && Objects.equals(noDataSince, r.noDataSince)
        && Objects.equals(lastAnalysis, r.lastAnalysis) && Objects.equals(message, r.message)
        && Objects.equals(rollbackReason, r.rollbackReason) && Objects.equals(warm, r.warm)
        && Objects.equals(baselineLag, r.baselineLag) && Objects.equals(baselineAt, r.baselineAt)
        && Objects.equals(baselineTrend, r.baselineTrend) && Objects.equals(lastCommand, r.lastCommand)
        && Objects.equals(checks, r.checks) && Objects.equals(maxWeight, r.maxWeight) && Objects.equals(history, r.history)
        && Objects.equals(replay, r.replay);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, stable, candidate, stepIndex, weight, consecutiveFailures, message);
  }
}
