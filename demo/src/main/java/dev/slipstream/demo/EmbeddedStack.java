package dev.slipstream.demo;

import dev.slipstream.operator.OperatorConfig;
import dev.slipstream.operator.SlipstreamOperator;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.StandInControllers;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Map;

/**
 * Slipstream on one machine: a real Kafka broker, the test API server with every CRD, stand-ins for the
 * KServe, Flink, Strimzi and Deployment controllers, and the real operator with the given settings.
 */
public final class EmbeddedStack implements AutoCloseable {
  /** The User-Agent of the operator's requests, to tell its writes from the demo's own. */
  public static final String OPERATOR_AGENT = dev.slipstream.operator.Main.USER_AGENT;
  public final EmbeddedKafka kafka;
  public final TestApiServer api;
  public final KubernetesClient client;
  /** CPU time of the operator's reconciles, across restarts. */
  final ReconcileCpu reconcileCpu = new ReconcileCpu();
  private final StandInControllers standIns;
  private KubernetesClient operatorClient;
  private SlipstreamOperator operator;

  /**
   * @param settings the operator's settings as environment variables ({@code SLIPSTREAM_...}); with leader
   *     election on, losing the Lease stops leading but does not end this JVM, which holds more than the operator
   */
  public EmbeddedStack(Map<String, String> settings) {
    this();
    operatorClient = api.newClient(OPERATOR_AGENT, dev.slipstream.controllers.common.PrunedReads.serialization());
    operator = new SlipstreamOperator(operatorClient, OperatorConfig.from(new String[0], settings), Clock.systemUTC(),
        reconcileCpu, new PrometheusRegistry(), false);
    operator.start();
  }

  /** Without an operator in this JVM: the bench runs it as a process of its own ({@link OperatorProcess}). */
  EmbeddedStack() {
    kafka = EmbeddedKafka.start();
    api = TestApiServer.startWithAllCrds();
    client = api.client();
    standIns = StandInControllers.startAll(api.newClient());
  }

  /**
   * What the Flink operator reports of a job run here: FINISHED once a bounded one (a replay) has ended, RUNNING when
   * one (re)starts. For {@link LocalFlink#reportingTo}.
   */
  public java.util.function.BiConsumer<String, Boolean> flinkReports(String namespace) {
    return (name, finished) -> standIns.behave(StandInControllers.Kind.FLINK_DEPLOYMENT, namespace, name,
        finished ? StandInControllers.Behaviour.FINISHED : StandInControllers.Behaviour.READY);
  }

  /**
   * Creates a fraud model version beside fraud-v1: its spec, named {@code fraud-v<version>}, with its own version and
   * storage; returns its name.
   */
  public String createFraudVersion(String namespace, int version) {
    var versions = client.resources(dev.slipstream.api.v1alpha1.ModelVersion.class).inNamespace(namespace);
    var next = versions.withName("fraud-v1").get();
    next.getMetadata().setName("fraud-v" + version);
    next.getMetadata().setResourceVersion(null);
    next.getMetadata().setUid(null);
    next.setStatus(null);
    next.getSpec().version = String.valueOf(version);
    next.getSpec().storageUri = "s3://models/fraud/" + version;
    client.resource(next).create();
    return next.getMetadata().getName();
  }

  /** How long a restarted operator took to be ready (its caches filled) and to lead (to hold the Lease). */
  public record StartUp(java.time.Duration ready, java.time.Duration leading) {}

  /**
   * Stops the operator and starts a new one with {@code settings} and leader election on, as a new process
   * would: how long until it is ready and leads. The time a JVM takes to boot is not in it.
   */
  public StartUp restartOperator(Map<String, String> settings) {
    operator.close();
    operatorClient.close();
    Map<String, String> withElection = new java.util.HashMap<>(settings);
    withElection.put("SLIPSTREAM_LEADER_ELECTION", "true");
    withElection.putIfAbsent("SLIPSTREAM_LEADER_ELECTION_NAMESPACE", "default");
    long start = System.nanoTime();
    operatorClient = api.newClient(OPERATOR_AGENT, dev.slipstream.controllers.common.PrunedReads.serialization());
    operator = new SlipstreamOperator(operatorClient, OperatorConfig.from(new String[0], withElection), Clock.systemUTC(),
        reconcileCpu, new PrometheusRegistry(), false);
    operator.start();
    java.time.Duration ready = java.time.Duration.ofNanos(System.nanoTime() - start);
    org.awaitility.Awaitility.await("the Lease held").atMost(java.time.Duration.ofMinutes(2))
        .pollInterval(java.time.Duration.ofMillis(20)).ignoreExceptions().until(() -> operator.identity().equals(
            client.leases().inNamespace(withElection.get("SLIPSTREAM_LEADER_ELECTION_NAMESPACE"))
                .withName(SlipstreamOperator.LEASE_NAME).get().getSpec().getHolderIdentity()));
    return new StartUp(ready, java.time.Duration.ofNanos(System.nanoTime() - start));
  }

  /** Stops the operator alone (the rest keeps running); {@link #close} after it is fine. */
  public void stopOperator() {
    if (operator != null) {
      operator.close();
      operatorClient.close();
      operator = null;
    }
  }

  @Override
  public void close() {
    stopOperator();
    standIns.close();
    api.close();
    kafka.close();
  }
}
