package dev.slipstream.core.rollout;

import static dev.slipstream.core.rollout.RolloutWorld.PENDING;
import static dev.slipstream.core.rollout.RolloutWorld.READY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShadowSpec;
import dev.slipstream.core.slo.Signals;
import dev.slipstream.core.status.Readiness;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutStateMachineTest {
  @Test
  void theFirstVersionIsDeployedNotRolledOut() {
    RolloutWorld w = new RolloutWorld();
    RolloutDecision d = w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Idle);
    assertThat(w.status.stable).isEqualTo("v1");
    assertThat(w.status.candidate).isNull();
    assertThat(d.requeueAfter()).isNull();
    assertThat(w.reconcile().status()).as("nothing changes at rest").isEqualTo(d.status());
  }

  @Test
  void aHealthyCandidateWalksEveryStepAndIsPromoted() {
    RolloutWorld w = new RolloutWorld();
    w.reconcile();
    w.desired = "v2";
    w.candidate = PENDING;
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.weight).as("no traffic until the candidate serves").isZero();
    assertThat(w.status.candidate).isEqualTo("v2");
    w.reconcile();
    assertThat(w.status.message).contains("waiting for v2 to serve").contains("revision not ready");
    assertThat(w.status.weight).isZero();
    w.candidate = READY;
    w.reconcile();
    assertThat(w.status.weight).isEqualTo(5);
    assertThat(w.status.stepIndex).isZero();

    assertThat(RolloutStateMachine.checkDue(w.spec, w.status, w.now)).isFalse();
    assertThat(RolloutStateMachine.checkDue(w.spec, w.status, w.now.plusSeconds(60))).isTrue();
    List<Integer> weights = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      w.healthyCheck();
      weights.add(w.status.weight);
    }
    assertThat(weights).containsExactly(25, 50, 100);
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);

    w.healthyCheck();
    assertThat(w.phase()).as("promoted only after a passing check at full weight").isEqualTo(RolloutPhase.Promoting);
    assertThat(w.status.weight).isEqualTo(100);
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Succeeded);
    assertThat(w.status.stable).isEqualTo("v2");
    assertThat(w.status.candidate).isNull();
    assertThat(w.events).extracting(RolloutDecision.Event::reason).containsSubsequence(
        "RolloutStarted", "CanaryStepAdvanced", "CanaryStepAdvanced", "CanaryStepAdvanced", "Promoting", "RolloutSucceeded");
  }

  @Test
  void failedChecksInARowRollBackAndTheEventNamesMetricValueAndThreshold() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.healthyCheck();
    assertThat(w.status.weight).isEqualTo(25);
    w.check(RolloutWorld.slow());
    w.check(RolloutWorld.slow());
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.consecutiveFailures).isEqualTo(2);
    assertThat(w.status.weight).as("a failing step does not advance").isEqualTo(25);
    w.check(RolloutWorld.slow());
    assertThat(w.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(w.status.weight).isZero();
    assertThat(w.status.rollbackReason).isEqualTo("AnalysisFailed");
    RolloutDecision.Event rollback = w.events.get(w.events.size() - 1);
    assertThat(rollback.warning()).isTrue();
    assertThat(rollback.reason()).isEqualTo("CanaryAnalysisFailed");
    assertThat(rollback.message()).isEqualTo("candidate p99 latency 412ms > 250ms (3/3 consecutive)");
    assertThat(w.status.lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("p99LatencyMs");
      assertThat(r.value).isEqualTo(412.0);
      assertThat(r.threshold).isEqualTo(250.0);
      assertThat(r.verdict).isEqualTo("Fail");
    });

    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.RolledBack);
    assertThat(w.status.stable).isEqualTo("v1");
    assertThat(w.status.candidate).isEqualTo("v2");
    assertThat(w.status.message).contains("all traffic on v1").contains("412ms > 250ms");
    w.advance(Duration.ofHours(1));
    w.reconcile();
    assertThat(w.phase()).as("stays rolled back while Git still names the failed version").isEqualTo(RolloutPhase.RolledBack);
  }

  @Test
  void aPassingCheckResetsTheFailureCount() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.check(RolloutWorld.slow());
    w.check(RolloutWorld.slow());
    w.healthyCheck();
    assertThat(w.status.consecutiveFailures).isZero();
    w.check(RolloutWorld.slow());
    w.check(RolloutWorld.slow());
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
  }

  @Test
  void afterARollbackGitDecides_backToStableIsIdleAFixedVersionStartsAgainRetryRestarts() {
    RolloutWorld w = rolledBack();
    w.reconcile(null, RolloutCommand.RETRY);
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.candidate).isEqualTo("v2");
    assertThat(w.status.consecutiveFailures).isZero();

    RolloutWorld fixed = rolledBack();
    fixed.desired = "v3";
    fixed.reconcile();
    assertThat(fixed.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(fixed.status.candidate).isEqualTo("v3");

    RolloutWorld back = rolledBack();
    back.desired = "v1";
    back.reconcile();
    assertThat(back.phase()).isEqualTo(RolloutPhase.Idle);
    assertThat(back.status.candidate).isNull();
  }

  private static RolloutWorld rolledBack() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    for (int i = 0; i < 3; i++) {
      w.check(RolloutWorld.slow());
    }
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.RolledBack);
    return w;
  }

  @Test
  void noDataUnderHoldNeitherAdvancesNorFailsUntilItsTimeout() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    // the first check without data starts the clock; five intervals later checks without data fail
    for (int i = 0; i < 5; i++) {
      w.check(RolloutWorld.noData());
      assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
      assertThat(w.status.weight).isEqualTo(5);
      assertThat(w.status.consecutiveFailures).isZero();
      assertThat(w.status.message).startsWith("holding");
    }
    w.check(RolloutWorld.noData());
    assertThat(w.status.consecutiveFailures).isEqualTo(1);
    w.check(RolloutWorld.noData());
    w.check(RolloutWorld.noData());
    assertThat(w.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(w.status.message).contains("no data").contains("for 5 intervals (3/3 consecutive)");
  }

  @Test
  void dataReturningClearsTheNoDataClock() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.check(RolloutWorld.noData());
    assertThat(w.status.noDataSince).isNotNull();
    w.healthyCheck();
    assertThat(w.status.noDataSince).isNull();
    assertThat(w.status.weight).isEqualTo(25);
  }

  @Test
  void noDataCanBeDeclaredAFailureOrAPass() {
    RolloutWorld failing = RolloutWorld.canaryOfV2();
    failing.useNoDataPolicy(AnalysisSpec.NoData.fail);
    failing.check(RolloutWorld.noData());
    assertThat(failing.status.consecutiveFailures).isEqualTo(1);

    RolloutWorld passing = RolloutWorld.canaryOfV2();
    passing.useNoDataPolicy(AnalysisSpec.NoData.pass);
    passing.check(RolloutWorld.noData());
    assertThat(passing.status.weight).isEqualTo(25);
  }

  @Test
  void shadowRunsForItsDurationOnPassingChecksThenTheCanaryStarts() {
    RolloutWorld w = new RolloutWorld();
    w.spec.shadow = new ShadowSpec();
    w.spec.shadow.duration = "3m";
    w.reconcile();
    w.desired = "v2";
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Shadowing);
    w.reconcile();
    assertThat(w.status.weight).as("shadow takes no real traffic").isZero();
    w.healthyCheck();
    w.healthyCheck();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Shadowing);
    w.healthyCheck();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.weight).isEqualTo(5);
    assertThat(w.events).extracting(RolloutDecision.Event::reason).contains("ShadowSucceeded");
  }

  @Test
  void aFailingShadowRollsBackUnlessItIsOnlyInformational() {
    RolloutWorld strict = shadowing(true);
    for (int i = 0; i < 3; i++) {
      strict.check(RolloutWorld.slow());
    }
    assertThat(strict.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(strict.events.get(strict.events.size() - 1).reason()).isEqualTo("ShadowAnalysisFailed");

    RolloutWorld lenient = shadowing(false);
    for (int i = 0; i < 5; i++) {
      lenient.check(RolloutWorld.slow());
    }
    assertThat(lenient.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(lenient.status.weight).isEqualTo(5);
  }

  private static RolloutWorld shadowing(boolean mustPass) {
    return RolloutWorld.canaryOfV2(spec -> {
      spec.shadow = new ShadowSpec();
      spec.shadow.duration = "5m";
      spec.shadow.mustPass = mustPass;
    });
  }

  @Test
  void revertingTheReferenceMidCanaryAbortsAtOnce() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.healthyCheck();
    w.healthyCheck();
    assertThat(w.status.weight).isEqualTo(50);
    w.desired = "v1";
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Idle);
    assertThat(w.status.weight).as("no candidate traffic").isNull();
    assertThat(w.status.candidate).isNull();
    assertThat(w.events.get(w.events.size() - 1).reason()).isEqualTo("RolloutAborted");
  }

  @Test
  void anotherVersionMidCanaryRestartsTheRolloutWithIt() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.healthyCheck();
    w.desired = "v3";
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.candidate).isEqualTo("v3");
    assertThat(w.status.stable).isEqualTo("v1");
    assertThat(w.status.weight).isZero();
    assertThat(w.events.get(w.events.size() - 1).reason()).isEqualTo("RolloutRestarted");
  }

  @Test
  void pauseHoldsTheStepAndResumeContinuesFromIt() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.healthyCheck();
    w.spec.paused = true;
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Paused);
    w.check(RolloutWorld.healthy());
    w.check(RolloutWorld.slow());
    w.advance(Duration.ofHours(2));
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Paused);
    assertThat(w.status.weight).isEqualTo(25);
    w.spec.paused = false;
    w.reconcile();
    assertThat(w.phase()).as("a long pause is not a missed deadline").isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.weight).isEqualTo(25);
    assertThat(w.status.consecutiveFailures).isZero();
    w.healthyCheck();
    assertThat(w.status.weight).isEqualTo(50);
  }

  @Test
  void aDegradedPipelineHoldsTheCanaryAndDoesNotJudgeTheLagOfTheLoad() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.degraded = true;
    Signals saturated = new Signals("candidate", 90_000L, 40_000L, 80.0, 0.1, 1000L);
    w.check(saturated);
    w.check(saturated);
    w.check(saturated);
    w.healthyCheck();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.weight).as("no step while degraded").isEqualTo(5);
    assertThat(w.status.consecutiveFailures).isZero();
    assertThat(w.status.message).contains("degraded by its ShedPolicy");
    w.degraded = false;
    w.healthyCheck();
    assertThat(w.status.weight).isEqualTo(25);
  }

  @Test
  void aDegradedPipelineStillRollsBackACandidateWhoseOwnLatencyFails() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.degraded = true;
    w.check(RolloutWorld.slow());
    w.check(RolloutWorld.slow());
    w.check(RolloutWorld.slow());
    assertThat(w.phase()).as("a rollback goes first").isEqualTo(RolloutPhase.RollingBack);
    assertThat(w.status.weight).isZero();
  }

  @Test
  void aCandidateThatFailsToServeIsRolledBack() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.candidate = Readiness.failed("ServingFailed", "InferenceService fraud failed to load the model: no model.onnx");
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(w.status.rollbackReason).isEqualTo("CandidateFailed");
    assertThat(w.status.message).contains("no model.onnx");
  }

  @Test
  void aCandidateThatNeverServesMissesTheProgressDeadline() {
    RolloutWorld w = new RolloutWorld();
    w.reconcile();
    w.desired = "v2";
    w.candidate = PENDING;
    w.reconcile();
    w.advance(Duration.ofSeconds(599));
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    w.advance(Duration.ofSeconds(1));
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(w.status.rollbackReason).isEqualTo("ProgressDeadlineExceeded");
    assertThat(w.status.message).contains("600s");
  }

  @Test
  void maxWeightCapsTheStepsAndPromotionFollowsAPassAtIt() {
    RolloutWorld w = new RolloutWorld();
    w.spec.canary.maxWeight = 50;
    w.reconcile();
    w.desired = "v2";
    w.reconcile();
    w.reconcile();
    w.healthyCheck();
    w.healthyCheck();
    assertThat(w.status.weight).isEqualTo(50);
    w.healthyCheck();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Promoting);
  }

  @Test
  void manualPromoteAndAbort() {
    RolloutWorld promoted = RolloutWorld.canaryOfV2();
    promoted.reconcile(null, RolloutCommand.PROMOTE);
    assertThat(promoted.phase()).isEqualTo(RolloutPhase.Promoting);
    assertThat(promoted.status.message).contains("annotation slipstream.dev/rollout=promote");

    RolloutWorld aborted = RolloutWorld.canaryOfV2();
    aborted.reconcile(null, RolloutCommand.ABORT);
    assertThat(aborted.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(aborted.status.rollbackReason).isEqualTo("Aborted");
    assertThat(aborted.status.weight).isZero();
  }

  @Test
  void anOperatorRestartedMidCanaryResumesTheSameStepWithTheSameCounters() {
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.healthyCheck();
    w.check(RolloutWorld.slow());
    // what a restarted operator has: the status as stored on the API server, nothing in memory
    w.status = Serialization.unmarshal(Serialization.asJson(w.status), RolloutStatus.class);
    assertThat(w.status.weight).isEqualTo(25);
    assertThat(w.status.consecutiveFailures).isEqualTo(1);
    w.check(RolloutWorld.slow());
    assertThat(w.status.consecutiveFailures).isEqualTo(2);
    assertThat(w.status.weight).isEqualTo(25);
  }

  @Test
  void commandsParseFromTheAnnotation() {
    assertThat(RolloutCommand.parse(" Promote ")).isEqualTo(RolloutCommand.PROMOTE);
    assertThat(RolloutCommand.parse("retry:2")).as("a suffix repeats a command").isEqualTo(RolloutCommand.RETRY);
    assertThat(RolloutCommand.fresh("promote", null)).isTrue();
    assertThat(RolloutCommand.fresh("promote", "promote")).as("seen before: not run again").isFalse();
    assertThat(RolloutCommand.fresh("promote:2", "promote")).isTrue();
    assertThat(RolloutCommand.fresh(null, "promote")).isFalse();
    assertThat(RolloutCommand.parse("abort")).isEqualTo(RolloutCommand.ABORT);
    assertThat(RolloutCommand.parse("retry")).isEqualTo(RolloutCommand.RETRY);
    assertThat(RolloutCommand.parse("yolo")).isEqualTo(RolloutCommand.NONE);
    assertThat(RolloutCommand.parse(null)).isEqualTo(RolloutCommand.NONE);
  }

  @Test
  void intervalsShorterThanFiveSecondsAreRaisedToFive() {
    RolloutWorld w = new RolloutWorld();
    w.spec.canary.interval = "1s";
    assertThat(RolloutStateMachine.interval(w.spec)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void signalsOfTheStableVersionAreNamedAsSuch() {
    var results = dev.slipstream.core.slo.SloEvaluator.evaluate(RolloutWorld.SLO, new AnalysisSpec(),
        new Signals("shadow", 1L, 1L, 1.0, 0.0, 10L));
    assertThat(results).allSatisfy(r -> assertThat(r.target).isEqualTo("shadow"));
  }

  @Test
  void thePromotedVersionsPredecessorStaysWarmAsManyAsSpecSays() {
    assertThat(RolloutStateMachine.warmAfterPromotion(null, "v1", "v2", 1)).containsExactly("v1");
    assertThat(RolloutStateMachine.warmAfterPromotion(List.of("v1"), "v2", "v3", 2)).containsExactly("v2", "v1");
    assertThat(RolloutStateMachine.warmAfterPromotion(List.of("v2", "v1"), "v3", "v4", 2)).containsExactly("v3", "v2");
    assertThat(RolloutStateMachine.warmAfterPromotion(List.of("v1"), "v2", "v1", 2)).as("going back to a warm one")
        .containsExactly("v2");
    assertThat(RolloutStateMachine.warmAfterPromotion(List.of("v1"), "v2", "v3", 0)).isNull();

    RolloutWorld w = new RolloutWorld();
    w.reconcile();
    w.desired = "v2";
    w.candidate = READY;
    w.reconcile();
    for (int i = 0; i < 10 && w.phase() != RolloutPhase.Succeeded; i++) {
      w.healthyCheck();
      w.reconcile();
    }
    assertThat(w.status.stable).isEqualTo("v2");
    assertThat(w.status.warm).containsExactly("v1");
    w.desired = "v3";
    w.reconcile();
    assertThat(w.status.warm).as("kept through the next rollout").containsExactly("v1");
  }
}
