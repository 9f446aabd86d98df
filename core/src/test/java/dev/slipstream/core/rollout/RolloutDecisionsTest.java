package dev.slipstream.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rollout's decisions about serving: a direct replacement, the candidate's replica share, shadowing, quota. */
class RolloutDecisionsTest {
  @ParameterizedTest(name = "{0} -> {1}, routes {2}: {3}")
  @CsvSource(nullValues = "-", delimiter = '|', value = {
      "KSERVE | KSERVE | false | false | -",
      "TRITON | TRITON | true | false | -",
      "- | KSERVE | false | false | -",
      "TRITON | TRITON | false | true | -",
      "KSERVE | TRITON | true | true | the runtime changes from kserve to triton, which no canary can split",
      "TRITON | KSERVE | true | false | the runtime changes from triton to kserve, which no canary can split",
      "TRITON | TRITON | false | false | runtime triton split by request needs the Gateway API HTTPRoute CRD for a canary,"
          + " and it is not installed (split by key in the job needs none)",
      "KSERVE | TRITON | false | false | runtime triton split by request needs the Gateway API HTTPRoute CRD for a canary,"
          + " and it is not installed (split by key in the job needs none)"})
  void aCanaryNeedsOneRuntimeAndForTritonSplitByRequestARoute(ServingRuntime stable, ServingRuntime desired, boolean routes,
      boolean keySplit, String why) {
    assertThat(RolloutStateMachine.directReplacement(stable, desired, routes, keySplit).orElse(null)).isEqualTo(why);
  }

  @Test
  void aDirectReplacementServesTheNewVersionWholeAndForgetsTheRollout() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.desired = "v3";
    w.direct = "the runtime changes from kserve to triton, which no canary can split";
    RolloutDecision d = w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Idle);
    assertThat(w.status.stable).isEqualTo("v3");
    assertThat(w.status.candidate).isNull();
    assertThat(w.status.weight).isNull();
    assertThat(w.status.message).isEqualTo("v3 serves all traffic (" + w.direct
        + "; a new version replaces the old once ready)");
    assertThat(d.events()).isEmpty();
    assertThat(w.reconcile().status()).as("nothing changes at rest").isEqualTo(d.status());
  }

  @ParameterizedTest(name = "{0} (paused from {1}) at weight {2}: {3}")
  @CsvSource(nullValues = "-", value = {
      "Canary, -, 25, 25",
      "Canary, -, 0, 5",
      "Shadowing, -, 0, -",
      "Paused, Shadowing, 0, -",
      "Paused, Canary, 50, 50",
      "Promoting, -, 100, -",
      "RollingBack, -, 0, 0",
      "RolledBack, -, 0, 0"})
  void theCandidateRunsItsShareOfReplicas(String phase, String pausedPhase, int weight, Integer share) {
    RolloutStatus status = new RolloutStatus();
    status.phase = phase;
    status.pausedPhase = pausedPhase;
    status.weight = weight;
    assertThat(RolloutStateMachine.replicaPercent(new RolloutSpec(), status)).isEqualTo(share);
    assertThat(RolloutStateMachine.shadowing(status)).isEqualTo("Shadowing".equals(phase) || "Shadowing".equals(pausedPhase));
  }

  @Test
  void aQuotaRefusalHoldsTheCandidateAndIsAnEventOnlyWhenItChanges() {
    RolloutWorld w = new RolloutWorld();
    w.reconcile();
    w.desired = "v2";
    w.reconcile();
    w.blocked = new RolloutObservation.Blocked("GpuQuotaExceeded",
        "GPU quota gpus (requests.nvidia.com/gpu) leaves 0 GPU(s) but v2 needs 1 to start");
    RolloutDecision refused = w.reconcile();
    assertThat(refused.events()).extracting(RolloutDecision.Event::reason).containsExactly("GpuQuotaExceeded");
    assertThat(refused.events().get(0).warning()).isTrue();
    assertThat(w.status.message).isEqualTo("waiting for v2 to serve: " + w.blocked.message());
    assertThat(w.status.stepStartedAt).as("no step starts without room").isNull();
    assertThat(w.reconcile().events()).as("the same refusal again").isEmpty();
    w.blocked = new RolloutObservation.Blocked("GpuQuotaExceeded",
        "GPU quota gpus (requests.nvidia.com/gpu) leaves 1 GPU(s) but v2 needs 2 to start");
    assertThat(w.reconcile().events()).extracting(RolloutDecision.Event::reason).containsExactly("GpuQuotaExceeded");

    w.blocked = null;
    w.reconcile();
    assertThat(w.status.stepStartedAt).as("room again: the first step starts").isNotNull();
    assertThat(w.status.weight).isEqualTo(5);
  }

  @Test
  void theServingVersionIsTheStableOneDuringARollout() {
    RolloutStatus status = new RolloutStatus();
    assertThat(RolloutStateMachine.servingVersion(null, "v2")).isEqualTo("v2");
    assertThat(RolloutStateMachine.servingVersion(status, "v2")).isEqualTo("v2");
    status.stable = "v1";
    assertThat(RolloutStateMachine.servingVersion(status, "v2")).isEqualTo("v1");
  }

  @Test
  void theBaselineIsThePipelinesLagWhenTheCandidateFirstTakesTrafficWithItsTrendSinceTheStart() {
    RolloutWorld w = new RolloutWorld();
    w.pipelineLag = 120_000L;
    w.reconcile();
    w.desired = "v2";
    w.candidate = RolloutWorld.PENDING;
    w.reconcile();
    assertThat(w.status.baselineLag).as("at the rollout's start").isEqualTo(120_000L);
    w.advance(java.time.Duration.ofSeconds(20));
    w.pipelineLag = 100_000L;
    w.candidate = RolloutWorld.READY;
    w.reconcile();
    assertThat(w.status.weight).isEqualTo(5);
    assertThat(w.status.baselineLag).isEqualTo(100_000L);
    assertThat(w.status.baselineTrend).as("draining 1000/s").isEqualTo(-1000.0);
    assertThat(w.status.baselineAt).isEqualTo(w.status.stepStartedAt);
    w.pipelineLag = 5L;
    w.healthyCheck();
    assertThat(w.status.baselineLag).as("kept for the whole rollout").isEqualTo(100_000L);
  }
}
