package dev.slipstream.e2e;

import dev.slipstream.testkit.StandInControllers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * make kind-test: the cluster of the current kubeconfig, with the chart installed (operator in
 * {@code e2e.operatorNamespace}, default slipstream-system) and a Kafka broker reachable in-cluster at
 * {@code e2e.kafka.internal} and from this machine at {@code e2e.kafka.external} (kind-tests/manifests/kafka.yaml
 * gives both). The third-party CRDs are installed but not their controllers (a kind node has no GPU and no
 * model store), so the same stand-ins as in CI mark InferenceServices, FlinkDeployments and Deployments
 * ready the way KServe, the Flink operator and the kubelet would; everything else is real.
 */
final class KubeconfigCluster implements Cluster {
  private final KubernetesClient client = new KubernetesClientBuilder().build();
  private final StandInControllers standIns = StandInControllers.startAll(client);
  private final String internal = System.getProperty("e2e.kafka.internal", "kafka.kafka.svc.cluster.local:9092");
  private final String external = System.getProperty("e2e.kafka.external", "localhost:30092");

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String bootstrapServers() {
    return internal;
  }

  @Override
  public Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", external));
  }

  @Override
  public Map<String, Object> producerSettings() {
    return Map.of("bootstrap.servers", external);
  }

  @Override
  public void awaitOperator() {
    Scenarios.awaitLease(client, System.getProperty("e2e.operatorNamespace", "slipstream-system"));
  }

  @Override
  public void close() {
    standIns.close();
    client.close();
  }
}
