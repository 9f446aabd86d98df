package dev.slipstream.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each measured metric says what it was read from: the query as sent, or the group whose lag it is. */
class AnalysisSourcesTest {
  @Test
  void latencyAndErrorsCarryTheQueryAsSentAndLagTheGroup() {
    var subject = new LatencyQueries.Subject("payments", "fraud-scoring", "fraud", "2", "fraud-v2", null);
    List<AnalysisResult> results = List.of(
        new AnalysisResult(SloEvaluator.P99_LATENCY, "candidate", 412.0, 250.0, "Fail", "candidate p99 latency 412ms > 250ms"),
        new AnalysisResult(SloEvaluator.CONSUMER_LAG, "pipeline", 10.0, 1000.0, "Pass", "lag 10 <= 1000"),
        new AnalysisResult(SloEvaluator.PREDICTION_AGREEMENT, "shadow", 99.0, 95.0, "Pass", "agreement 99%"));
    List<AnalysisResult> sourced = new AnalysisSources("payments.fraud-scoring")
        .candidate(LatencyQueries.DEFAULT, subject, Duration.ofSeconds(60)).attach(results);

    assertThat(sourced.get(0).source).isEqualTo("1000 * histogram_quantile(0.99, sum by (le) (rate("
        + "slipstream_inference_latency_seconds_bucket{namespace=\"payments\",pipeline=\"fraud-scoring\",role!=\"replay\",model=\"fraud\","
        + "model_version=\"2\"}[60s])))");
    assertThat(sourced.get(1).source).startsWith("consumer lag of group payments.fraud-scoring");
    assertThat(sourced.get(2).source).as("read from the output topics, not a query").isNull();
    assertThat(results.get(0).source).as("the evaluator's results are not edited").isNull();
  }
}
