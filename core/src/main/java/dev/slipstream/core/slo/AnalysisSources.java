package dev.slipstream.core.slo;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each metric of a check was read from, kept beside its value so a check can be explained and re-run by hand:
 * the PromQL query as sent to Prometheus, or the consumer group whose lag the broker reported.
 */
public final class AnalysisSources {
  static final int MAX = 1000;
  private final Map<String, String> byMetric = new HashMap<>();

  /** @param lagGroup the consumer group whose lag is judged (the pipeline's, or the shadow job's) */
  public AnalysisSources(String lagGroup) {
    String lag = "consumer lag of group " + lagGroup + " (Kafka, summed over its partitions)";
    byMetric.put(SloEvaluator.CONSUMER_LAG, lag);
    byMetric.put(SloEvaluator.LAG_GROWTH, lag + ", against the last check");
  }

  /** The candidate's latency and error rate, read by these queries. */
  public AnalysisSources candidate(LatencyQueries queries, LatencyQueries.Subject subject, Duration window) {
    byMetric.put(SloEvaluator.P99_LATENCY, LatencyQueries.render(queries.p99LatencyMs(), subject, window));
    byMetric.put(SloEvaluator.ERROR_RATE, LatencyQueries.render(queries.errorRatePercent(), subject, window));
    return this;
  }

  /** The stable version's, which the candidate's are compared with. */
  public AnalysisSources stable(LatencyQueries queries, LatencyQueries.Subject subject, Duration window) {
    byMetric.put(SloEvaluator.P99_VS_STABLE, LatencyQueries.render(queries.p99LatencyMs(), subject, window));
    byMetric.put(SloEvaluator.ERROR_RATE_VS_STABLE, LatencyQueries.render(queries.errorRatePercent(), subject, window));
    return this;
  }

  /** The results, each with its source where one is known. */
  public List<AnalysisResult> attach(List<AnalysisResult> results) {
    return results.stream().map(r -> {
      AnalysisResult copy = new AnalysisResult(r.metric, r.target, r.value, r.threshold, r.verdict, r.message);
      // a query of the pipeline's own may be long: status keeps its first 1,000 characters
      copy.source = dev.slipstream.core.status.Bounded.cap(r.source != null ? r.source : byMetric.get(r.metric), MAX);
      return copy;
    }).toList();
  }
}
