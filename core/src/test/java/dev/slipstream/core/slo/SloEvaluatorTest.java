package dev.slipstream.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.SloSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SloEvaluatorTest {
  private static final SloSpec SLO = new SloSpec(); // lag 10000, p99 250ms, errors 1%
  private static final AnalysisSpec ANALYSIS = new AnalysisSpec();

  private static AnalysisResult metric(List<AnalysisResult> results, String metric) {
    return results.stream().filter(r -> r.metric.equals(metric)).findFirst().orElseThrow();
  }

  @Test
  void healthySignalsPassAndSayWhatWasMeasured() {
    var results = SloEvaluator.evaluate(SLO, ANALYSIS, new Signals("candidate", 120L, 150L, 87.0, 0.1, 5000L));
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Pass);
    assertThat(results).extracting(r -> r.metric)
        .containsExactly("consumerLag", "lagGrowth", "p99LatencyMs", "errorRatePercent");
    assertThat(metric(results, "p99LatencyMs").message).isEqualTo("candidate p99 latency 87ms <= 250ms");
    assertThat(metric(results, "consumerLag").value).isEqualTo(120.0);
  }

  @Test
  void aSlowP99FailsWithValueAndThreshold() {
    var results = SloEvaluator.evaluate(SLO, ANALYSIS, new Signals("candidate", 0L, 0L, 412.0, 0.0, 900L));
    AnalysisResult p99 = metric(results, "p99LatencyMs");
    assertThat(p99.verdict).isEqualTo("Fail");
    assertThat(p99.message).isEqualTo("candidate p99 latency 412ms > 250ms");
    assertThat(p99.value).isEqualTo(412.0);
    assertThat(p99.threshold).isEqualTo(250.0);
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Fail);
  }

  @Test
  void lagAboveTheSloFailsAndGrowingLagFailsEvenBelowIt() {
    assertThat(metric(SloEvaluator.evaluate(SLO, ANALYSIS, new Signals("candidate", 12_000L, null, 10.0, 0.0, 10L)),
        "consumerLag").verdict).isEqualTo("Fail");
    var growing = SloEvaluator.evaluate(SLO, ANALYSIS, new Signals("candidate", 7_400L, 2_200L, 10.0, 0.0, 10L));
    assertThat(metric(growing, "consumerLag").verdict).isEqualTo("Pass");
    assertThat(metric(growing, "lagGrowth").verdict).isEqualTo("Fail");
    assertThat(metric(growing, "lagGrowth").message).contains("grew by 5200 to 7400");
  }

  @Test
  void smallLagThatWobblesIsNotATrend() {
    var results = SloEvaluator.evaluate(SLO, ANALYSIS, new Signals("candidate", 60L, 20L, 10.0, 0.0, 10L));
    assertThat(metric(results, "lagGrowth").verdict).isEqualTo("Pass");
  }

  @Test
  void withoutALatencySourceOnlyTheLagIsJudged() {
    var results = SloEvaluator.evaluate(SLO, ANALYSIS, new Signals("candidate", 60L, 50L, null, null, null, false));
    assertThat(results).extracting(r -> r.metric).containsExactly("consumerLag", "lagGrowth");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Pass);
  }

  @Test
  void theFirstCheckHasNoGrowthToJudge() {
    var results = SloEvaluator.evaluate(SLO, ANALYSIS, new Signals("candidate", 60L, null, 10.0, 0.0, 10L));
    assertThat(results).extracting(r -> r.metric).doesNotContain("lagGrowth");
  }

  @Test
  void missingOrTooFewSamplesAreNoDataNotFailure() {
    AnalysisSpec analysis = new AnalysisSpec();
    analysis.minSamples = 100;
    var results = SloEvaluator.evaluate(SLO, analysis, new Signals("candidate", 0L, null, 900.0, 50.0, 12L));
    assertThat(metric(results, "p99LatencyMs").verdict).isEqualTo("NoData");
    assertThat(metric(results, "p99LatencyMs").message).contains("12 requests, fewer than 100");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.NoData);
    var prometheusDown = SloEvaluator.evaluate(SLO, ANALYSIS, new Signals("candidate", 0L, null, null, null, null));
    assertThat(Verdict.of(prometheusDown)).isEqualTo(Verdict.NoData);
    assertThat(metric(prometheusDown, "errorRatePercent").value).isNull();
  }
}
