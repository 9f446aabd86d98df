package dev.slipstream.e2e;

import dev.slipstream.operator.OperatorConfig;
import dev.slipstream.operator.SlipstreamOperator;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.StandInControllers;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * CI: fabric8's API server in CRUD mode with the CRDs and admission, a real KRaft broker, stand-ins for the
 * KServe, Flink, Strimzi and Deployment controllers, and the operator in-process with leader election on,
 * as the chart runs it.
 */
final class MockCluster implements Cluster {
  private final EmbeddedKafka kafka = EmbeddedKafka.start();
  private final TestApiServer api = TestApiServer.startWithAllCrds();
  private final StandInControllers standIns = StandInControllers.startAll(api.newClient());
  private final KubernetesClient operatorClient = api.newClient("slipstream-operator");
  private final SlipstreamOperator operator;

  MockCluster() {
    OperatorConfig config = OperatorConfig.from(new String[] {"--resync=2s", "--kafka-retry-min=500ms",
        "--leader-election-namespace=slipstream-system", "--lease-duration=5s", "--metrics-port=0"}, Map.of());
    operator = new SlipstreamOperator(operatorClient, config, Clock.systemUTC(), Metrics.NOOP, new PrometheusRegistry(), false);
    operator.start();
  }

  @Override
  public KubernetesClient client() {
    return api.client();
  }

  @Override
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public Admin admin() {
    return kafka.admin();
  }

  @Override
  public Map<String, Object> producerSettings() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  @Override
  public void awaitOperator() {
    Scenarios.awaitLease(client(), "slipstream-system");
  }

  @Override
  public void close() {
    operator.close();
    operatorClient.close();
    standIns.close();
    api.close();
    kafka.close();
  }
}
