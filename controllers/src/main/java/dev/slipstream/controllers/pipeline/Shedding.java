package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.controllers.common.EventRecorder;
import dev.slipstream.core.port.ConsumerLagSource;
import dev.slipstream.core.port.LatencySource;
import dev.slipstream.core.rollout.RolloutPhase;
import dev.slipstream.core.shed.ShedActions;
import dev.slipstream.core.shed.ShedLadder;
import dev.slipstream.core.shed.ShedSignals;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O around the degradation ladder: samples the pipeline's signals when an evaluation is due (lag and
 * consume position from Kafka, latency and errors of the serving version from the latency source only when a
 * level has such triggers), asks the ladder, and after the status is written emits the change's Event and metric.
 */
final class Shedding {
  private static final Logger LOG = LoggerFactory.getLogger(Shedding.class);
  /** PromQL rates need a few scrapes: latency is measured over at least this window. */
  private static final Duration MIN_LATENCY_WINDOW = Duration.ofSeconds(30);
  static final String ROLLBACK_FIRST = "a rollback is in progress and goes first; the level changes after it";

  private final ControllersConfig config;
  private final EventRecorder events;

  Shedding(ControllersConfig config, EventRecorder events) {
    this.config = config;
    this.events = events;
  }

  /**
   * @param decision the ladder's decision in this pass
   * @param actions the actions in force at the decided level
   * @param interval the policy's evaluation interval
   */
  record ShedStep(String policy, ShedLadder.Decision decision, ShedActions actions, Duration interval) {
    int level() {
      return decision.level();
    }

    boolean degraded() {
      return level() > 0;
    }

    /** This step with how its actions are carried out in this pass (see {@link ShedLadder.Decision#noting}). */
    ShedStep noting(java.util.List<String> notes) {
      ShedLadder.Decision noted = decision.noting(actions, notes);
      return noted == decision ? this : new ShedStep(policy, noted, actions, interval);
    }
  }

  /**
   * @param position the pipeline's consumer group on its inputs, or null when unknown
   * @param servingVersion the ModelVersion serving real traffic (the stable one), whose latency is measured
   * @param servingModel that ModelVersion, or null when it cannot be read
   * @param servingRevision the KServe revision serving it, or null
   * @param frozen why the level must not change (the policy became invalid), or null
   */
  ShedStep step(StreamingPipeline pipeline, ShedPolicy policy, ShedStatus before, ConsumerLagSource.Position position,
      RolloutStatus rollout, String servingVersion, ModelVersion servingModel, String servingRevision, String frozen,
      Instant now) {
    var spec = policy.getSpec();
    String name = policy.getMetadata().getName();
    Double p99 = null;
    Double errors = null;
    if (measuresLatency(spec) && ShedLadder.due(name, spec, before, now)) {
      Duration window = ShedLadder.interval(spec).compareTo(MIN_LATENCY_WINDOW) < 0 ? MIN_LATENCY_WINDOW : ShedLadder.interval(spec);
      LatencySource.Sample sample = config.latency().measure(Rollouts.latencyTarget(pipeline, servingModel, servingVersion,
          servingRevision, window));
      p99 = sample.p99LatencyMs();
      errors = sample.errorRatePercent();
    }
    ShedSignals signals = new ShedSignals(position == null ? null : position.lag(),
        position == null ? null : position.consumed(), p99, errors);
    String hold = frozen != null ? frozen
        : rollout != null && RolloutPhase.RollingBack.name().equals(rollout.phase) ? ROLLBACK_FIRST : null;
    ShedLadder.Decision decision = ShedLadder.next(name, spec, before, signals, now, hold);
    return new ShedStep(name, decision, ShedActions.at(spec, decision.level()), ShedLadder.interval(spec));
  }

  /** After the status is written: the level change's Event and log line, and the level metric. */
  void after(StreamingPipeline pipeline, ShedStep step) {
    String namespace = pipeline.getMetadata().getNamespace();
    String name = pipeline.getMetadata().getName();
    config.metrics().shedLevel(namespace, name, step.level());
    ShedLadder.Change change = step.decision().change();
    if (change == null) {
      return;
    }
    LOG.info("pipeline {}/{} ShedPolicy {}: level {} -> {}: {}", namespace, name, step.policy(), change.from(),
        change.to(), change.message());
    events.record(pipeline, change.up(), change.reason(), change.message());
  }

  private static boolean measuresLatency(dev.slipstream.api.v1alpha1.ShedPolicySpec spec) {
    return spec.levels.stream().map(l -> l.triggers).filter(java.util.Objects::nonNull)
        .anyMatch(t -> t.p99LatencyMsAbove != null || t.errorRatePercentAbove != null);
  }
}
