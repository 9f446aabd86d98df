package dev.slipstream.core.validation;

import dev.slipstream.api.v1alpha1.ShedLevel;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/** A ShedPolicy's ladder must be usable: actions that can be carried out, levels mildest first. */
public final class ShedPolicyValidator {
  private ShedPolicyValidator() {}

  /**
   * @param modelVersionExists whether a ModelVersion of that name exists in the policy's namespace
   */
  public static List<String> validate(ShedPolicy policy, Predicate<String> modelVersionExists) {
    List<String> problems = new ArrayList<>();
    var spec = policy.getSpec();
    if (spec == null || spec.levels == null || spec.levels.isEmpty()) {
      problems.add("spec.levels needs at least one level");
      return problems;
    }
    PipelineValidator.bounded(problems, "spec.evaluationInterval", spec.evaluationInterval, Duration.ofSeconds(1),
        Duration.ofMinutes(10), "each evaluation reads every pipeline's lag from Kafka, and a saturated pipeline must"
            + " not wait longer than that to shed");
    if (spec.recovery != null) {
      PipelineValidator.bounded(problems, "spec.recovery.cooldown", spec.recovery.cooldown, Duration.ZERO, Duration.ofHours(24),
          "a pipeline must be able to leave a shed level within a day");
      PipelineValidator.bounded(problems, "spec.recovery.window", spec.recovery.window, Duration.ZERO, Duration.ofHours(24),
          "the flap limit counts changes over at most a day");
    }
    Set<String> names = new HashSet<>();
    for (ShedLevel level : spec.levels) {
      String where = "level '" + level.name + "'";
      if (!names.add(level.name)) {
        problems.add(where + " is declared twice; level names must be unique");
      }
      if (level.scaleOut == null && level.downgrade == null && level.shed == null) {
        problems.add(where + " has no action; give it scaleOut, downgrade or shed");
      }
      var t = level.triggers;
      if (t == null || (t.consumerLagAbove == null && t.lagGrowingFor == null && t.timeToDrainAbove == null
          && t.p99LatencyMsAbove == null && t.errorRatePercentAbove == null)) {
        problems.add(where + " has no trigger; give it consumerLagAbove, lagGrowingFor, timeToDrainAbove,"
            + " p99LatencyMsAbove or errorRatePercentAbove");
      } else {
        PipelineValidator.duration(problems, where + " triggers.lagGrowingFor", orZero(level.triggers.lagGrowingFor));
        PipelineValidator.duration(problems, where + " triggers.timeToDrainAbove", orZero(level.triggers.timeToDrainAbove));
      }
      if (level.downgrade != null && level.downgrade.modelVersionRef != null
          && !modelVersionExists.test(level.downgrade.modelVersionRef.name)) {
        problems.add(where + " downgrades to ModelVersion '" + level.downgrade.modelVersionRef.name
            + "', which does not exist in this namespace; create it or change the reference");
      }
    }
    if (problems.isEmpty()) {
      checkOrder(spec.levels, problems);
    }
    return problems;
  }

  /**
   * What the policy's status should point out although the policy is usable: settings that are valid but not
   * carried out yet, and a flap limit too tight for the ladder.
   */
  public static List<String> notes(ShedPolicy policy) {
    List<String> notes = new ArrayList<>();
    if (policy.getSpec() == null || policy.getSpec().levels == null) {
      return notes;
    }
    var recovery = policy.getSpec().recovery;
    int levels = policy.getSpec().levels.size();
    if (recovery != null && recovery.maxChangesPerWindow != null && recovery.maxChangesPerWindow < 2 * levels) {
      notes.add("recovery.maxChangesPerWindow " + recovery.maxChangesPerWindow + " is less than a climb of all " + levels
          + " levels and back (" + 2 * levels + " changes): after a full climb the pipeline stays on a higher level"
          + " than its load needs until the window (" + recovery.window + ") moves on");
    }
    for (ShedLevel level : policy.getSpec().levels) {
      if (level.shed != null && (level.shed.maxQueueSize != null || level.shed.queueTimeout != null)) {
        notes.add("level '" + level.name + "' shed.maxQueueSize and shed.queueTimeout (Triton's queue policy)");
      }
    }
    return notes;
  }

  /** A later level must not enter on a milder signal than an earlier one: the ladder would be climbed out of order. */
  private static void checkOrder(List<ShedLevel> levels, List<String> problems) {
    compare(levels, problems, "consumerLagAbove", t -> t.consumerLagAbove == null ? null : t.consumerLagAbove.doubleValue());
    compare(levels, problems, "p99LatencyMsAbove", t -> t.p99LatencyMsAbove == null ? null : t.p99LatencyMsAbove.doubleValue());
    compare(levels, problems, "errorRatePercentAbove", t -> t.errorRatePercentAbove);
    compare(levels, problems, "timeToDrainAbove", t -> millis(t.timeToDrainAbove));
    compare(levels, problems, "lagGrowingFor", t -> millis(t.lagGrowingFor));
  }

  private static void compare(List<ShedLevel> levels, List<String> problems, String trigger,
      Function<ShedLevel.ShedTriggers, Double> value) {
    ShedLevel previous = null;
    for (ShedLevel level : levels) {
      Double v = value.apply(level.triggers);
      if (v == null) {
        continue;
      }
      if (previous != null && v < value.apply(previous.triggers)) {
        problems.add("levels are out of order: '" + level.name + "' enters at " + trigger + " " + fmt(v)
            + ", milder than the earlier level '" + previous.name + "' (" + fmt(value.apply(previous.triggers))
            + "); list levels mildest first");
      }
      previous = level;
    }
  }

  private static Double millis(String duration) {
    return duration == null ? null : (double) durationOrZero(duration).toMillis();
  }

  private static Duration durationOrZero(String d) {
    try {
      return dev.slipstream.core.time.Durations.parse(d);
    } catch (IllegalArgumentException e) {
      return Duration.ZERO;
    }
  }

  private static String orZero(String d) {
    return d == null ? "0s" : d;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
