package dev.slipstream.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.core.json.Json;
import dev.slipstream.core.replay.ReplayJudgement.Decision;
import dev.slipstream.core.replay.ReplayJudgement.Limits;
import dev.slipstream.core.slo.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayJudgementTest {
  private static final Limits LIMITS = new Limits(95, 100.0, 1, 0.05);

  private static Decision scored(String id, double score, long modelMs) {
    return new Decision(id, "scored", score, "{\"score\":[" + score + "]}", "{\"amount\":1}", modelMs, null);
  }

  private static ReplayJudgement judged(int n, int flipped, long modelMs) {
    ReplayJudgement j = new ReplayJudgement(LIMITS);
    for (int i = 0; i < n; i++) {
      j.replayed(scored("e" + i, i < flipped ? 0.7 : 0.22, modelMs));
    }
    assertThat(j.waiting()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      j.stable(scored("e" + i, 0.2, 3));
    }
    j.stable(scored("not-replayed", 0.2, 3));
    assertThat(j.waiting()).isZero();
    return j;
  }

  @Test
  void aCandidateThatDecidesAsTheStableOneDidPassesEveryCheck() {
    List<AnalysisResult> results = judged(1000, 0, 8).judge("fraud-v2");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Pass);
    assertThat(results).extracting(r -> r.message).containsExactly(
        "replay agreement 100.00% >= 95.00% (1000 of 1000 events)",
        "replay p99 latency 8ms <= 100ms (1000 answers under replay load)",
        "replay error rate 0.00% <= 1.00% (0 fallbacks of 1000 decisions)");
  }

  @Test
  void aCandidateThatFlipsATenthOfTheDecisionsFailsOnAgreementWithTheNumbers() {
    List<AnalysisResult> results = judged(1000, 100, 8).judge("fraud-v9");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Fail);
    assertThat(results.get(0).value).isEqualTo(90.0);
    assertThat(results.get(0).verdict).isEqualTo("Fail");
    assertThat(results.get(0).message).isEqualTo("replay agreement 90.00% < 95.00% (900 of 1000 events)");
  }

  @Test
  void aSlowCandidateFailsOnItsOwnLatencyUnderReplayLoad() {
    List<AnalysisResult> results = judged(1000, 0, 250).judge("fraud-slow");
    assertThat(results.get(0).verdict).isEqualTo("Pass");
    assertThat(results.get(1).verdict).isEqualTo("Fail");
    assertThat(results.get(1).message).isEqualTo("replay p99 latency 250ms > 100ms (1000 answers under replay load)");
  }

  @Test
  void fallbacksAreErrorsLateEventsAreCountedAndNeitherIsCompared() {
    ReplayJudgement j = judged(100, 0, 5);
    j.stable(scored("x1", 0.2, 3));
    j.replayed(new Decision("x1", "fallback", null, "{\"decision\":\"review\"}", "{}", null, "timeout: no answer"));
    j.replayed(new Decision("x2", "fallback", null, "{\"decision\":\"review\"}", "{}", null, "error: 503"));
    j.replayed(new Decision("x3", "late", null, null, null, null, "unreadable"));
    var counts = j.counts();
    assertThat(counts.replayed()).isEqualTo(103);
    assertThat(counts.compared()).isEqualTo(100);
    assertThat(counts.late()).isEqualTo(1);
    List<AnalysisResult> results = j.judge("v2");
    assertThat(results.get(2).verdict).isEqualTo("Fail");
    assertThat(results.get(2).message).isEqualTo(
        "replay error rate 1.96% > 1.00% (2 fallbacks of 102 decisions; 1 events late or unreadable)");
  }

  @Test
  void featuresOtherThanLiveAreCountedApartFromTheModel() {
    ReplayJudgement j = new ReplayJudgement(LIMITS);
    j.replayed(scored("a", 0.2, 1));
    j.replayed(new Decision("b", "scored", 0.2, "{}", "{\"amount\":2}", 1L, null));
    j.stable(scored("a", 0.2, 1));
    j.stable(scored("b", 0.2, 1));
    assertThat(j.counts().featureMismatches()).isEqualTo(1);
    assertThat(j.judge("v2").get(0).message).isEqualTo(
        "replay agreement 100.00% >= 95.00% (2 of 2 events; 1 of them with features other than live (not the model's doing))");
  }

  @Test
  void nothingToCompareIsNoDataNotAPass() {
    ReplayJudgement j = new ReplayJudgement(LIMITS);
    j.replayed(scored("only-replayed", 0.2, 1));
    List<AnalysisResult> results = j.judge("v2");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.NoData);
    assertThat(results.get(0).message).isEqualTo(
        "replay agreement: no data (1 events replayed, none with a stable decision to compare)");
    assertThat(j.counts().withoutStable()).isEqualTo(1);
  }

  @Test
  void aDecisionIsReadAsTheJobWritesIt() throws Exception {
    var json = Json.MAPPER.readTree("{\"kind\":\"scored\",\"eventId\":\"t1\",\"score\":0.25,\"result\":{\"score\":[0.25]},"
        + "\"features\":{\"amount\":12.5},\"decidedAt\":1,\"latencyMs\":4,\"modelMs\":3}");
    assertThat(Decision.of(json)).isEqualTo(new Decision("t1", "scored", 0.25, "{\"score\":[0.25]}", "{\"amount\":12.5}", 3L, null));
    var fallback = Json.MAPPER.readTree("{\"kind\":\"fallback\",\"eventId\":\"t2\",\"score\":null,\"reason\":\"shed\"}");
    assertThat(Decision.of(fallback)).isEqualTo(new Decision("t2", "fallback", null, null, null, null, "shed"));
  }
}
