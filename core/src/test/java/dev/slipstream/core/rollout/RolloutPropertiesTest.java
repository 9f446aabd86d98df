package dev.slipstream.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShadowSpec;
import dev.slipstream.core.slo.Signals;
import dev.slipstream.core.slo.SloEvaluator;
import dev.slipstream.core.status.Readiness;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the rollout state machine over random worlds: seeded, so a failure names the seed that
 * reproduces it. Each world changes readiness, pause, degradation, commands, the desired version and the
 * measured signals at random while the clock moves on.
 */
class RolloutPropertiesTest {
  private static final int STEPS = 300;

  static LongStream seeds() {
    return LongStream.range(0, 300);
  }

  /** One random world, driven step by step; {@code restart} round-trips the status through JSON before every step. */
  private static List<RolloutStatus> run(long seed, boolean restart, List<RolloutStatus> trace) {
    Random r = new Random(seed);
    RolloutWorld w = new RolloutWorld();
    w.spec.canary.maxWeight = List.of(100, 50, 30, 5).get(r.nextInt(4));
    w.spec.analysis.failureThreshold = 1 + r.nextInt(4);
    w.spec.analysis.noDataTimeoutIntervals = 1 + r.nextInt(6);
    w.spec.analysis.noData = AnalysisSpec.NoData.values()[r.nextInt(3)];
    if (r.nextBoolean()) {
      w.spec.shadow = new ShadowSpec();
      w.spec.shadow.duration = (1 + r.nextInt(5)) + "m";
      w.spec.shadow.mustPass = r.nextBoolean();
    }
    if (r.nextInt(3) == 0) {
      w.spec.canary.approvals = List.of(List.of(5, 25, 50, 100).get(r.nextInt(4)));
    }
    if (r.nextInt(3) == 0) {
      w.spec.replay = new dev.slipstream.api.v1alpha1.ReplaySpec();
      w.spec.replay.window = "10m";
      w.spec.replay.deadline = (2 + r.nextInt(8)) + "m";
    }
    Duration interval = RolloutStateMachine.interval(w.spec);
    for (int i = 0; i < STEPS; i++) {
      if (restart && w.status != null) {
        w.status = Serialization.unmarshal(Serialization.asJson(w.status), RolloutStatus.class);
      }
      w.now = w.now.plusMillis((long) (r.nextDouble() * 2 * interval.toMillis()));
      int event = r.nextInt(100);
      if (event < 4) {
        w.desired = List.of("v1", "v2", "v3").get(r.nextInt(3));
      } else if (event < 12) {
        w.candidate = List.of(RolloutWorld.READY, RolloutWorld.PENDING, Readiness.failed("ServingFailed", "boom")).get(
            r.nextInt(10) == 0 ? 2 : r.nextInt(2));
      } else if (event < 16) {
        w.spec.paused = !w.spec.paused;
      } else if (event < 20) {
        w.degraded = !w.degraded;
      } else if (event < 23) {
        w.stable = r.nextBoolean() ? RolloutWorld.READY : RolloutWorld.PENDING;
      } else if (event < 24) {
        w.direct = w.direct == null ? "the runtime changes from kserve to triton, which no canary can split" : null;
      } else if (event < 26) {
        w.blocked = w.blocked == null ? new RolloutObservation.Blocked("GpuQuotaExceeded", "GPU quota gpus leaves 0 GPU(s)") : null;
      }
      w.replay = RolloutStateMachine.replaying(w.status) ? randomReplay(r, w.status) : null;
      RolloutCommand command = r.nextInt(40) == 0 ? RolloutCommand.values()[r.nextInt(RolloutCommand.values().length)] : RolloutCommand.NONE;
      var analysis = RolloutStateMachine.checkDue(w.spec, w.status, w.now)
          ? SloEvaluator.evaluate(RolloutWorld.SLO, w.spec.analysis, randomSignals(r)) : null;
      w.reconcile(analysis, command);
      trace.add(Serialization.unmarshal(Serialization.asJson(w.status), RolloutStatus.class));
    }
    return trace;
  }

  /** A replay as the reconciler might see it: planned when it has no range yet, then running, failed or judged. */
  private static ReplayObservation randomReplay(Random r, RolloutStatus status) {
    if (status.replay == null) {
      return r.nextInt(3) == 0 ? null : ReplayObservation.planned(dev.slipstream.core.replay.ReplayPlan.of(
          RolloutWorld.T0, Duration.ZERO, null, List.of(new dev.slipstream.core.replay.ReplayPlan.PartitionOffsets("tx", 0, 0,
              1000, r.nextInt(5) == 0 ? null : 500L, null, null))), "");
    }
    int roll = r.nextInt(20);
    if (roll < 12) {
      return ReplayObservation.running(roll == 0 ? Readiness.failed("JobFailed", "boom") : RolloutWorld.READY);
    }
    var judgement = new dev.slipstream.core.replay.ReplayJudgement(dev.slipstream.core.replay.ReplayJudgement.Limits.of(
        new dev.slipstream.api.v1alpha1.ReplaySpec(), RolloutWorld.SLO));
    int flipped = roll < 15 ? 50 : 0;
    for (int i = 0; i < (roll == 19 ? 0 : 100); i++) {
      judgement.replayed(new dev.slipstream.core.replay.ReplayJudgement.Decision("e" + i, "scored", i < flipped ? 0.9 : 0.1,
          "{}", "{}", 3L, null));
      judgement.stable(new dev.slipstream.core.replay.ReplayJudgement.Decision("e" + i, "scored", 0.1, "{}", "{}", 3L, null));
    }
    return ReplayObservation.judged(judgement.counts(), judgement.judge("v"));
  }

  private static Signals randomSignals(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> RolloutWorld.slow();
      case 1 -> RolloutWorld.noData();
      default -> RolloutWorld.healthy();
    };
  }

  @org.junit.jupiter.api.Test
  void theRandomWorldsReachEveryPhaseSoThePropertiesAreNotVacuous() {
    java.util.Set<RolloutPhase> seen = java.util.EnumSet.noneOf(RolloutPhase.class);
    seeds().limit(100).forEach(seed -> run(seed, false, new ArrayList<>()).forEach(s -> seen.add(RolloutPhase.of(s.phase))));
    assertThat(seen).containsExactlyInAnyOrder(RolloutPhase.values());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void weightNeverExceedsMaxWeightBeforePromotionAndEveryRollbackEndsAtZero(long seed) {
    Random r = new Random(seed);
    int maxWeight = List.of(100, 50, 30, 5).get(r.nextInt(4));
    for (RolloutStatus s : run(seed, false, new ArrayList<>())) {
      RolloutPhase phase = RolloutPhase.of(s.phase);
      if (phase != RolloutPhase.Promoting && s.weight != null) {
        assertThat(s.weight).as("seed %d, %s", seed, phase).isLessThanOrEqualTo(maxWeight);
      }
      if (phase == RolloutPhase.RollingBack || phase == RolloutPhase.RolledBack) {
        assertThat(s.weight).as("seed %d: candidate weight in %s", seed, phase).isZero();
      }
      if (phase == RolloutPhase.Idle || phase == RolloutPhase.Succeeded) {
        assertThat(s.candidate).as("seed %d: no candidate in %s", seed, phase).isNull();
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void replayingStatusAfterARestartNeverSkipsOrRepeatsAStep(long seed) {
    List<RolloutStatus> straight = run(seed, false, new ArrayList<>());
    List<RolloutStatus> restarted = run(seed, true, new ArrayList<>());
    assertThat(restarted).as("seed %d: the same decisions with every status read back from the API server", seed)
        .isEqualTo(straight);
    for (int i = 1; i < straight.size(); i++) {
      RolloutStatus before = straight.get(i - 1);
      RolloutStatus after = straight.get(i);
      boolean sameRollout = after.candidate != null && after.candidate.equals(before.candidate)
          && after.startedAt != null && after.startedAt.equals(before.startedAt);
      if (sameRollout && before.stepIndex != null && after.stepIndex != null) {
        assertThat(after.stepIndex - before.stepIndex).as("seed %d, decision %d: step change", seed, i).isBetween(0, 1);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void noDataUnderHoldNeverRollsBackBeforeItsTimeout(long seed) {
    Random r = new Random(seed);
    RolloutWorld w = RolloutWorld.canaryOfV2();
    w.spec.analysis.failureThreshold = 1 + r.nextInt(3);
    w.spec.analysis.noDataTimeoutIntervals = 1 + r.nextInt(6);
    Duration interval = RolloutStateMachine.interval(w.spec);
    Duration timeout = interval.multipliedBy(w.spec.analysis.noDataTimeoutIntervals);
    Instant firstNoData = null;
    for (int i = 0; i < 60 && w.phase() == RolloutPhase.Canary; i++) {
      w.now = w.now.plusMillis((long) (r.nextDouble() * 2 * interval.toMillis()));
      if (RolloutStateMachine.checkDue(w.spec, w.status, w.now)) {
        firstNoData = firstNoData == null ? w.now : firstNoData;
        w.reconcile(SloEvaluator.evaluate(RolloutWorld.SLO, w.spec.analysis, RolloutWorld.noData()), RolloutCommand.NONE);
      } else {
        w.reconcile();
      }
      if (w.phase() == RolloutPhase.RollingBack) {
        assertThat(Duration.between(firstNoData, w.now)).as("seed %d: rolled back after", seed)
            .isGreaterThanOrEqualTo(timeout);
      }
    }
    assertThat(w.status.weight).as("seed %d: no advance without data", seed).isIn(5, 0);
  }
}
