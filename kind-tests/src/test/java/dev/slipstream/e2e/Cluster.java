package dev.slipstream.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Where the scenarios run: the same steps against the in-process test API server (CI) or a real cluster
 * (make kind-test). Either way the operator is the real one and Kafka is a real broker.
 */
interface Cluster extends AutoCloseable {
  KubernetesClient client();

  /** Bootstrap servers as the operator and the Flink jobs reach the broker (written into the pipelines). */
  String bootstrapServers();

  /** An AdminClient for the test itself, to read topics and move consumer groups. */
  Admin admin();

  /** Producer settings for the test itself. */
  Map<String, Object> producerSettings();

  /** Waits until the operator runs and leads; fails with what it saw otherwise. */
  void awaitOperator();

  @Override
  void close();

  /** {@code -De2e.cluster=mock} (default) or {@code kubeconfig}. */
  static Cluster fromSystemProperties() {
    String kind = System.getProperty("e2e.cluster", "mock");
    return switch (kind) {
      case "mock" -> new MockCluster();
      case "kubeconfig" -> new KubeconfigCluster();
      default -> throw new IllegalArgumentException("e2e.cluster must be mock or kubeconfig, not " + kind);
    };
  }
}
