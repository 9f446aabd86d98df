package dev.slipstream.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;

/**
 * The framework's reconciliations on the operator's registry: how many finished and failed per kind, and
 * how long each controller execution took. Every callback is passed on to {@code next} as well.
 */
public final class ReconcileMetrics implements Metrics {
  private final Metrics next;
  private final Counter reconciliations;
  private final Histogram duration;

  public ReconcileMetrics(PrometheusRegistry registry, Metrics next) {
    this.next = next;
    reconciliations = Counter.builder().name("slipstream_reconciliations_total")
        .help("Reconciliations by kind and result").labelNames("kind", "result").register(registry);
    duration = Histogram.builder().name("slipstream_reconcile_duration_seconds")
        .help("Duration of controller executions").labelNames("controller", "execution")
        .classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    reconciliations.labelValues(resource.getKind(), "success").inc();
    next.finishedReconciliation(resource, metadata);
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    reconciliations.labelValues(resource.getKind(), "failure").inc();
    next.failedReconciliation(resource, exception, metadata);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long start = System.nanoTime();
    try {
      return next.timeControllerExecution(execution);
    } finally {
      duration.labelValues(execution.controllerName(), execution.name()).observe((System.nanoTime() - start) / 1e9);
    }
  }
}
