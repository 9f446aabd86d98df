package dev.slipstream.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts finished reconciliations per resource, so a test can wait for resyncs instead of sleeping. */
final class ReconcileCounter implements Metrics {
  private final Map<String, AtomicLong> finished = new ConcurrentHashMap<>();

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished.computeIfAbsent(key(resource.getKind(), resource.getMetadata().getNamespace(), resource.getMetadata().getName()),
        k -> new AtomicLong()).incrementAndGet();
  }

  long finished(String kind, String namespace, String name) {
    AtomicLong n = finished.get(key(kind, namespace, name));
    return n == null ? 0 : n.get();
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }
}
