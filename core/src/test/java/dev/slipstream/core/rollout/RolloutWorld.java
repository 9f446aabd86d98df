package dev.slipstream.core.rollout;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.SloSpec;
import dev.slipstream.core.slo.Signals;
import dev.slipstream.core.slo.SloEvaluator;
import dev.slipstream.core.status.Readiness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A simulated clock and world around the state machine: the test says what is observed, the world keeps the status. */
final class RolloutWorld {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  static final Readiness READY = Readiness.ready("ServingReady", "ready");
  static final Readiness PENDING = Readiness.pending("ServingPending", "revision not ready");
  static final SloSpec SLO = new SloSpec();

  final RolloutSpec spec = new RolloutSpec();
  RolloutStatus status;
  Instant now = T0;
  String desired = "v1";
  Readiness candidate = READY;
  Readiness stable = READY;
  boolean degraded;
  /** Why no canary can split (a change of runtime), or null. */
  String direct;
  /** Why the candidate cannot be deployed yet (the GPU quota's refusal of its first replicas), or null. */
  RolloutObservation.Blocked blocked;
  /** The pipeline's consumer lag, or null while unknown. */
  Long pipelineLag;
  /** What is seen of a replay, or null. */
  ReplayObservation replay;
  final List<RolloutDecision.Event> events = new ArrayList<>();
  RolloutDecision last;

  RolloutWorld() {
    spec.canary.interval = "60s";
  }

  /** One reconcile with no check measured. */
  RolloutDecision reconcile() {
    return reconcile(null, RolloutCommand.NONE);
  }

  RolloutDecision reconcile(List<AnalysisResult> analysis, RolloutCommand command) {
    last = RolloutStateMachine.next(spec, status, new RolloutObservation(desired, candidate, stable, analysis, degraded, command,
        direct, blocked, pipelineLag, replay), now);
    status = last.status();
    events.addAll(last.events());
    return last;
  }

  /** Moves the clock one interval on and reconciles with a check built from these signals. */
  RolloutDecision check(Signals signals) {
    now = now.plus(RolloutStateMachine.interval(spec));
    return reconcile(SloEvaluator.evaluate(SLO, spec.analysis, signals), RolloutCommand.NONE);
  }

  RolloutDecision healthyCheck() {
    return check(healthy());
  }

  static Signals healthy() {
    return new Signals("candidate", 10L, 10L, 80.0, 0.1, 1000L);
  }

  static Signals slow() {
    return new Signals("candidate", 10L, 10L, 412.0, 0.1, 1000L);
  }

  static Signals noData() {
    return new Signals("candidate", 10L, 10L, null, null, null);
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  RolloutPhase phase() {
    return RolloutPhase.of(status.phase);
  }

  /** From nothing to v1 stable, then the reference changed to v2 and its serving ready. */
  static RolloutWorld canaryOfV2() {
    return canaryOfV2(spec -> { });
  }

  /** The same with the rollout's spec set up first (shadow, approvals). */
  static RolloutWorld canaryOfV2(java.util.function.Consumer<dev.slipstream.api.v1alpha1.RolloutSpec> setUp) {
    RolloutWorld w = new RolloutWorld();
    setUp.accept(w.spec);
    w.reconcile();
    w.desired = "v2";
    w.reconcile();
    w.reconcile();
    return w;
  }

  void useNoDataPolicy(AnalysisSpec.NoData policy) {
    spec.analysis.noData = policy;
  }
}
