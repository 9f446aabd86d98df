package dev.slipstream.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.SloSpec;
import dev.slipstream.api.v1alpha1.StableComparison;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The candidate held against the stable version over the same interval, beside the SLO (p99 250ms, errors 1%). */
class StableComparisonTest {
  private static final SloSpec SLO = new SloSpec();

  private static AnalysisSpec compared(Integer ms, Integer percent, Double points) {
    AnalysisSpec analysis = new AnalysisSpec();
    analysis.minSamples = 10;
    analysis.comparedToStable = new StableComparison();
    analysis.comparedToStable.maxP99IncreaseMs = ms;
    analysis.comparedToStable.maxP99IncreasePercent = percent;
    analysis.comparedToStable.maxErrorRateIncreasePoints = points;
    return analysis;
  }

  private static List<AnalysisResult> judge(AnalysisSpec analysis, double p99, double errors, Signals.Stable stable) {
    return SloEvaluator.evaluate(SLO, analysis, new Signals("candidate", 0L, 0L, p99, errors, 1000L).withStable(stable));
  }

  private static AnalysisResult metric(List<AnalysisResult> results, String metric) {
    return results.stream().filter(r -> r.metric.equals(metric)).findFirst().orElseThrow();
  }

  @Test
  void aCandidateWithinTheSloButFarSlowerThanStableFails() {
    List<AnalysisResult> results = judge(compared(50, null, null), 210, 0.1, new Signals.Stable(35.0, 0.1, 19_000L));
    assertThat(metric(results, "p99LatencyMs").verdict).as("within the absolute SLO").isEqualTo("Pass");
    AnalysisResult relative = metric(results, SloEvaluator.P99_VS_STABLE);
    assertThat(relative.verdict).isEqualTo("Fail");
    assertThat(relative.message).isEqualTo("candidate p99 latency 210ms > stable 35ms + 50ms");
    assertThat(relative.threshold).isEqualTo(85.0);
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Fail);
  }

  @Test
  void theSameCandidateAsFastAsStablePasses() {
    List<AnalysisResult> results = judge(compared(50, null, null), 40, 0.1, new Signals.Stable(35.0, 0.1, 19_000L));
    assertThat(metric(results, SloEvaluator.P99_VS_STABLE).message).isEqualTo("candidate p99 latency 40ms <= stable 35ms + 50ms");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Pass);
  }

  @Test
  void eitherAllowancePassesTheCandidate() {
    // +10ms or +50%: a stable p99 of 100ms allows 150ms
    AnalysisResult relative = metric(judge(compared(10, 50, null), 140, 0.1, new Signals.Stable(100.0, 0.1, 500L)),
        SloEvaluator.P99_VS_STABLE);
    assertThat(relative.verdict).isEqualTo("Pass");
    assertThat(relative.message).isEqualTo("candidate p99 latency 140ms <= stable 100ms + 50%");
  }

  @Test
  void anErrorRateAboveTheStablesByMoreThanItsPointsFails() {
    AnalysisSpec analysis = compared(null, null, 0.5);
    SloSpec lenient = new SloSpec();
    lenient.maxErrorRatePercent = 5.0;
    List<AnalysisResult> results = SloEvaluator.evaluate(lenient, analysis,
        new Signals("candidate", 0L, 0L, 20.0, 2.0, 1000L).withStable(new Signals.Stable(20.0, 0.2, 19_000L)));
    assertThat(metric(results, "errorRatePercent").verdict).as("within the absolute SLO of 5%").isEqualTo("Pass");
    assertThat(metric(results, SloEvaluator.ERROR_RATE_VS_STABLE).message)
        .isEqualTo("candidate error rate 2.00% > stable 0.20% + 0.50 points");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Fail);
  }

  @Test
  void aStableVersionWithTooFewRequestsIsNoDataAndWithoutTheRuleNothingIsCompared() {
    List<AnalysisResult> few = judge(compared(50, null, 0.5), 40, 0.1, new Signals.Stable(35.0, 0.1, 3L));
    assertThat(metric(few, SloEvaluator.P99_VS_STABLE).verdict).isEqualTo("NoData");
    assertThat(metric(few, SloEvaluator.ERROR_RATE_VS_STABLE).verdict).isEqualTo("NoData");
    List<AnalysisResult> none = judge(new AnalysisSpec(), 210, 0.1, new Signals.Stable(35.0, 0.1, 19_000L));
    assertThat(none).extracting(r -> r.metric).doesNotContain(SloEvaluator.P99_VS_STABLE, SloEvaluator.ERROR_RATE_VS_STABLE);
  }
}
