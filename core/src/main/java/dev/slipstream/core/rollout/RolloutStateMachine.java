package dev.slipstream.core.rollout;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.core.slo.SloEvaluator;
import dev.slipstream.core.slo.Verdict;
import dev.slipstream.core.status.Readiness;
import dev.slipstream.core.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The rollout of a new ModelVersion as a pure function: (spec, status, observation, now) to the next status.
 * Every piece of state is in the status, so an operator that restarts mid-rollout resumes the same step with
 * the same counters. The candidate's traffic weight in the status is the routing the reconciler applies.
 *
 * <p>Rules: one passing check per step; nothing is promoted without a passing check at the last step; a
 * metric without data under {@code noData: hold} neither advances nor fails until the no-data timeout;
 * {@code failureThreshold} failed checks in a row, the progress deadline, or a candidate that fails to serve
 * roll back to 0% candidate; reverting the reference aborts at once; a degraded pipeline holds.
 */
public final class RolloutStateMachine {
  /** How often to look again while waiting for serving to become ready. */
  static final Duration READINESS_POLL = Duration.ofSeconds(5);
  static final Duration MIN_INTERVAL = Duration.ofSeconds(5);

  private RolloutStateMachine() {}

  /** Whether a check should be measured now: a candidate is being judged and an interval has passed since the last one. */
  public static boolean checkDue(RolloutSpec spec, RolloutStatus status, Instant now) {
    if (status == null || !RolloutPhase.of(status.phase).isJudging() || status.stepStartedAt == null) {
      return false;
    }
    Instant last = Instant.parse(status.lastCheckAt != null ? status.lastCheckAt : status.stepStartedAt);
    return !now.isBefore(last.plus(interval(spec)));
  }

  /** The canary steps in force: the declared weights up to maxWeight. */
  public static List<Integer> steps(RolloutSpec spec) {
    var canary = spec.canary;
    List<Integer> steps = canary.steps.stream().filter(w -> w <= canary.maxWeight).toList();
    return steps.isEmpty() ? List.of(canary.maxWeight) : steps;
  }

  public static Duration interval(RolloutSpec spec) {
    Duration d = Durations.parse(spec.canary.interval);
    return d.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : d;
  }

  public static RolloutDecision next(RolloutSpec spec, RolloutStatus previous, RolloutObservation seen, Instant now) {
    return new Step(spec, previous, seen, now).run();
  }

  /** One decision; mutable only while it is being made. */
  private static final class Step {
    private final RolloutSpec spec;
    private final RolloutObservation seen;
    private final Instant now;
    private final String nowText;
    private final RolloutStatus s;
    private final List<RolloutDecision.Event> events = new ArrayList<>();

    Step(RolloutSpec spec, RolloutStatus previous, RolloutObservation seen, Instant now) {
      this.spec = spec;
      this.seen = seen;
      this.now = now;
      this.nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
      this.s = copy(previous);
    }

    RolloutDecision run() {
      if (s.stable == null) {
        // the first version a pipeline serves is deployed, not rolled out
        s.phase = RolloutPhase.Idle.name();
        s.stable = seen.desired();
        s.message = seen.desired() + " serves all traffic";
        return done(null);
      }
      RolloutPhase phase = RolloutPhase.of(s.phase);
      String desired = seen.desired();
      switch (phase) {
        case Idle, Succeeded -> {
          return desired.equals(s.stable) ? done(null) : start(desired, "RolloutStarted");
        }
        case RolledBack -> {
          if (desired.equals(s.stable)) {
            idle(s.stable + " serves all traffic; the reference is back on it");
            return done(null);
          }
          if (!desired.equals(s.candidate)) {
            return start(desired, "RolloutStarted");
          }
          return seen.command() == RolloutCommand.RETRY ? start(desired, "RolloutRetried") : done(null);
        }
        default -> {
          // an active rollout
        }
      }
      if (desired.equals(s.stable) && phase != RolloutPhase.RollingBack) {
        String candidate = s.candidate;
        idle(s.stable + " serves all traffic: spec.serving.modelVersionRef went back to it, so " + candidate + " was aborted");
        events.add(new RolloutDecision.Event(true, "RolloutAborted", s.message));
        return done(null);
      }
      if (!desired.equals(s.candidate) && !desired.equals(s.stable)) {
        return start(desired, "RolloutRestarted");
      }
      if (phase == RolloutPhase.RollingBack) {
        if (seen.stable() != null && seen.stable().isReady()) {
          s.phase = RolloutPhase.RolledBack.name();
          s.message = "all traffic on " + s.stable + "; " + s.candidate + " rolled back: " + s.message;
          events.add(new RolloutDecision.Event(true, "RolledBack", s.message));
          return done(null);
        }
        return done(READINESS_POLL);
      }
      if (seen.command() == RolloutCommand.ABORT) {
        return rollBack("Aborted", "RolloutAborted", "aborted by annotation " + RolloutCommand.ANNOTATION + "=abort");
      }
      if (seen.command() == RolloutCommand.PROMOTE && phase != RolloutPhase.Promoting) {
        return promote("promoted by annotation " + RolloutCommand.ANNOTATION + "=promote");
      }
      if (phase == RolloutPhase.Promoting) {
        if (seen.candidate() != null && seen.candidate().isReady()) {
          String promoted = s.candidate;
          List<String> warm = warmAfterPromotion(s.warm, s.stable, promoted, spec.warmVersions);
          s.stable = promoted;
          idle(promoted + " serves all traffic");
          s.warm = warm;
          s.phase = RolloutPhase.Succeeded.name();
          events.add(new RolloutDecision.Event(false, "RolloutSucceeded", promoted + " promoted: it serves all traffic"));
          return done(null);
        }
        return done(READINESS_POLL);
      }
      if (phase == RolloutPhase.Paused) {
        if (Boolean.TRUE.equals(spec.paused)) {
          return done(null);
        }
        s.phase = s.pausedPhase;
        s.pausedPhase = null;
        if (s.stepStartedAt != null) {
          s.stepStartedAt = nowText;
          s.lastCheckAt = nowText;
        }
        s.lastProgressAt = nowText;
        s.message = "resumed";
        events.add(new RolloutDecision.Event(false, "RolloutResumed", "rollout of " + s.candidate + " resumed"));
        return done(untilNextCheck());
      }
      if (Boolean.TRUE.equals(spec.paused)) {
        s.pausedPhase = s.phase;
        s.phase = RolloutPhase.Paused.name();
        s.message = "paused at weight " + s.weight + "% (spec.rollout.paused)";
        events.add(new RolloutDecision.Event(false, "RolloutPaused", s.message));
        return done(null);
      }
      return judge(phase);
    }

    private RolloutDecision judge(RolloutPhase phase) {
      Readiness candidate = seen.candidate();
      if (candidate != null && candidate.state() == Readiness.State.FAILED) {
        return rollBack("CandidateFailed", "CandidateFailed", s.candidate + " cannot serve: " + candidate.message());
      }
      Duration deadline = Durations.parse(spec.progressDeadline);
      if (s.lastProgressAt != null && !now.isBefore(Instant.parse(s.lastProgressAt).plus(deadline))) {
        return rollBack("ProgressDeadlineExceeded", "ProgressDeadlineExceeded",
            "no progress for " + spec.progressDeadline + " (spec.rollout.progressDeadline): " + s.message);
      }
      if (s.stepStartedAt == null) {
        if (candidate == null || !candidate.isReady()) {
          s.message = "waiting for " + s.candidate + " to serve" + (candidate == null ? "" : ": " + candidate.message());
          return done(READINESS_POLL);
        }
        // the candidate serves: the shadow job starts, or the first canary step routes traffic to it
        s.stepStartedAt = nowText;
        s.lastCheckAt = nowText;
        s.lastProgressAt = nowText;
        if (phase == RolloutPhase.Canary) {
          enterStep(0);
        } else {
          s.message = "shadowing " + s.candidate + " on the real input for " + spec.shadow.duration;
        }
        return done(untilNextCheck());
      }
      List<AnalysisResult> analysis = seen.analysis();
      if (analysis == null) {
        return done(untilNextCheck());
      }
      s.lastAnalysis = List.copyOf(analysis);
      s.lastCheckAt = nowText;
      if (seen.degraded()) {
        // saturation makes the lag of the whole pipeline grow whatever the candidate does: it is not judged;
        // the candidate's own latency and errors still are, so a bad candidate that causes the saturation goes
        analysis = analysis.stream().filter(r -> !SloEvaluator.CONSUMER_LAG.equals(r.metric)
            && !SloEvaluator.LAG_GROWTH.equals(r.metric)).toList();
      }
      Verdict verdict = analysis.isEmpty() ? Verdict.Pass : Verdict.of(analysis);
      if (seen.degraded() && verdict != Verdict.Fail) {
        s.message = "held at weight " + s.weight + "%: the pipeline is degraded by its ShedPolicy (consumer lag and"
            + " its growth are not judged meanwhile; the candidate's latency and errors are)";
        return done(untilNextCheck());
      }
      AnalysisSpec rules = spec.analysis;
      String failure = null;
      if (verdict == Verdict.NoData) {
        if (s.noDataSince == null) {
          s.noDataSince = nowText;
        }
        switch (rules.noData) {
          case pass -> verdict = Verdict.Pass;
          case fail -> failure = describe(analysis, Verdict.NoData);
          case hold -> {
            Duration timeout = interval(spec).multipliedBy(rules.noDataTimeoutIntervals);
            if (now.isBefore(Instant.parse(s.noDataSince).plus(timeout))) {
              s.message = "holding: " + describe(analysis, Verdict.NoData) + " (no data since " + s.noDataSince
                  + "; fails after " + rules.noDataTimeoutIntervals + " intervals)";
              return done(untilNextCheck());
            }
            failure = describe(analysis, Verdict.NoData) + " for " + rules.noDataTimeoutIntervals + " intervals";
          }
        }
      } else {
        s.noDataSince = null;
        if (verdict == Verdict.Fail) {
          failure = describe(analysis, Verdict.Fail);
        }
      }
      boolean shadowInformational = phase == RolloutPhase.Shadowing && !Boolean.TRUE.equals(spec.shadow.mustPass);
      if (failure != null && !shadowInformational) {
        int failures = (s.consecutiveFailures == null ? 0 : s.consecutiveFailures) + 1;
        s.consecutiveFailures = failures;
        String counted = failure + " (" + failures + "/" + rules.failureThreshold + " consecutive)";
        String reason = phase == RolloutPhase.Shadowing ? "ShadowAnalysisFailed" : "CanaryAnalysisFailed";
        if (failures >= rules.failureThreshold) {
          return rollBack("AnalysisFailed", reason, counted);
        }
        s.message = "check failed: " + counted;
        events.add(new RolloutDecision.Event(true, reason, counted));
        return done(untilNextCheck());
      }
      s.consecutiveFailures = 0;
      return advance(phase, failure);
    }

    private RolloutDecision advance(RolloutPhase phase, String ignoredFailure) {
      if (phase == RolloutPhase.Shadowing) {
        Duration duration = Durations.parse(spec.shadow.duration);
        if (now.isBefore(Instant.parse(s.stepStartedAt).plus(duration))) {
          s.message = ignoredFailure == null ? "shadow checks pass"
              : "shadow check failed, reported only (shadow.mustPass false): " + ignoredFailure;
          return done(untilNextCheck());
        }
        s.phase = RolloutPhase.Canary.name();
        enterStep(0);
        events.add(new RolloutDecision.Event(false, "ShadowSucceeded", s.candidate + " passed " + spec.shadow.duration
            + " in shadow; canary at " + s.weight + "%"));
        return done(untilNextCheck());
      }
      List<Integer> steps = steps(spec);
      int index = s.stepIndex == null ? 0 : s.stepIndex;
      if (index + 1 < steps.size()) {
        enterStep(index + 1);
        events.add(new RolloutDecision.Event(false, "CanaryStepAdvanced", s.message));
        return done(untilNextCheck());
      }
      return promote(s.candidate + " passed every check up to " + s.weight + "%: " + summary(s.lastAnalysis));
    }

    private void enterStep(int index) {
      List<Integer> steps = steps(spec);
      s.stepIndex = index;
      s.weight = steps.get(index);
      s.stepStartedAt = nowText;
      s.lastCheckAt = nowText;
      s.lastProgressAt = nowText;
      s.consecutiveFailures = 0;
      s.noDataSince = null;
      s.message = "canary at " + s.weight + "% (step " + (index + 1) + "/" + steps.size() + ")"
          + (s.lastAnalysis.isEmpty() ? "" : "; last check: " + summary(s.lastAnalysis));
    }

    private RolloutDecision start(String candidate, String reason) {
      boolean shadow = spec.shadow != null;
      RolloutStatus fresh = new RolloutStatus();
      fresh.phase = (shadow ? RolloutPhase.Shadowing : RolloutPhase.Canary).name();
      fresh.stable = s.stable;
      fresh.warm = s.warm;
      fresh.candidate = candidate;
      fresh.weight = 0;
      fresh.consecutiveFailures = 0;
      fresh.startedAt = nowText;
      fresh.lastProgressAt = nowText;
      fresh.message = "deploying " + candidate + " beside " + s.stable + (shadow ? " for a shadow run" : " for a canary");
      copyInto(fresh, s);
      events.add(new RolloutDecision.Event(false, reason, "rolling out " + candidate + " to replace " + s.stable
          + (shadow ? ": shadow for " + spec.shadow.duration + ", then canary " : ": canary ") + steps(spec) + "%"));
      return done(READINESS_POLL);
    }

    private RolloutDecision promote(String why) {
      s.phase = RolloutPhase.Promoting.name();
      s.weight = 100;
      s.stepIndex = null;
      s.lastProgressAt = nowText;
      s.message = "promoting " + s.candidate + ": " + why;
      events.add(new RolloutDecision.Event(false, "Promoting", s.message));
      return done(READINESS_POLL);
    }

    private RolloutDecision rollBack(String reason, String eventReason, String why) {
      s.phase = RolloutPhase.RollingBack.name();
      s.weight = 0;
      s.stepIndex = null;
      s.pausedPhase = null;
      s.rollbackReason = reason;
      s.message = why;
      events.add(new RolloutDecision.Event(true, eventReason, why));
      return done(READINESS_POLL);
    }

    /** No rollout: the stable version serves everything. */
    private void idle(String message) {
      RolloutStatus fresh = new RolloutStatus();
      fresh.phase = RolloutPhase.Idle.name();
      fresh.stable = s.stable;
      fresh.warm = s.warm;
      fresh.message = message;
      fresh.lastAnalysis = s.lastAnalysis;
      copyInto(fresh, s);
    }

    private Duration untilNextCheck() {
      Instant last = Instant.parse(s.lastCheckAt != null ? s.lastCheckAt : nowText);
      Duration left = Duration.between(now, last.plus(interval(spec)));
      return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    private RolloutDecision done(Duration requeue) {
      return new RolloutDecision(s, List.copyOf(events), requeue);
    }
  }

  /**
   * The versions kept warm after {@code promoted} replaced {@code previous}: the previous one first, then those
   * kept before, never the one now serving, at most {@code keep} of them (null when none).
   */
  static List<String> warmAfterPromotion(List<String> before, String previous, String promoted, Integer keep) {
    List<String> warm = new ArrayList<>();
    if (previous != null && !previous.equals(promoted)) {
      warm.add(previous);
    }
    if (before != null) {
      before.stream().filter(v -> !v.equals(promoted) && !warm.contains(v)).forEach(warm::add);
    }
    int limit = keep == null ? 1 : Math.max(0, keep);
    List<String> kept = warm.subList(0, Math.min(limit, warm.size()));
    return kept.isEmpty() ? null : List.copyOf(kept);
  }

  static String describe(List<AnalysisResult> analysis, Verdict which) {
    return analysis.stream().filter(r -> which.name().equals(r.verdict)).map(r -> r.message)
        .collect(Collectors.joining("; "));
  }

  static String summary(List<AnalysisResult> analysis) {
    return analysis.stream().map(r -> r.message).collect(Collectors.joining(", "));
  }

  private static RolloutStatus copy(RolloutStatus from) {
    RolloutStatus to = new RolloutStatus();
    if (from != null) {
      copyInto(from, to);
    }
    return to;
  }

  private static void copyInto(RolloutStatus from, RolloutStatus to) {
    to.phase = from.phase;
    to.stable = from.stable;
    to.candidate = from.candidate;
    to.stepIndex = from.stepIndex;
    to.weight = from.weight;
    to.consecutiveFailures = from.consecutiveFailures;
    to.pausedPhase = from.pausedPhase;
    to.startedAt = from.startedAt;
    to.stepStartedAt = from.stepStartedAt;
    to.lastProgressAt = from.lastProgressAt;
    to.lastCheckAt = from.lastCheckAt;
    to.noDataSince = from.noDataSince;
    to.lastAnalysis = from.lastAnalysis == null ? new ArrayList<>() : new ArrayList<>(from.lastAnalysis);
    to.message = from.message;
    to.rollbackReason = from.rollbackReason;
    to.warm = from.warm == null ? null : new ArrayList<>(from.warm);
  }
}
