package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.testkit.Crds;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A third-party CRD installed or removed while the operator runs is picked up without a restart: KEDA installed after
 * the operator started is used by the next scale-out, and removed again, the scale-out goes back to raising replicas by
 * hand, each time said in the pipeline's shed actions.
 */
class ThirdPartyCrdsIT {
  private static final String NS = "late-keda";

  @Test
  void kedaInstalledAfterTheOperatorStartedIsUsedByTheScaleOutAndRemovedIsNoLonger() {
    List<String> withoutKeda = Crds.THIRD_PARTY.stream().filter(c -> !c.equals(Crds.SCALED_OBJECT)).toList();
    try (OperatorFixture env = new OperatorFixture(withoutKeda, "")) {
      env.applyTritonWithKedaScaleOut(NS, "1h");
      var scaledObject = env.client.genericKubernetesResources(
          dev.slipstream.testkit.StandInControllers.Kind.SCALED_OBJECT.context()).inNamespace(NS)
          .withName("image-embeddings-serving");
      var deployment = env.client.apps().deployments().inNamespace(NS).withName("image-embeddings-embedder-v3");

      // without the CRD: the level raises the replicas by hand and says why
      env.produce(NS + "-uploaded-images", 500);
      await("the scale-out by hand").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(env.pipeline(NS, "image-embeddings").getStatus().shed.actions)
            .anySatisfy(a -> assertThat(a).startsWith("KEDA not used (").endsWith("): replicas raised by hand"));
        assertThat(deployment.get().getSpec().getReplicas()).isEqualTo(6);
      });
      assertThat(scaledObject.get()).isNull();

      // installed while the operator runs: the next reconcile after the operator's look hands the replicas to KEDA
      env.api.installCrd(Crds.SCALED_OBJECT);
      await("a ScaledObject once the CRD is there").atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
        assertThat(scaledObject.get()).isNotNull();
        assertThat(env.pipeline(NS, "image-embeddings").getStatus().shed.actions)
            .containsExactly("serving scaled by KEDA on the consumer lag, up to 6 replicas");
      });
      assertThat(env.api.refusedWrites()).as("the ScaledObject admitted against KEDA's CRD").isEmpty();

      // removed again: back to raising the replicas by hand
      env.api.removeCrd(Crds.SCALED_OBJECT);
      await("the scale-out by hand again").atMost(Duration.ofSeconds(40)).untilAsserted(() ->
          assertThat(env.pipeline(NS, "image-embeddings").getStatus().shed.actions)
              .anySatisfy(a -> assertThat(a).startsWith("KEDA not used (")));
    }
  }
}
