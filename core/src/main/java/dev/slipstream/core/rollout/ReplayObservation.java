package dev.slipstream.core.rollout;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.core.replay.ReplayJudgement;
import dev.slipstream.core.replay.ReplayPlan;
import dev.slipstream.core.status.Readiness;
import java.util.List;

/**
 * What the reconciler saw of a replay in one pass: the plan, when the replay is about to start (what the broker
 * holds, and the replay topic's ends, from where its records are read); the replay job's state while it runs; the
 * judgement once it has finished.
 */
public record ReplayObservation(ReplayPlan plan, String outputFrom, Readiness job, ReplayJudgement.Counts counts,
    List<AnalysisResult> results) {

  public static ReplayObservation planned(ReplayPlan plan, String outputFrom) {
    return new ReplayObservation(plan, outputFrom, null, null, null);
  }

  public static ReplayObservation running(Readiness job) {
    return new ReplayObservation(null, null, job, null, null);
  }

  public static ReplayObservation judged(ReplayJudgement.Counts counts, List<AnalysisResult> results) {
    return new ReplayObservation(null, null, null, counts, List.copyOf(results));
  }
}
