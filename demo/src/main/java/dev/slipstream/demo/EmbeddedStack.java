package dev.slipstream.demo;

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

/**
 * Slipstream on one machine: a real Kafka broker, the test API server with every CRD, stand-ins for the
 * KServe, Flink, Strimzi and Deployment controllers, and the real operator with the given settings.
 */
public final class EmbeddedStack implements AutoCloseable {
  /** The User-Agent of the operator's requests, to tell its writes from the demo's own. */
  public static final String OPERATOR_AGENT = "slipstream-operator";
  public final EmbeddedKafka kafka;
  public final TestApiServer api;
  public final KubernetesClient client;
  private final StandInControllers standIns;
  private final KubernetesClient operatorClient;
  private final SlipstreamOperator operator;

  /**
   * @param settings the operator's settings as environment variables ({@code SLIPSTREAM_...}); with leader
   *     election on, losing the Lease stops leading but does not end this JVM, which holds more than the operator
   */
  public EmbeddedStack(Map<String, String> settings) {
    kafka = EmbeddedKafka.start();
    api = TestApiServer.startWithAllCrds();
    client = api.client();
    standIns = StandInControllers.startAll(api.newClient());
    operatorClient = api.newClient(OPERATOR_AGENT);
    operator = new SlipstreamOperator(operatorClient, OperatorConfig.from(new String[0], settings), Clock.systemUTC(),
        Metrics.NOOP, new PrometheusRegistry(), false);
    operator.start();
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
