package dev.slipstream.core.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.ShedTriggerStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShedLadderTest {
  private static final Duration TICK = Duration.ofSeconds(15);

  @Test
  void startsAtNormalAndMeasuresTheFirstLevelsTriggers() {
    ShedWorld w = ShedWorld.threeLevels();
    w.lag = 200L;
    ShedLadder.Decision d = w.evaluate();
    assertThat(d.change()).isNull();
    assertThat(w.status.levelName).isEqualTo("normal");
    assertThat(w.status.level).isZero();
    assertThat(w.status.triggers).isEmpty();
    assertThat(w.status.next).containsExactly(new ShedTriggerStatus("consumerLag", 200.0, 1000.0, false));
    assertThat(d.requeueAfter()).isEqualTo(TICK);
  }

  @Test
  void climbsOneLevelPerEvaluationWhileTheNextLevelsTriggerHolds() {
    ShedWorld w = ShedWorld.threeLevels();
    w.evaluate();
    w.lag = 60_000L;
    ShedLadder.Decision first = w.after(TICK);
    assertThat(first.change()).isEqualTo(new ShedLadder.Change(0, 1, "ConsumerLagHigh",
        "entered level 1/3 'scale-out': consumerLag 60000 > 1000; serving scaled out to 6 replicas"));
    assertThat(w.status.since).isEqualTo(w.now.toString());
    assertThat(w.status.actions).containsExactly("serving scaled out to 6 replicas");
    w.after(TICK);
    assertThat(w.level()).isEqualTo(2);
    assertThat(w.status.fallbackModel).isEqualTo("fraud-small");
    assertThat(w.status.actions).containsExactly("serving scaled out to 6 replicas",
        "all traffic on fallback ModelVersion fraud-small");
    w.after(TICK);
    assertThat(w.level()).isEqualTo(3);
    assertThat(w.status.next).isEmpty();
    assertThat(w.after(TICK).change()).as("there is no level above the top").isNull();
  }

  @Test
  void eachLevelChangeIsKeptWithItsReasonAndNumbersTheNewestTen() {
    ShedWorld w = ShedWorld.threeLevels();
    w.evaluate();
    assertThat(w.status.history).as("no change yet").isNull();
    w.lag = 20_000L;
    w.after(TICK);
    w.after(TICK);
    w.lag = 5_000L;
    for (int i = 0; i < 6; i++) {
      w.after(TICK);
    }
    assertThat(w.status.history).extracting(c -> c.from + "->" + c.to + " " + c.levelName + " " + c.reason)
        .containsExactly("0->1 scale-out ConsumerLagHigh", "1->2 downgrade ConsumerLagHigh", "2->1 scale-out TriggersClear");
    assertThat(w.status.history.get(0).message).contains("consumerLag 20000 > 1000");
    assertThat(w.status.history.get(0).at).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z").plus(TICK).toString());

    // a long flood: up and down many times, only the newest ten stay
    for (int round = 0; round < 8; round++) {
      w.lag = 60_000L;
      for (int i = 0; i < 3; i++) {
        w.after(Duration.ofMinutes(10));
      }
      w.lag = 0L;
      for (int i = 0; i < 12; i++) {
        w.after(Duration.ofMinutes(10));
      }
    }
    assertThat(w.status.history).hasSize(ShedLadder.HISTORY);
    assertThat(w.status.history.get(ShedLadder.HISTORY - 1).at).isEqualTo(w.status.since);
  }

  @Test
  void doesNotEvaluateBeforeTheIntervalIsOver() {
    ShedWorld w = ShedWorld.threeLevels();
    w.evaluate();
    w.lag = 60_000L;
    ShedLadder.Decision early = w.after(Duration.ofSeconds(5));
    assertThat(early.change()).isNull();
    assertThat(early.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(w.status.lag).as("the signals are sampled only when due").isZero();
    assertThat(w.after(Duration.ofSeconds(10)).change()).isNotNull();
  }

  @Test
  void stepsBackOnlyAfterEveryTriggerStayedClearForTheCooldown() {
    ShedWorld w = ShedWorld.threeLevels();
    w.evaluate();
    w.lag = 20_000L;
    w.after(TICK);
    w.after(TICK);
    assertThat(w.level()).isEqualTo(2);
    w.lag = 5_000L; // below downgrade's 10000, above scale-out's 1000
    w.after(TICK);
    String clearSince = w.status.clearSince;
    assertThat(clearSince).isEqualTo(w.now.toString());
    w.after(TICK);
    w.after(TICK);
    w.after(TICK);
    assertThat(w.level()).as("45s of a 1m cooldown").isEqualTo(2);
    ShedLadder.Decision back = w.after(TICK);
    assertThat(back.change()).isEqualTo(new ShedLadder.Change(2, 1, "TriggersClear",
        "stepped back to level 1 'scale-out': every trigger of 'downgrade' stayed clear for 1m"));
    assertThat(w.status.fallbackModel).isNull();
    assertThat(w.status.clearSince).isNull();
    for (int i = 0; i < 10; i++) {
      w.after(TICK);
    }
    assertThat(w.level()).as("scale-out's own trigger still holds").isEqualTo(1);
  }

  @Test
  void aTriggerThatHoldsAgainRestartsTheCooldown() {
    ShedWorld w = ShedWorld.threeLevels();
    w.evaluate();
    w.lag = 5_000L;
    w.after(TICK);
    w.lag = 500L;
    w.after(TICK);
    w.after(TICK);
    w.after(TICK);
    w.lag = 1_500L; // holds again for one evaluation
    w.after(TICK);
    assertThat(w.status.clearSince).isNull();
    w.lag = 500L;
    w.after(TICK);
    w.after(TICK);
    w.after(TICK);
    w.after(TICK);
    assertThat(w.level()).isEqualTo(1);
    assertThat(w.after(TICK).change().to()).isZero();
    assertThat(w.status.levelName).isEqualTo("normal");
    assertThat(w.status.actions).isEmpty();
  }

  @Test
  void aTriggerWithoutDataNeitherClimbsNorCountsAsClear() {
    ShedWorld w = ShedWorld.threeLevels();
    w.evaluate();
    w.lag = 5_000L;
    w.after(TICK);
    w.lag = null;
    for (int i = 0; i < 20; i++) {
      assertThat(w.after(TICK).change()).isNull();
    }
    assertThat(w.level()).isEqualTo(1);
    assertThat(w.status.triggers).containsExactly(new ShedTriggerStatus("consumerLag", null, 1000.0, null));
  }

  @Test
  void lagGrowingForClimbsOnlyAfterTheLagGrewAtEveryEvaluationForThatLong() {
    ShedWorld w = ShedWorld.threeLevels();
    w.policy.levels.get(0).triggers.consumerLagAbove = null;
    w.policy.levels.get(0).triggers.lagGrowingFor = "1m";
    w.evaluate();
    for (int i = 1; i <= 3; i++) {
      w.lag = 100L * i;
      assertThat(w.after(TICK).change()).isNull();
    }
    w.lag = 250L; // shrank: the run starts again
    w.after(TICK);
    assertThat(w.status.lagGrowingSince).isNull();
    for (int i = 1; i <= 3; i++) {
      w.lag = 250L + 100 * i;
      w.after(TICK);
    }
    assertThat(w.level()).as("growing for 45s").isZero();
    w.lag = 700L;
    ShedLadder.Decision d = w.after(TICK);
    assertThat(d.change().reason()).isEqualTo("LagGrowing");
    assertThat(d.change().message()).contains("lagGrowingSeconds 60 > 60");
  }

  @Test
  void timeToDrainIsTheLagOverTheConsumeRate() {
    ShedWorld w = ShedWorld.threeLevels();
    w.policy.levels.get(0).triggers.consumerLagAbove = null;
    w.policy.levels.get(0).triggers.timeToDrainAbove = "2m";
    w.lag = 9_000L;
    w.evaluate();
    assertThat(w.status.next.get(0).value).as("no rate from one sample").isNull();
    w.after(TICK, 100); // 9000 / 100 per s = 90s
    assertThat(w.status.next).containsExactly(new ShedTriggerStatus("timeToDrainSeconds", 90.0, 120.0, false));
    ShedLadder.Decision d = w.after(TICK, 50); // 180s
    assertThat(d.change().reason()).isEqualTo("DrainTooSlow");
    w.after(TICK, 0);
    assertThat(w.status.triggers).as("nothing consumed: never drains")
        .containsExactly(new ShedTriggerStatus("timeToDrainSeconds", null, 120.0, true));
  }

  @Test
  void latencyAndErrorTriggersNameTheirReason() {
    ShedWorld w = ShedWorld.threeLevels();
    w.policy.levels.get(0).triggers.errorRatePercentAbove = 5.0;
    w.evaluate();
    w.errors = 12.5;
    assertThat(w.after(TICK).change().reason()).isEqualTo("ErrorRateHigh");
    w.lag = 20_000L;
    w.after(TICK);
    w.p99 = 900.0;
    ShedLadder.Decision d = w.after(TICK);
    assertThat(d.change().reason()).as("the shed level's lag bound is 50000; its latency bound holds").isEqualTo("LatencyHigh");
    assertThat(d.change().message()).contains("p99LatencyMs 900 > 500").doesNotContain("consumerLag").contains("shedding load");
  }

  @Test
  void theFlapLimitHoldsTheLevelAndKeepsTheLastChangeForClimbing() {
    ShedWorld w = ShedWorld.threeLevels();
    w.policy.recovery.maxChangesPerWindow = 3;
    w.policy.recovery.cooldown = "15s";
    w.evaluate();
    w.lag = 5_000L;
    w.after(TICK); // 1: up
    w.lag = 0L;
    w.after(TICK);
    w.after(TICK); // 2: down
    assertThat(w.changes).hasSize(2);
    w.lag = 5_000L;
    w.after(TICK); // 3: up, the one kept for climbing
    w.lag = 0L;
    for (int i = 0; i < 10; i++) {
      w.after(TICK);
    }
    assertThat(w.changes).hasSize(3);
    assertThat(w.level()).isEqualTo(1);
    assertThat(w.status.heldBack).contains("3 level changes happened within 30m (limit 3, the last one kept for climbing)");
    w.now = w.now.plus(Duration.ofMinutes(30));
    assertThat(w.evaluate().change().to()).as("the window moved on").isZero();
    assertThat(w.status.heldBack).isNull();
    assertThat(w.status.changes).hasSize(1);
  }

  @Test
  void aRollbackInProgressHoldsTheLevel() {
    ShedWorld w = ShedWorld.threeLevels();
    w.evaluate();
    w.lag = 5_000L;
    w.hold = "a rollback is in progress";
    assertThat(w.after(TICK).change()).isNull();
    assertThat(w.status.heldBack).isEqualTo("a rollback is in progress");
    assertThat(w.status.next.get(0).holds).isTrue();
    w.hold = null;
    assertThat(w.after(TICK).change().to()).isEqualTo(1);
  }

  @Test
  void anotherPolicyStartsAtNormalAndAShorterLadderClampsTheLevel() {
    ShedWorld w = ShedWorld.threeLevels();
    w.evaluate();
    w.lag = 60_000L;
    w.after(TICK);
    w.after(TICK);
    w.after(TICK);
    w.policy.levels.remove(2);
    w.after(TICK);
    assertThat(w.level()).isEqualTo(2);
    assertThat(w.status.levelName).isEqualTo("downgrade");
    ShedLadder.Decision other = ShedLadder.next("other", w.policy, w.status, ShedSignals.NO_DATA, w.now.plusSeconds(15), null);
    assertThat(other.status().policy).isEqualTo("other");
    assertThat(other.level()).isZero();
  }

  @Test
  void actionsAreCumulativeAndKeepWarmFallbacksAreAlwaysDeployed() {
    ShedWorld w = ShedWorld.threeLevels();
    w.policy.levels.get(1).downgrade.keepWarm = true;
    assertThat(ShedActions.at(w.policy, 0)).isEqualTo(new ShedActions(null, false, null, null, null, java.util.List.of("fraud-small")));
    ShedActions top = ShedActions.at(w.policy, 3);
    assertThat(top.replicas()).isEqualTo(6);
    assertThat(top.fallbackModelVersion()).isEqualTo("fraud-small");
    assertThat(top.shed().fallbackResult).isEqualTo("{\"score\":0}");
    assertThat(top.reason()).isEqualTo("LoadShed");
    assertThat(ShedActions.at(w.policy, 1).reason()).isEqualTo("ScaledOut");
    assertThat(ShedActions.at(w.policy, 2).reason()).isEqualTo("DowngradedToFallback");
  }
}
