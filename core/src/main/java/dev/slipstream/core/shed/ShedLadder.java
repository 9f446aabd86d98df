package dev.slipstream.core.shed;

import dev.slipstream.api.v1alpha1.ShedLevel;
import dev.slipstream.api.v1alpha1.ShedPolicySpec;
import dev.slipstream.api.v1alpha1.ShedLevelChange;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.ShedTriggerStatus;
import dev.slipstream.core.json.Json;
import dev.slipstream.core.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The degradation ladder: from a ShedPolicy, the pipeline's previous place on it, what was measured and the
 * time, the next place. Pure; all of its state lives in {@code status.shed}, so a restarted operator resumes.
 *
 * <p>Rules: one level per evaluation in either direction. Climbing from level n to n+1 needs any trigger of
 * level n+1 to hold. Stepping back from n to n-1 needs every trigger of level n to have been clear (measured
 * and below its bound) for the cooldown; a trigger without data is not clear, so a pipeline that cannot be
 * measured stays where it is. At most {@code maxChangesPerWindow} changes per window, and the last change of
 * a window is kept for climbing: a flapping pipeline settles on the higher level, never stuck below its load.
 */
public final class ShedLadder {
  public static final String CONSUMER_LAG = "consumerLag";
  public static final String LAG_GROWING = "lagGrowingSeconds";
  public static final String TIME_TO_DRAIN = "timeToDrainSeconds";
  public static final String P99_LATENCY = "p99LatencyMs";
  public static final String ERROR_RATE = "errorRatePercent";
  public static final String NORMAL = "normal";

  private ShedLadder() {}

  /**
   * A level change.
   *
   * @param from the level before, 0 = normal
   * @param to the level after
   */
  public record Change(int from, int to, String reason, String message) {
    public boolean up() {
      return to > from;
    }
  }

  /**
   * @param status the pipeline's next {@code status.shed}
   * @param change the level change made in this pass, or null
   * @param requeueAfter when the next evaluation is due
   */
  public record Decision(ShedStatus status, Change change, Duration requeueAfter) {
    public int level() {
      return status.level == null ? 0 : status.level;
    }

    /**
     * The decision with how its actions are carried out in this pass: the actions in force, then notes such as
     * "KEDA not used (...)" or a fallback not ready yet. The status is a new one; this decision is not changed.
     */
    public Decision noting(ShedActions actions, List<String> notes) {
      List<String> described = new ArrayList<>(actions.describe());
      described.addAll(notes);
      if (described.equals(status.actions)) {
        return this;
      }
      ShedStatus noted = Json.copy(status);
      noted.actions = described;
      return new Decision(noted, change, requeueAfter);
    }
  }

  public static Duration interval(ShedPolicySpec policy) {
    return Durations.parse(policy.evaluationInterval);
  }

  /**
   * Whether {@link #next} evaluates at {@code at} rather than return {@code previous} unchanged: the pipeline
   * is new to this policy, its level no longer exists in it, or the evaluation interval is over. Callers
   * sample costly signals (latency) only when it is.
   */
  public static boolean due(String policyName, ShedPolicySpec policy, ShedStatus previous, Instant at) {
    if (previous == null || !policyName.equals(previous.policy) || previous.evaluatedAt == null
        || previous.level == null || previous.level > policy.levels.size()) {
      return true;
    }
    return !at.truncatedTo(ChronoUnit.SECONDS).isBefore(Instant.parse(previous.evaluatedAt).plus(interval(policy)));
  }

  /**
   * @param policyName the ShedPolicy's name; a pipeline moved to another policy starts at normal
   * @param holdReason why no level may change now (a rollback in progress), or null
   */
  public static Decision next(String policyName, ShedPolicySpec policy, ShedStatus previous, ShedSignals signals,
      Instant at, String holdReason) {
    Instant now = at.truncatedTo(ChronoUnit.SECONDS);
    Duration interval = interval(policy);
    if (!due(policyName, policy, previous, at)) {
      return new Decision(previous, null, Duration.between(now, Instant.parse(previous.evaluatedAt).plus(interval)));
    }
    ShedStatus before = previous == null || !policyName.equals(previous.policy) ? start(policyName, now) : previous;
    int levels = policy.levels.size();
    int level = Math.min(levels, before.level == null ? 0 : before.level);

    ShedStatus next = Json.copy(before);
    next.level = level;
    next.levelName = name(policy, level);
    next.evaluatedAt = now.toString();
    Double rate = consumeRate(before, signals, now);
    next.lagGrowingSince = growingSince(before, signals);
    next.lag = signals.lag();
    next.consumed = signals.consumed();

    List<ShedTriggerStatus> current = level == 0 ? List.of()
        : measure(policy.levels.get(level - 1).triggers, signals, rate, next.lagGrowingSince, now);
    List<ShedTriggerStatus> above = level == levels ? List.of()
        : measure(policy.levels.get(level).triggers, signals, rate, next.lagGrowingSince, now);
    next.triggers = current;
    next.next = above;

    boolean allClear = level > 0 && current.stream().allMatch(t -> Boolean.FALSE.equals(t.holds));
    next.clearSince = allClear ? (before.clearSince != null && level == before.level ? before.clearSince : now.toString()) : null;
    Duration cooldown = Durations.parse(policy.recovery.cooldown);
    Duration window = Durations.parse(policy.recovery.window);
    next.changes = before.changes == null ? new ArrayList<>() : before.changes.stream()
        .filter(t -> Instant.parse(t).isAfter(now.minus(window)))
        .collect(Collectors.toCollection(ArrayList::new));

    boolean climb = above.stream().anyMatch(t -> Boolean.TRUE.equals(t.holds));
    boolean stepBack = !climb && allClear
        && !Instant.parse(next.clearSince).plus(cooldown).isAfter(now);
    int max = policy.recovery.maxChangesPerWindow;
    int used = next.changes.size();
    // a hold is shown while it lasts, whether or not a change is due
    next.heldBack = holdReason;
    Change change = null;
    if (climb || stepBack) {
      // the last change of a window is kept for climbing
      int allowed = climb ? max : (max >= 2 ? max - 1 : max);
      if (holdReason != null) {
        next.heldBack = holdReason;
      } else if (used >= allowed) {
        next.heldBack = "a " + (climb ? "climb" : "step back") + " to level " + (climb ? level + 1 : level - 1)
            + " is due, but " + used + " level changes happened within " + policy.recovery.window + " (limit "
            + max + (climb ? "" : ", the last one kept for climbing") + ")";
      } else {
        change = climb ? climbed(policy, level, above) : steppedBack(policy, level);
        next.level = change.to();
        next.levelName = name(policy, change.to());
        next.since = now.toString();
        next.reason = change.reason();
        next.message = change.message();
        next.clearSince = null;
        next.changes.add(now.toString());
        remember(next, change, now);
        // the new level's triggers are measured at the next evaluation
        next.triggers = change.to() == 0 ? List.of()
            : measure(policy.levels.get(change.to() - 1).triggers, signals, rate, next.lagGrowingSince, now);
        next.next = change.to() == levels ? List.of()
            : measure(policy.levels.get(change.to()).triggers, signals, rate, next.lagGrowingSince, now);
      }
    }
    ShedActions actions = ShedActions.at(policy, next.level);
    next.actions = actions.describe();
    next.fallbackModel = actions.fallbackModelVersion();
    return new Decision(next, change, interval);
  }

  /** The trigger that decides a climb, as a CamelCase reason. */
  static String reasonOf(String trigger) {
    return switch (trigger) {
      case CONSUMER_LAG -> "ConsumerLagHigh";
      case LAG_GROWING -> "LagGrowing";
      case TIME_TO_DRAIN -> "DrainTooSlow";
      case P99_LATENCY -> "LatencyHigh";
      case ERROR_RATE -> "ErrorRateHigh";
      default -> "TriggerHolds";
    };
  }

  private static Change climbed(ShedPolicySpec policy, int level, List<ShedTriggerStatus> above) {
    List<ShedTriggerStatus> holding = above.stream().filter(t -> Boolean.TRUE.equals(t.holds)).toList();
    String why = holding.stream().map(ShedLadder::describe).collect(Collectors.joining(", "));
    ShedActions actions = ShedActions.at(policy, level + 1);
    return new Change(level, level + 1, reasonOf(holding.get(0).trigger),
        "entered level " + (level + 1) + "/" + policy.levels.size() + " '" + name(policy, level + 1) + "': " + why
            + (actions.degrading() ? "; " + String.join("; ", actions.describe()) : ""));
  }

  private static Change steppedBack(ShedPolicySpec policy, int level) {
    return new Change(level, level - 1, "TriggersClear",
        "stepped back to " + (level - 1 == 0 ? "normal operation" : "level " + (level - 1) + " '" + name(policy, level - 1) + "'")
            + ": every trigger of '" + name(policy, level) + "' stayed clear for " + policy.recovery.cooldown);
  }

  private static String describe(ShedTriggerStatus t) {
    if (t.value == null) {
      return TIME_TO_DRAIN.equals(t.trigger) ? "the lag is not draining (nothing consumed)" : t.trigger + " has no data";
    }
    return t.trigger + " " + format(t.value) + " > " + format(t.bound);
  }

  private static String format(Double d) {
    return d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(d);
  }

  static List<ShedTriggerStatus> measure(ShedLevel.ShedTriggers triggers, ShedSignals s, Double rate,
      String lagGrowingSince, Instant now) {
    List<ShedTriggerStatus> out = new ArrayList<>();
    if (triggers.consumerLagAbove != null) {
      out.add(above(CONSUMER_LAG, s.lag() == null ? null : s.lag().doubleValue(), triggers.consumerLagAbove.doubleValue()));
    }
    if (triggers.lagGrowingFor != null) {
      double bound = Durations.parse(triggers.lagGrowingFor).toSeconds();
      Double growing = lagGrowingSince != null ? (double) Duration.between(Instant.parse(lagGrowingSince), now).toSeconds()
          : s.lag() == null ? null : 0.0;
      out.add(new ShedTriggerStatus(LAG_GROWING, growing, bound, growing == null ? null : growing >= bound));
    }
    if (triggers.timeToDrainAbove != null) {
      double bound = Durations.parse(triggers.timeToDrainAbove).toSeconds();
      if (s.lag() == null || (rate == null && s.lag() > 0)) {
        out.add(new ShedTriggerStatus(TIME_TO_DRAIN, null, bound, null));
      } else if (s.lag() == 0) {
        out.add(new ShedTriggerStatus(TIME_TO_DRAIN, 0.0, bound, false));
      } else if (rate <= 0) {
        out.add(new ShedTriggerStatus(TIME_TO_DRAIN, null, bound, true)); // not draining at all
      } else {
        out.add(above(TIME_TO_DRAIN, Math.round(s.lag() / rate * 10) / 10.0, bound));
      }
    }
    if (triggers.p99LatencyMsAbove != null) {
      out.add(above(P99_LATENCY, s.p99LatencyMs(), triggers.p99LatencyMsAbove.doubleValue()));
    }
    if (triggers.errorRatePercentAbove != null) {
      out.add(above(ERROR_RATE, s.errorRatePercent(), triggers.errorRatePercentAbove));
    }
    return out;
  }

  private static ShedTriggerStatus above(String trigger, Double value, double bound) {
    return new ShedTriggerStatus(trigger, value, bound, value == null ? null : value > bound);
  }

  /** Messages per second consumed since the last evaluation, or null without two samples. */
  static Double consumeRate(ShedStatus before, ShedSignals signals, Instant now) {
    if (before.consumed == null || signals.consumed() == null || before.evaluatedAt == null) {
      return null;
    }
    long millis = Duration.between(Instant.parse(before.evaluatedAt), now).toMillis();
    if (millis <= 0) {
      return null;
    }
    return Math.max(0, signals.consumed() - before.consumed) * 1000.0 / millis;
  }

  /** The lag grows when it is higher than at the last evaluation; the run started at that evaluation. */
  private static String growingSince(ShedStatus before, ShedSignals signals) {
    if (signals.lag() == null || before.lag == null || signals.lag() <= before.lag) {
      return null;
    }
    return before.lagGrowingSince != null ? before.lagGrowingSince : before.evaluatedAt;
  }

  /** How many level changes status keeps: the newest. */
  static final int HISTORY = 10;

  private static void remember(ShedStatus next, Change change, Instant now) {
    ShedLevelChange moved = new ShedLevelChange();
    moved.at = now.toString();
    moved.from = change.from();
    moved.to = change.to();
    moved.levelName = next.levelName;
    moved.reason = change.reason();
    moved.message = dev.slipstream.core.status.Bounded.cap(change.message(), 500);
    next.history = dev.slipstream.core.status.Bounded.newest(next.history, moved, HISTORY);
  }

  static String name(ShedPolicySpec policy, int level) {
    return level == 0 ? NORMAL : policy.levels.get(level - 1).name;
  }

  private static ShedStatus start(String policyName, Instant now) {
    ShedStatus s = new ShedStatus();
    s.policy = policyName;
    s.level = 0;
    s.levelName = NORMAL;
    s.since = now.toString();
    return s;
  }
}
