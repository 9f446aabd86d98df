package dev.slipstream.operator.metrics;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.core.port.PipelineMetrics;
import dev.slipstream.core.rollout.RolloutPhase;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/** Slipstream's own per-pipeline metrics on a Prometheus registry. */
public final class PrometheusPipelineMetrics implements PipelineMetrics {
  private final Gauge phase;
  private final Gauge weight;
  private final Counter rollbacks;
  private final Counter checks;
  private final Gauge lastValue;
  private final Gauge lag;
  private final Gauge shedLevel;
  private final Gauge lastEnded;
  /** The labels of each pipeline's last-ended-rollout series, so a newer rollout replaces it. */
  private final java.util.Map<String, String[]> lastEndedLabels = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Series are per pipeline (ten or so each): none keeps exemplars, which no gauge here is given and which cost an
   * exemplar sampler per series (about 10 MB over 5,000 pipelines).
   */
  public PrometheusPipelineMetrics(PrometheusRegistry registry) {
    phase = Gauge.builder().withoutExemplars().name("slipstream_rollout_phase")
        .help("1 for the rollout phase each pipeline is in, 0 for the others")
        .labelNames("namespace", "pipeline", "phase").register(registry);
    weight = Gauge.builder().withoutExemplars().name("slipstream_rollout_weight_percent")
        .help("Share of real traffic the rollout's candidate gets").labelNames("namespace", "pipeline").register(registry);
    rollbacks = Counter.builder().withoutExemplars().name("slipstream_rollbacks_total")
        .help("Rollbacks started, by reason").labelNames("namespace", "pipeline", "reason").register(registry);
    checks = Counter.builder().withoutExemplars().name("slipstream_analysis_checks_total")
        .help("Rollout check results, by metric and verdict").labelNames("namespace", "pipeline", "metric", "result")
        .register(registry);
    lastValue = Gauge.builder().withoutExemplars().name("slipstream_analysis_last_value")
        .help("Last measured value of each rollout check metric").labelNames("namespace", "pipeline", "metric", "target")
        .register(registry);
    lag = Gauge.builder().withoutExemplars().name("slipstream_consumer_lag")
        .help("Consumer lag of each pipeline's group, in messages").labelNames("namespace", "pipeline").register(registry);
    lastEnded = Gauge.builder().withoutExemplars().name("slipstream_rollout_last_ended_timestamp_seconds")
        .help("When each pipeline's last rollout ended (status.rollout.history), by candidate, outcome and rollback reason")
        .labelNames("namespace", "pipeline", "candidate", "outcome", "reason").register(registry);
    shedLevel = Gauge.builder().withoutExemplars().name("slipstream_shed_level")
        .help("Each pipeline's level on its ShedPolicy's ladder: 0 normal, n the policy's n-th level")
        .labelNames("namespace", "pipeline").register(registry);
  }

  @Override
  public void shedLevel(String namespace, String pipeline, Integer level) {
    setOrRemove(shedLevel, level, namespace, pipeline);
  }

  /** A series with a value, or no series at all while the value is unknown (never a made-up 0). */
  private static void setOrRemove(Gauge gauge, Number value, String... labels) {
    if (value == null) {
      gauge.remove(labels);
    } else {
      gauge.labelValues(labels).set(value.doubleValue());
    }
  }

  @Override
  public void rollout(String namespace, String pipeline, RolloutStatus rollout) {
    RolloutPhase current = RolloutPhase.of(rollout.phase);
    for (RolloutPhase p : RolloutPhase.values()) {
      phase.labelValues(namespace, pipeline, p.name()).set(p == current ? 1 : 0);
    }
    weight.labelValues(namespace, pipeline).set(rollout.weight == null ? 0 : rollout.weight);
    if (rollout.history != null && !rollout.history.isEmpty()) {
      var last = rollout.history.get(rollout.history.size() - 1);
      String[] labels = {namespace, pipeline, String.valueOf(last.candidate), String.valueOf(last.outcome),
          last.reason == null ? "" : last.reason};
      String[] before = lastEndedLabels.put(namespace + "/" + pipeline, labels);
      if (before != null && !java.util.Arrays.equals(before, labels)) {
        lastEnded.remove(before);
      }
      lastEnded.labelValues(labels).set(java.time.Instant.parse(last.endedAt).getEpochSecond());
    }
  }

  @Override
  public void rolledBack(String namespace, String pipeline, String reason) {
    rollbacks.labelValues(namespace, pipeline, reason == null ? "Unknown" : reason).inc();
  }

  @Override
  public void checked(String namespace, String pipeline, List<AnalysisResult> results) {
    for (AnalysisResult r : results) {
      checks.labelValues(namespace, pipeline, r.metric, r.verdict).inc();
      if (r.value != null) {
        lastValue.labelValues(namespace, pipeline, r.metric, r.target).set(r.value);
      }
    }
  }

  @Override
  public void consumerLag(String namespace, String pipeline, Long value) {
    setOrRemove(lag, value, namespace, pipeline);
  }

  @Override
  public void forget(String namespace, String pipeline) {
    String[] ended = lastEndedLabels.remove(namespace + "/" + pipeline);
    if (ended != null) {
      lastEnded.remove(ended);
    }
    for (RolloutPhase p : RolloutPhase.values()) {
      phase.remove(namespace, pipeline, p.name());
    }
    weight.remove(namespace, pipeline);
    lag.remove(namespace, pipeline);
    shedLevel.remove(namespace, pipeline);
  }
}
