package dev.slipstream.core.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.ShedStatus;
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
 * Properties of the ladder under oscillating load, over seeded random worlds (a failure names its seed): the
 * lag swings between random highs and lows with random periods, noise and gaps in the data, while the clock
 * moves at uneven steps; the policy's cooldown, window and flap limit are random too.
 */
class ShedPropertiesTest {
  private static final int STEPS = 400;

  static LongStream seeds() {
    return LongStream.range(0, 300);
  }

  /** One pass; {@code evaluated}: the interval was over, so the ladder sampled these signals. */
  private record Step(Instant at, int before, int after, ShedStatus status, List<Boolean> currentClear,
      boolean evaluated) {}

  private static List<Step> run(long seed, boolean restart) {
    Random r = new Random(seed);
    ShedWorld w = ShedWorld.threeLevels();
    w.policy.recovery.cooldown = (15 + r.nextInt(120)) + "s";
    w.policy.recovery.window = (2 + r.nextInt(30)) + "m";
    w.policy.recovery.maxChangesPerWindow = 1 + r.nextInt(6);
    int period = 1 + r.nextInt(20);
    long high = 500 + r.nextInt(80_000);
    long low = r.nextInt(3_000);
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      if (restart && w.status != null) {
        w.status = Serialization.unmarshal(Serialization.asJson(w.status), ShedStatus.class);
      }
      w.now = w.now.plusMillis(1_000 + (long) (r.nextDouble() * 30_000));
      w.consumed += r.nextInt(2_000);
      boolean up = (i / period) % 2 == 0;
      w.lag = r.nextInt(25) == 0 ? null : (up ? high : low) + r.nextInt(1_000);
      w.p99 = r.nextInt(10) == 0 ? 2_000.0 : 50.0;
      w.hold = r.nextInt(30) == 0 ? "a rollback is in progress" : null;
      int before = w.status == null ? 0 : w.status.level;
      List<Boolean> clear = w.status == null || w.status.level == 0 ? List.of()
          : ShedLadder.measure(w.policy.levels.get(w.status.level - 1).triggers,
              new ShedSignals(w.lag, w.consumed, w.p99, w.errors), null, null, w.now).stream()
              .map(t -> Boolean.FALSE.equals(t.holds)).toList();
      w.evaluate();
      boolean evaluated = w.now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().equals(w.status.evaluatedAt);
      steps.add(new Step(w.now, before, w.status.level, w.status, clear, evaluated));
    }
    return steps;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void changesAtMostTheAllowedNumberOfTimesPerWindow(long seed) {
    ShedWorld shape = shape(seed);
    Duration window = dev.slipstream.core.time.Durations.parse(shape.policy.recovery.window);
    List<Instant> changes = run(seed, false).stream().filter(s -> s.before() != s.after())
        .map(s -> s.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).toList(); // the ladder's clock is in seconds
    for (int i = 0; i < changes.size(); i++) {
      Instant from = changes.get(i);
      long within = changes.stream().filter(t -> !t.isBefore(from) && t.isBefore(from.plus(window))).count();
      assertThat(within).as("seed %d: changes in the window from %s", seed, from)
          .isLessThanOrEqualTo(shape.policy.recovery.maxChangesPerWindow);
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void movesOneLevelAtATimeAndStepsDownOnlyAfterTheCooldown(long seed) {
    ShedWorld shape = shape(seed);
    Duration cooldown = dev.slipstream.core.time.Durations.parse(shape.policy.recovery.cooldown);
    List<Step> steps = run(seed, false);
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      assertThat(Math.abs(s.after() - s.before())).as("seed %d step %d", seed, i).isLessThanOrEqualTo(1);
      assertThat(s.after()).isBetween(0, 3);
      if (s.after() < s.before()) {
        assertThat(s.currentClear()).as("seed %d step %d: every trigger clear when stepping down", seed, i)
            .isNotEmpty().allMatch(Boolean::booleanValue);
        // every evaluation within the cooldown before it saw the level's triggers clear
        Instant from = s.at().minus(cooldown);
        for (int j = i - 1; j >= 0 && !steps.get(j).at().isBefore(from); j--) {
          assertThat(steps.get(j).after()).as("seed %d step %d: stayed at the level", seed, j).isEqualTo(s.before());
          if (steps.get(j).evaluated()) {
            assertThat(steps.get(j).currentClear()).as("seed %d step %d: clear during the cooldown", seed, j)
                .allMatch(Boolean::booleanValue);
          }
        }
        assertThat(Duration.between(Instant.parse(steps.get(i - 1).status().clearSince), s.at()))
            .isGreaterThanOrEqualTo(cooldown);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void aRestartBetweenEvaluationsChangesNothing(long seed) {
    List<ShedStatus> straight = run(seed, false).stream().map(Step::status).toList();
    List<ShedStatus> restarted = run(seed, true).stream().map(Step::status).toList();
    assertThat(restarted).as("seed %d", seed).isEqualTo(straight);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void sustainedLoadReachesTheTopAndQuietReturnsToNormal(long seed) {
    Random r = new Random(seed);
    ShedWorld w = ShedWorld.threeLevels();
    w.policy.recovery.maxChangesPerWindow = 6 + r.nextInt(4);
    w.evaluate();
    w.lag = 60_000L + r.nextInt(10_000);
    for (int i = 0; i < 5; i++) {
      w.after(Duration.ofSeconds(15));
    }
    assertThat(w.level()).as("seed %d", seed).isEqualTo(3);
    w.lag = (long) r.nextInt(900);
    w.p99 = 20.0;
    for (int i = 0; i < 40; i++) {
      w.after(Duration.ofSeconds(15));
    }
    assertThat(w.level()).as("seed %d", seed).isZero();
    assertThat(w.changes).extracting(ShedLadder.Change::to).containsExactly(1, 2, 3, 2, 1, 0);
  }

  private static ShedWorld shape(long seed) {
    Random r = new Random(seed);
    ShedWorld w = ShedWorld.threeLevels();
    w.policy.recovery.cooldown = (15 + r.nextInt(120)) + "s";
    w.policy.recovery.window = (2 + r.nextInt(30)) + "m";
    w.policy.recovery.maxChangesPerWindow = 1 + r.nextInt(6);
    return w;
  }
}
