package dev.slipstream.core.rollout;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.core.status.Readiness;
import java.util.List;

/**
 * What the reconciler saw for a rollout in one pass.
 *
 * @param desired the ModelVersion the spec names (spec.serving.modelVersionRef)
 * @param candidate readiness of the candidate's serving; null when there is no candidate
 * @param stable readiness of the stable version's serving
 * @param analysis the results of a check measured in this pass, or null when no check was due
 * @param degraded the pipeline's ShedPolicy has it degraded: hold, neither advance nor count failures
 * @param command a manual command from the annotation, or NONE
 * @param directReplacement why no canary can split traffic (see {@link RolloutStateMachine#directReplacement}), or
 *     null when one can: the desired version then replaces the old once ready
 * @param blocked why the candidate cannot be deployed yet (the GPU quota has no room for its first replicas, the
 *     serving layer cannot split its traffic), or null: it is not deployed meanwhile
 * @param pipelineLag the pipeline's consumer lag now, or null while unknown: the baseline lag is judged against
 * @param replay what was seen of the replay (spec.rollout.replay) while one is due or runs, else null
 */
public record RolloutObservation(String desired, Readiness candidate, Readiness stable, List<AnalysisResult> analysis,
    boolean degraded, RolloutCommand command, String directReplacement, Blocked blocked, Long pipelineLag,
    ReplayObservation replay) {

  public RolloutObservation(String desired, Readiness candidate, Readiness stable, List<AnalysisResult> analysis,
      boolean degraded, RolloutCommand command, String directReplacement, Blocked blocked, Long pipelineLag) {
    this(desired, candidate, stable, analysis, degraded, command, directReplacement, blocked, pipelineLag, null);
  }

  /** Why a candidate is not deployed yet: a CamelCase reason (the Event's) and a message an SRE can act on. */
  public record Blocked(String reason, String message) {}

  public RolloutObservation(String desired, Readiness candidate, Readiness stable, List<AnalysisResult> analysis,
      boolean degraded, RolloutCommand command) {
    this(desired, candidate, stable, analysis, degraded, command, null, null, null, null);
  }
}
