package dev.slipstream.e2e;

import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.ZonedDateTime;

/** Steps the scenarios share, the same on every cluster. */
final class Scenarios {
  static final String LEASE = "slipstream-operator";

  private Scenarios() {}

  /** The operator holds its Lease and renews it: one replica leads. */
  static void awaitLease(KubernetesClient client, String namespace) {
    await("the operator leads (Lease " + namespace + "/" + LEASE + ")").atMost(Duration.ofSeconds(120)).until(() -> {
      Lease lease = client.leases().inNamespace(namespace).withName(LEASE).get();
      return lease != null && lease.getSpec() != null && lease.getSpec().getHolderIdentity() != null
          && lease.getSpec().getRenewTime() != null
          && lease.getSpec().getRenewTime().isAfter(ZonedDateTime.now().minusMinutes(1));
    });
  }

  static StreamingPipeline pipeline(KubernetesClient client, String namespace) {
    return client.resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring").get();
  }

  static boolean ready(StreamingPipeline p) {
    return p != null && p.getStatus() != null && Conditions.isTrue(p.getStatus().conditions, Conditions.READY);
  }
}
