package dev.slipstream.core.slo;

import dev.slipstream.api.v1alpha1.RolloutStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * The lag a pipeline would have now had the rollout not started: the lag when the candidate first took traffic,
 * plus, for a backlog that was already growing, its growth since at the rate measured before (a draining backlog
 * is not expected to drain any faster). Lag is blamed on a rollout only above this.
 *
 * @param lag the pipeline's lag when the candidate first took traffic
 * @param trendPerSecond how the lag moved before that, in messages per second; null when unknown
 * @param expected the lag expected now
 */
public record LagBaseline(long lag, Double trendPerSecond, long expected) {

  /** The baseline of a rollout's status at {@code now}; null when the rollout measured none. */
  public static LagBaseline of(RolloutStatus status, Instant now) {
    if (status == null || status.baselineLag == null || status.baselineAt == null) {
      return null;
    }
    double rising = status.baselineTrend == null ? 0 : Math.max(0, status.baselineTrend);
    long seconds = Math.max(0, Duration.between(Instant.parse(status.baselineAt), now).toSeconds());
    return new LagBaseline(status.baselineLag, status.baselineTrend, status.baselineLag + Math.round(rising * seconds));
  }

  /** In words, for a check's message: "baseline 60000" or "baseline 61200 (60000 growing 40/s before the rollout)". */
  public String describe() {
    if (expected == lag) {
      return "baseline " + SloEvaluator.count(lag);
    }
    return "baseline " + SloEvaluator.count(expected) + " (" + SloEvaluator.count(lag) + " growing "
        + SloEvaluator.count(trendPerSecond) + "/s before the rollout)";
  }
}
