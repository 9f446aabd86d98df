package dev.slipstream.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.ReplaySpec;
import dev.slipstream.api.v1alpha1.ShadowSpec;
import dev.slipstream.api.v1alpha1.SloSpec;
import dev.slipstream.core.replay.ReplayJudgement;
import dev.slipstream.core.replay.ReplayPlan;
import dev.slipstream.core.status.Readiness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Replaying phase: before any shadow or canary, the candidate is judged on the retained input. */
class RolloutReplayTest {
  private static final ReplayPlan PLAN = ReplayPlan.of(RolloutWorld.T0.minus(Duration.ofMinutes(10)), Duration.ZERO, null,
      List.of(new ReplayPlan.PartitionOffsets("tx", 0, 0, 1500, 500L, 500L, null)));
  private static final ReplayPlan EMPTY = ReplayPlan.of(RolloutWorld.T0.minus(Duration.ofMinutes(10)), Duration.ZERO, null,
      List.of(new ReplayPlan.PartitionOffsets("tx", 0, 0, 1500, null, null, null)));

  private static RolloutWorld replayOfV2(java.util.function.Consumer<dev.slipstream.api.v1alpha1.RolloutSpec> more) {
    RolloutWorld w = new RolloutWorld();
    w.spec.replay = new ReplaySpec();
    w.spec.replay.window = "10m";
    more.accept(w.spec);
    w.reconcile();
    w.desired = "v2";
    w.reconcile();
    return w;
  }

  /** The candidate's replay judged: {@code flipped} of 1,000 events decided otherwise than live. */
  private static ReplayObservation judged(int flipped) {
    ReplayJudgement j = new ReplayJudgement(ReplayJudgement.Limits.of(new ReplaySpec(), new SloSpec()));
    for (int i = 0; i < 1000; i++) {
      j.replayed(new ReplayJudgement.Decision("e" + i, "scored", i < flipped ? 0.9 : 0.1, "{}", "{}", 5L, null));
    }
    for (int i = 0; i < 1000; i++) {
      j.stable(new ReplayJudgement.Decision("e" + i, "scored", 0.1, "{}", "{}", 5L, null));
    }
    return ReplayObservation.judged(j.counts(), j.judge("v2"));
  }

  @Test
  void aPassingReplayFixesItsRangeThenLeadsToTheCanaryAndTheCandidateHadNoLiveTrafficBefore() {
    RolloutWorld w = replayOfV2(spec -> { });
    assertThat(w.phase()).isEqualTo(RolloutPhase.Replaying);
    assertThat(w.status.weight).isZero();
    assertThat(w.events).extracting(RolloutDecision.Event::message)
        .contains("rolling out v2 to replace v1: replay of the last 10m, then canary [5, 25, 50, 100]%");

    w.reconcile();
    assertThat(w.status.message).isEqualTo("planning the replay of v2: reading the input's offsets");
    assertThat(w.status.replay).isNull();

    w.replay = ReplayObservation.planned(PLAN, "fraud-scores.replay:0:42");
    w.reconcile();
    assertThat(w.status.replay.events).isEqualTo(1000);
    assertThat(w.status.replay.from).isEqualTo("tx:0:500");
    assertThat(w.status.replay.until).isEqualTo("tx:0:1500");
    assertThat(w.status.replay.outputFrom).isEqualTo("fraud-scores.replay:0:42");
    assertThat(RolloutStateMachine.replayJobWanted(w.status)).isTrue();
    assertThat(RolloutStateMachine.replicaPercent(w.spec, w.status)).as("every replica: it scores as fast as they answer").isNull();
    assertThat(RolloutStateMachine.checkDue(w.spec, w.status, w.now.plus(Duration.ofHours(1)))).as("no SLO check").isFalse();

    w.replay = ReplayObservation.running(Readiness.ready("JobRunning", "Flink job fraud-scoring-replay is RUNNING"));
    w.advance(Duration.ofSeconds(30));
    w.reconcile();
    assertThat(w.status.message).isEqualTo("replaying 1000 retained events since 2026-11-25T09:50:00Z on v2: Flink job"
        + " fraud-scoring-replay is RUNNING");
    assertThat(w.status.weight).isZero();

    w.replay = judged(0);
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.weight).isEqualTo(5);
    assertThat(w.status.replay.compared).isEqualTo(1000);
    assertThat(w.status.replay.agreeing).isEqualTo(1000);
    assertThat(w.status.replay.finishedAt).isNotNull();
    assertThat(RolloutStateMachine.replayJobWanted(w.status)).isFalse();
    assertThat(w.status.checks).extracting(c -> c.phase + " " + c.verdict).containsExactly("Replaying Pass");
    assertThat(w.events).extracting(RolloutDecision.Event::reason).containsSubsequence("ReplayStarted", "ReplaySucceeded");
  }

  @Test
  void aFailingReplayRollsBackBeforeAnyLiveExposureSayingWhy() {
    RolloutWorld w = replayOfV2(spec -> { });
    w.replay = ReplayObservation.planned(PLAN, "");
    w.reconcile();
    w.replay = judged(100);
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(w.status.rollbackReason).isEqualTo("ReplayFailed");
    assertThat(w.status.maxWeight).as("never given live traffic").isNull();
    assertThat(w.last.events()).singleElement().satisfies(e -> {
      assertThat(e.warning()).isTrue();
      assertThat(e.reason()).isEqualTo("ReplayFailed");
      assertThat(e.message()).isEqualTo("v2 failed its replay, before any live traffic: replay agreement 90.00% < 99.00%"
          + " (900 of 1000 events)");
    });
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.RolledBack);
    assertThat(w.status.history).singleElement().satisfies(r -> {
      assertThat(r.reason).isEqualTo("ReplayFailed");
      assertThat(r.maxWeight).isZero();
    });
  }

  @Test
  void aHealthyTwinOfTheFailingReplayUnderTheSameLimitsPasses() {
    RolloutWorld w = replayOfV2(spec -> { });
    w.replay = ReplayObservation.planned(PLAN, "");
    w.reconcile();
    w.replay = judged(5); // 99.5% >= 99%
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
  }

  @Test
  void aReplayComesBeforeTheShadowRun() {
    RolloutWorld w = replayOfV2(spec -> spec.shadow = new ShadowSpec());
    w.replay = ReplayObservation.planned(PLAN, "");
    w.reconcile();
    w.replay = judged(0);
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Shadowing);
    assertThat(w.status.stepStartedAt).as("the shadow starts once its job runs").isNull();
    assertThat(RolloutStateMachine.shadowing(w.status)).isTrue();
    w.replay = null;
    w.reconcile();
    assertThat(w.status.message).startsWith("shadowing v2 on the real input");
  }

  @Test
  void nothingRetainedInTheWindowIsSaidAndTheLiveChecksDecide() {
    RolloutWorld w = replayOfV2(spec -> { });
    w.replay = ReplayObservation.planned(EMPTY, "");
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.events).filteredOn(e -> e.reason().equals("ReplayEmpty")).singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo("no retained event since 2026-11-25T09:50:00Z to replay: v2 goes"
            + " on to its live checks"));
  }

  @Test
  void aReplayWithNothingToCompareIsInconclusiveAndTheLiveChecksDecide() {
    RolloutWorld w = replayOfV2(spec -> { });
    w.replay = ReplayObservation.planned(PLAN, "");
    w.reconcile();
    ReplayJudgement j = new ReplayJudgement(ReplayJudgement.Limits.of(new ReplaySpec(), new SloSpec()));
    w.replay = ReplayObservation.judged(j.counts(), j.judge("v2"));
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.last.events()).extracting(RolloutDecision.Event::reason).contains("ReplayInconclusive");
  }

  @Test
  void aDegradedPipelinePausesTheReplayAndItsDeadlineWaits() {
    RolloutWorld w = replayOfV2(spec -> { });
    w.replay = ReplayObservation.planned(PLAN, "");
    w.reconcile();
    w.replay = ReplayObservation.running(Readiness.ready("JobRunning", "running"));
    w.degraded = true;
    for (int i = 0; i < 9; i++) {
      w.advance(Duration.ofMinutes(1));
      w.reconcile();
    }
    assertThat(w.phase()).isEqualTo(RolloutPhase.Replaying);
    assertThat(w.status.message).startsWith("replay of v2 paused: the pipeline is degraded");
    assertThat(w.events).filteredOn(e -> e.reason().equals("ReplayPaused")).hasSize(1);
    w.degraded = false;
    w.advance(Duration.ofMinutes(9));
    w.reconcile();
    assertThat(w.phase()).as("9 minutes since the pause ended, of a 10m deadline").isEqualTo(RolloutPhase.Replaying);
    w.advance(Duration.ofMinutes(1));
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(w.status.message).startsWith("no replay verdict within 10m (spec.rollout.replay.deadline)");
  }

  @Test
  void aFailedReplayJobRollsBack() {
    RolloutWorld w = replayOfV2(spec -> { });
    w.replay = ReplayObservation.planned(PLAN, "");
    w.reconcile();
    w.replay = ReplayObservation.running(Readiness.failed("JobFailed", "Flink job fraud-scoring-replay is FAILED: OOM"));
    w.reconcile();
    assertThat(w.status.rollbackReason).isEqualTo("ReplayFailed");
    assertThat(w.status.message).isEqualTo("the replay job of v2 failed: Flink job fraud-scoring-replay is FAILED: OOM");
  }

  @Test
  void pausedMidReplayTheJobIsKeptAndResumes() {
    RolloutWorld w = replayOfV2(spec -> { });
    w.replay = ReplayObservation.planned(PLAN, "");
    w.reconcile();
    w.spec.paused = true;
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Paused);
    assertThat(RolloutStateMachine.replaying(w.status)).isTrue();
    assertThat(RolloutStateMachine.replayJobWanted(w.status)).isTrue();
    w.spec.paused = false;
    w.replay = judged(0);
    w.reconcile();
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
  }
}
