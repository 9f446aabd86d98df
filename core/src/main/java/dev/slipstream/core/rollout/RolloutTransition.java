package dev.slipstream.core.rollout;

import static dev.slipstream.core.rollout.RolloutStateMachine.READINESS_POLL;
import static dev.slipstream.core.rollout.RolloutStateMachine.describe;
import static dev.slipstream.core.rollout.RolloutStateMachine.interval;
import static dev.slipstream.core.rollout.RolloutStateMachine.steps;
import static dev.slipstream.core.rollout.RolloutStateMachine.summary;
import static dev.slipstream.core.rollout.RolloutStateMachine.warmAfterPromotion;

import dev.slipstream.api.v1alpha1.AnalysisCheck;
import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.RolloutRecord;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ReplayStatus;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.replay.ReplayPlan;
import dev.slipstream.core.json.Json;
import dev.slipstream.core.slo.SloEvaluator;
import dev.slipstream.core.slo.Verdict;
import dev.slipstream.core.status.Bounded;
import dev.slipstream.core.status.Readiness;
import dev.slipstream.core.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One decision of {@link RolloutStateMachine#next}: the rules applied to one status and observation, mutable only
 * while the decision is being made.
 */
final class RolloutTransition {
  private final RolloutSpec spec;
  private final RolloutObservation seen;
  private final Instant now;
  private final String nowText;
  private RolloutStatus s;
  private final List<RolloutDecision.Event> events = new ArrayList<>();

  RolloutTransition(RolloutSpec spec, RolloutStatus previous, RolloutObservation seen, Instant now) {
    this.spec = spec;
    this.seen = seen;
    this.now = now;
    this.nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
    this.s = previous == null ? new RolloutStatus() : Json.copy(previous);
  }

  RolloutDecision run() {
    if (seen.directReplacement() != null) {
      // no weighted routing possible: the new version replaces the old once ready
      RolloutStatus replaced = new RolloutStatus();
      replaced.phase = RolloutPhase.Idle.name();
      replaced.stable = seen.desired();
      replaced.message = seen.desired() + " serves all traffic (" + seen.directReplacement()
          + "; a new version replaces the old once ready)";
      s = replaced;
      return done(null);
    }
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
      RolloutRecord ended = ended("Aborted", null);
      idle(s.stable + " serves all traffic: spec.serving.modelVersionRef went back to it, so " + candidate + " was aborted");
      remember(ended);
      events.add(new RolloutDecision.Event(true, "RolloutAborted", s.message));
      return done(null);
    }
    if (!desired.equals(s.candidate) && !desired.equals(s.stable)) {
      RolloutRecord ended = ended("Superseded", null);
      ended.message = cap(s.candidate + " was replaced by " + desired + " before its rollout ended");
      remember(ended);
      return start(desired, "RolloutRestarted");
    }
    if (phase == RolloutPhase.RollingBack) {
      if (seen.stable() != null && seen.stable().isReady()) {
        s.phase = RolloutPhase.RolledBack.name();
        s.message = "all traffic on " + s.stable + "; " + s.candidate + " rolled back: " + s.message;
        remember(ended("RolledBack", s.rollbackReason));
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
    if (seen.command() == RolloutCommand.APPROVE) {
      if (phase == RolloutPhase.AwaitingApproval) {
        int next = s.stepIndex == null ? 0 : s.stepIndex + 1;
        s.phase = RolloutPhase.Canary.name();
        if (s.stepStartedAt == null) {
          captureBaseline(); // the candidate's first traffic
        }
        enterStep(next);
        s.message = "approved: " + s.message;
        events.add(new RolloutDecision.Event(false, "CanaryStepApproved", s.message));
        return done(untilNextCheck());
      }
      events.add(new RolloutDecision.Event(true, "ApprovalIgnored", "annotation " + RolloutCommand.ANNOTATION
          + "=approve: no canary step awaits approval (phase " + phase + "); nothing was done"));
    }
    if (phase == RolloutPhase.Promoting) {
      if (seen.candidate() != null && seen.candidate().isReady()) {
        String promoted = s.candidate;
        List<String> warm = warmAfterPromotion(s.warm, s.stable, promoted, spec.warmVersions);
        RolloutRecord ended = ended("Succeeded", null);
        s.stable = promoted;
        idle(promoted + " serves all traffic");
        ended.message = cap(promoted + " promoted: " + (ended.message == null ? "" : ended.message));
        remember(ended);
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
    if (phase == RolloutPhase.Replaying && s.stepStartedAt != null) {
      return replay(); // under its own deadline
    }
    Duration deadline = Durations.parse(spec.progressDeadline);
    // a person awaited is not a rollout stuck: the deadline counts again from the approval
    if (phase != RolloutPhase.AwaitingApproval && s.lastProgressAt != null
        && !now.isBefore(Instant.parse(s.lastProgressAt).plus(deadline))) {
      return rollBack("ProgressDeadlineExceeded", "ProgressDeadlineExceeded",
          "no progress for " + spec.progressDeadline + " (spec.rollout.progressDeadline): " + s.message);
    }
    if (s.stepStartedAt == null) {
      if (seen.blocked() != null) {
        // the candidate is not deployed until it can be (GPU quota, a serving layer that cannot split): no Pending
        // pods, and no candidate given all the traffic by a serving layer that ignores the weight
        String waiting = "waiting for " + s.candidate + " to serve: " + seen.blocked().message();
        if (!waiting.equals(s.message)) {
          events.add(new RolloutDecision.Event(true, seen.blocked().reason(), seen.blocked().message()));
        }
        s.message = waiting;
        return done(READINESS_POLL);
      }
      if (candidate == null || !candidate.isReady()) {
        s.message = "waiting for " + s.candidate + " to serve" + (candidate == null ? "" : ": " + candidate.message());
        return done(READINESS_POLL);
      }
      if (phase == RolloutPhase.Replaying) {
        return startReplay();
      }
      if (phase != RolloutPhase.Shadowing && needsApproval(0)) {
        return awaitApproval(0); // deployed and serving, no traffic until approved
      }
      // the candidate serves: the shadow job starts, or the first canary step routes traffic to it
      captureBaseline();
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
    s.checks = Bounded.newest(s.checks, new AnalysisCheck(nowText, phase.name(), s.weight, verdict.name(), s.lastAnalysis),
        HISTORY);
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
      if (needsApproval(0)) {
        events.add(new RolloutDecision.Event(false, "ShadowSucceeded", s.candidate + " passed " + spec.shadow.duration
            + " in shadow"));
        s.stepStartedAt = null; // no checks at no traffic
        return awaitApproval(0);
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
      if (needsApproval(index + 1)) {
        return awaitApproval(index + 1);
      }
      enterStep(index + 1);
      events.add(new RolloutDecision.Event(false, "CanaryStepAdvanced", s.message));
      return done(untilNextCheck());
    }
    return promote(s.candidate + " passed every check up to " + s.weight + "%: " + summary(s.lastAnalysis));
  }

  /** The candidate serves: the replay starts on the range the broker holds now, fixed in the status. */
  private RolloutDecision startReplay() {
    ReplayObservation r = seen.replay();
    if (r == null || r.plan() == null) {
      s.message = "planning the replay of " + s.candidate + ": reading the input's offsets";
      return done(READINESS_POLL);
    }
    ReplayPlan plan = r.plan();
    Map<String, String> range = plan.contract();
    ReplayStatus replay = new ReplayStatus();
    replay.windowStart = plan.windowStart().truncatedTo(ChronoUnit.SECONDS).toString();
    replay.events = plan.events();
    replay.warmUpFrom = range.get(JobContract.REPLAY_WARM_UP_FROM);
    replay.from = range.get(JobContract.REPLAY_FROM);
    replay.until = range.get(JobContract.REPLAY_UNTIL);
    replay.outputFrom = r.outputFrom();
    replay.warmUp = plan.warmUpMessage();
    s.replay = replay;
    s.stepStartedAt = nowText;
    s.lastCheckAt = nowText;
    s.lastProgressAt = nowText;
    if (plan.events() == 0) {
      replay.finishedAt = nowText;
      events.add(new RolloutDecision.Event(true, "ReplayEmpty", "no retained event since " + replay.windowStart
          + " to replay: " + s.candidate + " goes on to its live checks"));
      return afterReplay();
    }
    s.message = "replaying " + plan.events() + " retained events since " + replay.windowStart + " on " + s.candidate
        + " (" + plan.warmUpMessage() + ")";
    events.add(new RolloutDecision.Event(!plan.warmUpComplete(), "ReplayStarted", s.message));
    return done(READINESS_POLL);
  }

  /** The replay runs: its verdict once it has finished, a failure, its deadline, or a pause while the pipeline is degraded. */
  private RolloutDecision replay() {
    ReplayObservation r = seen.replay();
    if (r != null && r.results() != null) {
      return replayJudged(r);
    }
    if (seen.degraded()) {
      // the live pipeline comes first: the replay job is suspended, and its deadline does not count meanwhile
      String paused = "replay of " + s.candidate + " paused: the pipeline is degraded by its ShedPolicy; it starts its"
          + " range again when the pipeline is back to normal";
      if (!paused.equals(s.message)) {
        events.add(new RolloutDecision.Event(false, "ReplayPaused", paused));
      }
      s.message = paused;
      s.lastProgressAt = nowText;
      return done(READINESS_POLL);
    }
    if (r != null && r.job() != null && r.job().state() == Readiness.State.FAILED) {
      return rollBack("ReplayFailed", "ReplayFailed", "the replay job of " + s.candidate + " failed: " + r.job().message());
    }
    Duration deadline = Durations.parse(spec.replay.deadline);
    if (!now.isBefore(Instant.parse(s.lastProgressAt).plus(deadline))) {
      return rollBack("ReplayFailed", "ReplayFailed", "no replay verdict within " + spec.replay.deadline
          + " (spec.rollout.replay.deadline): " + s.message);
    }
    s.message = "replaying " + s.replay.events + " retained events since " + s.replay.windowStart + " on " + s.candidate
        + (r == null || r.job() == null ? "" : ": " + r.job().message());
    return done(READINESS_POLL);
  }

  private RolloutDecision replayJudged(ReplayObservation r) {
    var c = r.counts();
    ReplayStatus replay = s.replay;
    replay.replayed = c.replayed();
    replay.compared = c.compared();
    replay.agreeing = c.agreeing();
    replay.featureMismatches = c.featureMismatches();
    replay.fallbacks = c.fallbacks();
    replay.late = c.late();
    replay.p99ModelMs = c.p99ModelMs();
    replay.finishedAt = nowText;
    List<AnalysisResult> results = r.results();
    Verdict verdict = Verdict.of(results);
    s.lastAnalysis = List.copyOf(results);
    s.lastCheckAt = nowText;
    s.checks = Bounded.newest(s.checks, new AnalysisCheck(nowText, RolloutPhase.Replaying.name(), 0, verdict.name(),
        s.lastAnalysis), HISTORY);
    if (verdict == Verdict.Fail) {
      return rollBack("ReplayFailed", "ReplayFailed", s.candidate + " failed its replay, before any live traffic: "
          + describe(results, Verdict.Fail));
    }
    if (verdict == Verdict.NoData) {
      events.add(new RolloutDecision.Event(true, "ReplayInconclusive", describe(results, Verdict.NoData) + ": "
          + s.candidate + " goes on to its live checks"));
    } else {
      events.add(new RolloutDecision.Event(false, "ReplaySucceeded", s.candidate + " passed its replay of "
          + c.replayed() + " events: " + summary(results)));
    }
    return afterReplay();
  }

  /** After the replay: the shadow run, or the canary's first step (or its approval). */
  private RolloutDecision afterReplay() {
    s.stepStartedAt = null;
    s.lastProgressAt = nowText;
    s.consecutiveFailures = 0;
    if (spec.shadow != null) {
      s.phase = RolloutPhase.Shadowing.name();
      s.message = "replay done; starting the shadow run of " + s.candidate;
      return done(Duration.ofSeconds(1));
    }
    if (needsApproval(0)) {
      return awaitApproval(0);
    }
    s.phase = RolloutPhase.Canary.name();
    captureBaseline();
    enterStep(0);
    return done(untilNextCheck());
  }

  private boolean needsApproval(int index) {
    List<Integer> approvals = spec.canary.approvals;
    return approvals != null && approvals.contains(steps(spec).get(index));
  }

  /** The canary holds where it is (still checked, when it has traffic) until a person approves step {@code index}. */
  private RolloutDecision awaitApproval(int index) {
    String why = "awaiting approval to move " + s.candidate + " to " + steps(spec).get(index) + "% (spec.rollout.canary"
        + ".approvals): set annotation " + RolloutCommand.ANNOTATION + " to a new approve value, as kubectl slipstream"
        + " approve does";
    if (!RolloutPhase.AwaitingApproval.name().equals(s.phase)) {
      s.phase = RolloutPhase.AwaitingApproval.name();
      events.add(new RolloutDecision.Event(false, "ApprovalRequired", why));
    }
    s.message = why + (s.lastAnalysis.isEmpty() || s.stepStartedAt == null ? "" : "; last check: " + summary(s.lastAnalysis));
    return done(s.stepStartedAt == null ? null : untilNextCheck());
  }

  private void enterStep(int index) {
    List<Integer> steps = steps(spec);
    s.stepIndex = index;
    s.weight = steps.get(index);
    s.maxWeight = Math.max(s.maxWeight == null ? 0 : s.maxWeight, s.weight);
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
    boolean replay = spec.replay != null;
    RolloutStatus fresh = new RolloutStatus();
    fresh.phase = (replay ? RolloutPhase.Replaying : shadow ? RolloutPhase.Shadowing : RolloutPhase.Canary).name();
    fresh.stable = s.stable;
    fresh.warm = s.warm;
    fresh.candidate = candidate;
    fresh.weight = 0;
    fresh.consecutiveFailures = 0;
    fresh.startedAt = nowText;
    fresh.lastProgressAt = nowText;
    fresh.message = "deploying " + candidate + " beside " + s.stable
        + (replay ? " for a replay" : shadow ? " for a shadow run" : " for a canary");
    fresh.baselineLag = seen.pipelineLag();
    fresh.baselineAt = seen.pipelineLag() == null ? null : nowText;
    fresh.history = s.history;
    s = fresh;
    events.add(new RolloutDecision.Event(false, reason, "rolling out " + candidate + " to replace " + s.stable + ": "
        + (replay ? "replay of " + replayExtent() + ", then " : "")
        + (shadow ? "shadow for " + spec.shadow.duration + ", then canary " : "canary ") + steps(spec) + "%"));
    return done(READINESS_POLL);
  }

  private String replayExtent() {
    var r = spec.replay;
    String window = r.window == null ? null : "the last " + r.window;
    String most = r.maxEvents == null ? null : "at most " + r.maxEvents + " events";
    return window == null ? "the newest " + r.maxEvents + " retained events" : most == null ? window : window + " (" + most + ")";
  }

  private RolloutDecision promote(String why) {
    s.phase = RolloutPhase.Promoting.name();
    s.weight = 100;
    s.maxWeight = 100;
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
    fresh.checks = s.checks;
    fresh.replay = s.replay; // the last replay's numbers, as the last checks, until the next rollout starts
    fresh.history = s.history;
    s = fresh;
  }

  /** How many checks of a rollout, and how many ended rollouts, status keeps: the newest. */
  static final int HISTORY = 10;
  private static final int MESSAGE_LIMIT = 500;

  /** The current rollout as it ends now; its message is the status message as it stands. */
  private RolloutRecord ended(String outcome, String reason) {
    RolloutRecord record = new RolloutRecord();
    record.candidate = s.candidate;
    record.stable = s.stable;
    record.outcome = outcome;
    record.reason = reason;
    record.startedAt = s.startedAt;
    record.endedAt = nowText;
    record.maxWeight = s.maxWeight == null ? 0 : s.maxWeight;
    record.message = cap(s.message);
    return record;
  }

  private void remember(RolloutRecord record) {
    s.history = Bounded.newest(s.history, record, HISTORY);
  }

  private static String cap(String message) {
    return Bounded.cap(message, MESSAGE_LIMIT);
  }

  /**
   * The pipeline's lag as the candidate first takes traffic becomes the baseline its checks are judged against,
   * with the trend since the rollout started (a backlog that was growing may keep growing at that rate). Lag not
   * known now keeps what the start measured.
   */
  private void captureBaseline() {
    Long lag = seen.pipelineLag();
    if (lag == null) {
      return;
    }
    if (s.baselineLag != null && s.baselineAt != null) {
      long seconds = Duration.between(Instant.parse(s.baselineAt), now).toSeconds();
      s.baselineTrend = seconds <= 0 ? null : Math.round((lag - s.baselineLag) * 100.0 / seconds) / 100.0;
    }
    s.baselineLag = lag;
    s.baselineAt = nowText;
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
