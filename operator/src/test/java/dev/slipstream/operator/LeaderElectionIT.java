package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.StandInControllers;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two replicas of the operator on one API server: only the Lease holder acts, and the other takes over when it goes. */
class LeaderElectionIT {
  private static final String LEASE_NAMESPACE = "slipstream-system";

  @Test
  void onlyTheLeaderReconcilesAndTheStandbyTakesOverWhenTheLeaderStops() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        TestApiServer api = TestApiServer.startWithAllCrds();
        StandInControllers standIns = StandInControllers.startAll(api.newClient());
        KubernetesClient clientA = api.newClient(OperatorFixture.OPERATOR_AGENT);
        KubernetesClient clientB = api.newClient(OperatorFixture.OPERATOR_AGENT)) {
      OperatorConfig config = OperatorConfig.from(new String[] {"--resync=2s", "--kafka-retry-min=500ms",
          "--leader-election-namespace=" + LEASE_NAMESPACE, "--lease-duration=3s"}, Map.of());
      ReconcileCounter countA = new ReconcileCounter();
      ReconcileCounter countB = new ReconcileCounter();
      SlipstreamOperator a = new SlipstreamOperator(clientA, config, Clock.systemUTC(), countA, new PrometheusRegistry(), false);
      a.start();
      await("A leads").atMost(Duration.ofSeconds(30)).until(() -> a.identity().equals(holder(api)));
      SlipstreamOperator b = new SlipstreamOperator(clientB, config, Clock.systemUTC(), countB, new PrometheusRegistry(), false);
      b.start();
      try {
        apply(api, kafka, "first");
        await().atMost(Duration.ofSeconds(60)).until(() -> ready(api, "first"));
        assertThat(countA.finished("StreamingPipeline", "first", "fraud-scoring")).isPositive();
        assertThat(countB.finished("StreamingPipeline", "first", "fraud-scoring")).as("the standby does nothing").isZero();
        assertThat(holder(api)).isEqualTo(a.identity());

        a.close();
        await("B takes over").atMost(Duration.ofSeconds(30)).until(() -> b.identity().equals(holder(api)));
        apply(api, kafka, "second");
        await().atMost(Duration.ofSeconds(60)).until(() -> ready(api, "second"));
        assertThat(countB.finished("StreamingPipeline", "second", "fraud-scoring")).isPositive();
        assertThat(countA.finished("StreamingPipeline", "second", "fraud-scoring")).as("the old leader is gone").isZero();
        dev.slipstream.testkit.Reliability.record("Faults", "two operators with leader election, the leader stopped",
            "only the Lease holder reconciled; the standby took over and reconciled new pipelines");
      } finally {
        b.close();
        a.close();
        OperatorFixture.recordApiCalls(api);
      }
    }
  }

  private static String holder(TestApiServer api) {
    Lease lease = api.client().leases().inNamespace(LEASE_NAMESPACE).withName(SlipstreamOperator.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static void apply(TestApiServer api, EmbeddedKafka kafka, String namespace) {
    var objects = Manifests.withBootstrapServers(Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml")),
        kafka.bootstrapServers());
    Manifests.moveTo(objects, namespace);
    objects.forEach(o -> api.client().resource(Manifests.typed(o)).create());
  }

  private static boolean ready(TestApiServer api, String namespace) {
    StreamingPipeline p = api.client().resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring").get();
    return p != null && p.getStatus() != null && Conditions.isTrue(p.getStatus().conditions, "Ready");
  }
}
