package dev.slipstream.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisCheck;
import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.RolloutRecord;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Why each rollout went as it did stays in status: its checks, and the rollouts that ended, bounded. */
class RolloutHistoryTest {
  @Test
  void everyCheckIsKeptWithItsWeightVerdictAndNumbersAndTheRollbackIsRecorded() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.healthyCheck();
    w.check(RolloutWorld.slow());
    w.check(RolloutWorld.slow());
    w.check(RolloutWorld.slow());
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.RolledBack);

    assertThat(w.status.checks).extracting(c -> c.weight + "% " + c.verdict)
        .containsExactly("5% Pass", "25% Fail", "25% Fail", "25% Fail");
    AnalysisCheck last = w.status.checks.get(3);
    assertThat(last.phase).isEqualTo("Canary");
    assertThat(last.results).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("p99LatencyMs");
      assertThat(r.value).isEqualTo(412.0);
      assertThat(r.threshold).isEqualTo(250.0);
    });
    RolloutRecord record = w.status.history.get(w.status.history.size() - 1);
    assertThat(record.candidate).isEqualTo("v2");
    assertThat(record.stable).isEqualTo("v1");
    assertThat(record.outcome).isEqualTo("RolledBack");
    assertThat(record.reason).isEqualTo("AnalysisFailed");
    assertThat(record.maxWeight).isEqualTo(25);
    assertThat(record.startedAt).isEqualTo(RolloutWorld.T0.toString());
    assertThat(record.message).contains("412ms > 250ms");

    // retried: a new rollout's checks start empty, the ended one stays in the history
    w.reconcile(null, RolloutCommand.RETRY);
    assertThat(w.status.checks).isNull();
    assertThat(w.status.history).hasSize(1);
  }

  @Test
  void aPromotionAndAVersionNamedMidRolloutAreRecordedToo() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.desired = "v3"; // Git names another version while v2 is at 5%
    w.reconcile();
    assertThat(w.status.candidate).isEqualTo("v3");
    assertThat(w.status.history).singleElement().satisfies(r -> {
      assertThat(r.candidate).isEqualTo("v2");
      assertThat(r.outcome).isEqualTo("Superseded");
      assertThat(r.message).isEqualTo("v2 was replaced by v3 before its rollout ended");
    });
    w.reconcile();
    for (int i = 0; i < 5 && w.phase() != RolloutPhase.Promoting; i++) {
      w.healthyCheck();
    }
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Succeeded);
    assertThat(w.status.history).extracting(r -> r.candidate + " " + r.outcome + " " + r.maxWeight)
        .containsExactly("v2 Superseded 5", "v3 Succeeded 100");
    assertThat(w.status.checks).as("the last rollout's checks stay for explaining it").isNotEmpty();
  }

  @Test
  void aStatusWithTheLongestHistoryStaysFarBelowEtcdsObjectLimit() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    // twenty rollouts, each failing on every metric with the longest messages the evaluator writes
    for (int n = 0; n < 20; n++) {
      w.desired = "v" + (n + 3);
      w.reconcile();
      w.reconcile();
      for (int i = 0; i < 12 && w.phase() == RolloutPhase.Canary; i++) {
        w.check(RolloutWorld.slow());
      }
      w.reconcile();
    }
    assertThat(w.status.history).hasSize(RolloutTransition.HISTORY);
    assertThat(w.status.checks.size()).isLessThanOrEqualTo(RolloutTransition.HISTORY);

    int real = Json.MAPPER.valueToTree(w.status).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    assertThat(real).as("full lists of the evaluator's own messages").isLessThan(16 * 1024);

    // the worst case: every list full, every result and message at its longest
    RolloutStatus worst = Json.copy(w.status);
    String name = "m".repeat(253);
    List<AnalysisCheck> checks = new ArrayList<>();
    for (int i = 0; i < RolloutTransition.HISTORY; i++) {
      List<AnalysisResult> results = new ArrayList<>();
      for (String metric : List.of("consumerLag", "lagGrowth", "p99LatencyMs", "errorRatePercent", "agreement", "stableLatency")) {
        AnalysisResult result = new AnalysisResult(metric, name, 1e12, 1e12, "Fail", "x".repeat(1000));
        result.source = "q".repeat(1000);
        results.add(result);
      }
      checks.add(new AnalysisCheck("2026-12-02T10:00:00Z", "Canary", 100, "Fail", results));
    }
    worst.checks = checks;
    worst.lastAnalysis = checks.get(0).results;
    worst.history.forEach(r -> {
      r.candidate = name;
      r.stable = name;
      r.message = "x".repeat(500);
    });
    int bytes = Json.MAPPER.valueToTree(worst).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    // DESIGN.md states this bound; etcd's default request limit is 1.5 MiB
    assertThat(bytes).isLessThan(256 * 1024);
  }
}
