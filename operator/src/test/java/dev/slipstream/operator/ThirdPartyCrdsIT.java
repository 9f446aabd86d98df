package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.testkit.Crds;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A third-party CRD installed or removed while the operator runs is picked up without a restart: KEDA installed after
 * the operator started is used by the next scale-out, and removed again, the scale-out goes back to raising replicas by
 * hand, each time said in the pipeline's shed actions.
 */
class ThirdPartyCrdsIT {
  private static final String NS = "late-keda";

  @Test
  @SuppressWarnings("unchecked")
  void kedaInstalledAfterTheOperatorStartedIsUsedByTheScaleOutAndRemovedIsNoLonger() {
    List<String> withoutKeda = Crds.THIRD_PARTY.stream().filter(c -> !c.equals(Crds.SCALED_OBJECT)).toList();
    try (OperatorFixture env = new OperatorFixture(withoutKeda, "")) {
      var objects = new java.util.ArrayList<>(env.example("triton-gpu.yaml"));
      Manifests.moveTo(objects, NS);
      for (GenericKubernetesResource o : objects) {
        if ("StreamingPipeline".equals(o.getKind())) {
          var spec = (Map<String, Object>) o.getAdditionalProperties().get("spec");
          ((Map<String, Object>) spec.get("kafka")).remove("clientSecretRef");
          ((Map<String, Object>) spec.get("serving")).put("shedPolicyRef", Map.of("name", "keda-shed"));
        }
      }
      GenericKubernetesResource policy = new GenericKubernetesResource();
      policy.setApiVersion("slipstream.dev/v1alpha1");
      policy.setKind("ShedPolicy");
      policy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("keda-shed").withNamespace(NS).build());
      policy.setAdditionalProperty("spec", Map.of("evaluationInterval", "1s",
          "levels", List.of(Map.of("name", "scale-out", "triggers", Map.of("consumerLagAbove", 100),
              "scaleOut", Map.of("maxReplicas", 6, "keda", true))),
          "recovery", Map.of("cooldown", "1h")));
      objects.add(0, policy);
      env.apply(objects);
      env.awaitReady(NS, "image-embeddings", true, "Ready");
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
