package dev.slipstream.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.SloSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline's lag judged against what it was before the candidate took traffic (SLO: lag 10000). */
class LagBaselineTest {
  private static final SloSpec SLO = new SloSpec();
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static List<AnalysisResult> judge(long lag, Long previous, LagBaseline baseline) {
    return SloEvaluator.evaluate(SLO, new AnalysisSpec(), new Signals("candidate", lag, previous, null, null, null, false)
        .withLag("pipeline", baseline));
  }

  private static LagBaseline baseline(long lag, Double trend, long secondsLater) {
    RolloutStatus status = new RolloutStatus();
    status.baselineLag = lag;
    status.baselineAt = T0.toString();
    status.baselineTrend = trend;
    return LagBaseline.of(status, T0.plusSeconds(secondsLater));
  }

  @Test
  void aBacklogFromBeforeTheRolloutThatDrainsPasses() {
    List<AnalysisResult> results = judge(68_000, 90_000L, baseline(111_000, -2000.0, 30));
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Pass);
    assertThat(results.get(0).message)
        .isEqualTo("pipeline consumer lag 68000 > 10000 but draining: baseline 111000");
    assertThat(results.get(0).target).isEqualTo("pipeline");
    assertThat(results.get(1).message).isEqualTo("pipeline consumer lag not growing (-22000 to 68000)");
  }

  @Test
  void theSameBacklogGrowingBeyondItsBaselineFails() {
    List<AnalysisResult> results = judge(125_000, 115_000L, baseline(111_000, -2000.0, 30));
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Fail);
    assertThat(results.get(0).message).isEqualTo("pipeline consumer lag 125000 > 10000 and above its baseline 111000");
    assertThat(results.get(1).message)
        .isEqualTo("pipeline consumer lag grew by 10000 to 125000 in one interval (above 1000 and its baseline 111000)");
  }

  @Test
  void lagThatGrowsBetweenChecksButStaysBelowTheBaselinePasses() {
    List<AnalysisResult> results = judge(80_000, 70_000L, baseline(111_000, null, 30));
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Pass);
    assertThat(results.get(1).message)
        .isEqualTo("pipeline consumer lag grew by 10000 to 80000, not above its baseline 111000");
  }

  @Test
  void aBacklogThatWasGrowingMayKeepGrowingAtItsRate() {
    LagBaseline growing = baseline(50_000, 100.0, 60);
    assertThat(growing.expected()).isEqualTo(56_000);
    assertThat(Verdict.of(judge(55_000, 53_000L, growing))).isEqualTo(Verdict.Pass);
    List<AnalysisResult> faster = judge(60_000, 55_000L, growing);
    assertThat(Verdict.of(faster)).isEqualTo(Verdict.Fail);
    assertThat(faster.get(0).message)
        .isEqualTo("pipeline consumer lag 60000 > 10000 and above its baseline 56000 (50000 growing 100/s before the rollout)");
  }

  @Test
  void withoutABaselineTheSloAloneJudges() {
    assertThat(Verdict.of(judge(12_000, 11_000L, null))).isEqualTo(Verdict.Fail);
    assertThat(judge(12_000, 11_000L, null).get(0).message).isEqualTo("pipeline consumer lag 12000 > 10000");
    assertThat(Verdict.of(judge(12_000, 11_000L, baseline(0, null, 10)))).as("a baseline of nothing").isEqualTo(Verdict.Fail);
    assertThat(judge(12_000, 11_000L, baseline(0, null, 10)).get(0).message).isEqualTo("pipeline consumer lag 12000 > 10000");
    assertThat(LagBaseline.of(new RolloutStatus(), T0)).isNull();
  }
}
