package dev.slipstream.e2e;

import dev.slipstream.demo.EmbeddedStack;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * CI: the demo's embedded stack (fabric8's API server in CRUD mode with the CRDs and admission, a real KRaft
 * broker, stand-ins for the KServe, Flink, Strimzi and Deployment controllers) with the operator in-process
 * and leader election on, as the chart runs it; the Prometheus Operator's PodMonitor kind is installed.
 */
final class MockCluster implements Cluster {
  private static final String LEASE_NAMESPACE = "slipstream-system";
  private final EmbeddedStack stack = new EmbeddedStack(Map.of("SLIPSTREAM_RESYNC", "2s",
      "SLIPSTREAM_KAFKA_RETRY_MIN", "500ms", "SLIPSTREAM_LEADER_ELECTION_NAMESPACE", LEASE_NAMESPACE,
      "SLIPSTREAM_LEASE_DURATION", "5s", "SLIPSTREAM_METRICS_PORT", "0"));

  MockCluster() {
    // a cluster whose Prometheus the Prometheus Operator runs (the kind path installs its real CRD)
    stack.api.installCrd(dev.slipstream.testkit.Crds.POD_MONITOR);
  }

  @Override
  public KubernetesClient client() {
    return stack.client;
  }

  @Override
  public String bootstrapServers() {
    return stack.kafka.bootstrapServers();
  }

  @Override
  public Admin admin() {
    return stack.kafka.admin();
  }

  @Override
  public Map<String, Object> producerSettings() {
    return Map.of("bootstrap.servers", stack.kafka.bootstrapServers());
  }

  @Override
  public void awaitOperator() {
    Scenarios.awaitLease(client(), LEASE_NAMESPACE);
  }

  @Override
  public void close() {
    stack.close();
  }
}
