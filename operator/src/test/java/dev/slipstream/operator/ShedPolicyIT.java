package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * The degradation ladder against the real broker: a flood on the input topic of a pipeline whose consumer group
 * drains slowly climbs scale-out then downgrade; the group catches up and the pipeline steps back down after
 * each cooldown, with the serving layer and the job's control restored and no flapping.
 */
class ShedPolicyIT extends WithOperator {
  private static final String NS = "shed-ladder";
  private static final String TOPIC = NS + "-card-transactions";
  private static final String GROUP = "slipstream." + NS + ".fraud-scoring";
  /** The fraud example with a ladder fast enough for a test: lag above 100 scales out, above 1000 downgrades. */
  private static void applyExampleWithFastLadder(String namespace) {
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, namespace);
    for (GenericKubernetesResource o : objects) {
      if ("ShedPolicy".equals(o.getKind())) {
        o.setAdditionalProperty("spec", Map.of(
            "evaluationInterval", "1s",
            "levels", List.of(
                Map.of("name", "scale-out", "triggers", Map.of("consumerLagAbove", 100), "scaleOut", Map.of("maxReplicas", 5)),
                Map.of("name", "small-model", "triggers", Map.of("consumerLagAbove", 1000),
                    "downgrade", Map.of("modelVersionRef", Map.of("name", "fraud-lite-v1")))),
            "recovery", Map.of("cooldown", "3s", "maxChangesPerWindow", 6, "window", "10m")));
      }
    }
    env.apply(objects);
    env.awaitReady(namespace, "fraud-scoring", true, "Ready");
  }

  @Test
  void aFloodClimbsTheLadderAndCatchingUpStepsBackDownWithoutFlapping() throws Exception {
    applyExampleWithFastLadder(NS);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var shed = env.pipeline(NS, "fraud-scoring").getStatus().shed;
      assertThat(shed.level).isZero();
      assertThat(shed.next).extracting(t -> t.trigger).containsExactly("consumerLag");
    });
    assertThat(env.predictor(NS, "fraud-scoring-fraud-lite-v1")).as("no fallback deployed while it is not needed").isNull();
    assertThat(control().getData()).containsEntry("mode", "normal").containsEntry("level", "0")
        .containsEntry("endpoint", "http://fraud-scoring." + NS + ".svc.cluster.local");

    try (Admin admin = env.kafka.admin()) {
      commit(admin, 0.0); // the group exists and has read nothing
      env.produce(TOPIC, 3_000);

      await("scale-out, then the small model").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        StreamingPipeline p = env.pipeline(NS, "fraud-scoring");
        assertThat(p.getStatus().shed.levelName).isEqualTo("small-model");
        assertThat(env.predictor(NS, "fraud-scoring")).containsEntry("minReplicas", 5).containsEntry("maxReplicas", 6);
        assertThat(control().getData()).as("traffic moves once the fallback is ready")
            .containsEntry("mode", "downgrade").containsEntry("model-name", "fraud-lite")
            .containsEntry("endpoint", "http://fraud-scoring-fraud-lite-v1." + NS + ".svc.cluster.local");
      });
      StreamingPipeline degraded = env.pipeline(NS, "fraud-scoring");
      assertThat(degraded.getStatus().phase).isEqualTo("Degraded");
      assertThat(Conditions.isTrue(degraded.getStatus().conditions, "Ready")).as("still serving, as designed").isTrue();
      var condition = Conditions.find(degraded.getStatus().conditions, "Degraded").orElseThrow();
      assertThat(condition.getReason()).isEqualTo("DowngradedToFallback");
      assertThat(condition.getMessage()).contains("holds level 2 'small-model'").contains("consumerLag 3000 > 1000");
      assertThat(degraded.getStatus().shed.fallbackModel).isEqualTo("fraud-lite-v1");
      assertThat(env.metrics()).contains("slipstream_shed_level{namespace=\"" + NS + "\",pipeline=\"fraud-scoring\"} 2.0");

      // the group drains slowly: a thirtieth of the backlog every half second, about 200 messages a second
      AtomicInteger ticks = new AtomicInteger();
      ScheduledExecutorService drain = Executors.newSingleThreadScheduledExecutor();
      try {
        drain.scheduleAtFixedRate(() -> commit(admin, Math.min(1.0, ticks.incrementAndGet() / 30.0)),
            0, 500, TimeUnit.MILLISECONDS);
        await("back to normal").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(env.pipeline(NS, "fraud-scoring").getStatus().shed.levelName).isEqualTo("normal"));
      } finally {
        drain.shutdownNow();
      }
    }

    StreamingPipeline back = env.pipeline(NS, "fraud-scoring");
    assertThat(back.getStatus().phase).isEqualTo("Ready");
    assertThat(Conditions.find(back.getStatus().conditions, "Degraded").orElseThrow().getStatus()).isEqualTo("False");
    assertThat(back.getStatus().shed.changes).as("up, up, down, down: no flapping").hasSize(4);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(env.predictor(NS, "fraud-scoring")).as("the ModelVersion's own replicas again")
          .containsEntry("minReplicas", 2).containsEntry("maxReplicas", 6);
      assertThat(env.predictor(NS, "fraud-scoring-fraud-lite-v1")).as("the fallback is gone").isNull();
      assertThat(control().getData()).containsEntry("mode", "normal")
          .containsEntry("endpoint", "http://fraud-scoring." + NS + ".svc.cluster.local");
    });
    List<String> changes = env.events(NS).stream()
        .filter(e -> List.of("ConsumerLagHigh", "TriggersClear").contains(e.getReason()))
        .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage()).toList();
    assertThat(changes).hasSize(4);
    assertThat(changes.get(0)).startsWith("Warning ConsumerLagHigh: entered level 1/2 'scale-out'");
    assertThat(changes.get(1)).startsWith("Warning ConsumerLagHigh: entered level 2/2 'small-model'")
        .contains("all traffic on fallback ModelVersion fraud-lite-v1");
    assertThat(changes.get(2)).startsWith("Normal TriggersClear: stepped back to level 1 'scale-out'");
    assertThat(changes.get(3)).startsWith("Normal TriggersClear: stepped back to normal operation");
    assertThat(env.metrics()).contains("slipstream_shed_level{namespace=\"" + NS + "\",pipeline=\"fraud-scoring\"} 0.0");
    dev.slipstream.testkit.Reliability.record("Load", "a flood of 3,000 events on a pipeline whose consumer group drains"
        + " slowly", "climbed scale-out then the fallback model, stepped back after the cooldowns, 4 level changes, no flapping");
  }

  @Test
  void anInvalidEditOfThePolicyLeavesThePipelineWhereItIsUntilItIsFixed() throws Exception {
    String ns = "shed-frozen";
    applyExampleWithFastLadder(ns);
    var policies = env.client.resources(dev.slipstream.api.v1alpha1.ShedPolicy.class).inNamespace(ns).withName("fraud-shed");
    env.produce(ns + "-card-transactions", 500); // above scale-out's 100, below small-model's 1000
    await("scale-out").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(env.pipeline(ns, "fraud-scoring").getStatus().shed.levelName).isEqualTo("scale-out"));

    // a fallback that does not exist: the policy is refused, the pipeline keeps its level and its replicas
    policies.edit(p -> {
      p.getSpec().levels.get(1).downgrade.modelVersionRef.name = "fraud-missing";
      return p;
    });
    await("frozen").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var status = env.pipeline(ns, "fraud-scoring").getStatus();
      assertThat(status.shed.heldBack).contains("fraud-missing").contains("stays at its level");
      assertThat(Conditions.find(status.conditions, "Ready").orElseThrow().getReason()).isEqualTo("ShedPolicyInvalid");
    });
    try (Admin admin = env.kafka.admin()) {
      env.kafka.commitShare(admin, "slipstream." + ns + ".fraud-scoring", ns + "-card-transactions", 1.0);
      await("the lag is gone").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(env.pipeline(ns, "fraud-scoring").getStatus().shed.lag).isZero());
      await("held through cooldowns").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(env.pipeline(ns, "fraud-scoring").getStatus().shed.levelName).isEqualTo("scale-out");
        assertThat(env.predictor(ns, "fraud-scoring")).containsEntry("minReplicas", 5);
      });

      policies.edit(p -> {
        p.getSpec().levels.get(1).downgrade.modelVersionRef.name = "fraud-lite-v1";
        return p;
      });
      await("fixed: back to normal").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(env.pipeline(ns, "fraud-scoring").getStatus().shed.levelName).isEqualTo("normal");
        assertThat(env.predictor(ns, "fraud-scoring")).containsEntry("minReplicas", 2);
      });
    }

    // the pipeline drops its ShedPolicy: no ladder, no control, no fallback kept warm
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("fraud-scoring").edit(p -> {
      p.getSpec().serving.shedPolicyRef = null;
      return p;
    });
    await("no policy").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(env.pipeline(ns, "fraud-scoring").getStatus().shed).isNull();
      assertThat(env.client.configMaps().inNamespace(ns).withName("fraud-scoring-control").get()).isNull();
      assertThat(env.metrics()).doesNotContain("slipstream_shed_level{namespace=\"" + ns + "\"");
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void aKedaScaleOutHandsTheTritonReplicasToAScaledObjectOnTheLag() throws Exception {
    String ns = "shed-keda";
    env.applyTritonWithKedaScaleOut(ns, "2s");
    var deployment = env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v3");
    var scaledObject = env.client.genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject").inNamespace(ns)
        .withName("image-embeddings-serving");
    assertThat(scaledObject.get()).as("no ScaledObject at normal").isNull();

    env.produce(ns + "-uploaded-images", 500);
    await("a ScaledObject on the lag").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      GenericKubernetesResource scaled = scaledObject.get();
      assertThat(scaled).isNotNull();
      var spec = (Map<String, Object>) scaled.getAdditionalProperties().get("spec");
      assertThat((Map<String, Object>) spec.get("scaleTargetRef")).containsEntry("kind", "Deployment")
          .containsEntry("name", "image-embeddings-embedder-v3");
      assertThat(spec).containsEntry("minReplicaCount", 1).containsEntry("maxReplicaCount", 6);
      var trigger = ((List<Map<String, Object>>) spec.get("triggers")).get(0);
      assertThat(trigger).containsEntry("type", "kafka");
      assertThat((Map<String, Object>) trigger.get("metadata"))
          .containsEntry("consumerGroup", "slipstream." + ns + ".image-embeddings")
          .containsEntry("topic", ns + "-uploaded-images").containsEntry("lagThreshold", "100");
      assertThat(env.pipeline(ns, "image-embeddings").getStatus().shed.actions)
          .containsExactly("serving scaled by KEDA on the consumer lag, up to 6 replicas");
    });
    env.awaitReady(ns, "image-embeddings", true, "Ready");

    // KEDA refuses the ScaledObject: the scale-out the level asked for is not in effect, and the pipeline says so
    env.standIns.behave(dev.slipstream.testkit.StandInControllers.Kind.SCALED_OBJECT, ns, "image-embeddings-serving",
        dev.slipstream.testkit.StandInControllers.Behaviour.fail("ScaledObject doesn't have correct scaleTargetRef specification"));
    await("KEDA's refusal in the pipeline's conditions").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var conditions = env.pipeline(ns, "image-embeddings").getStatus().conditions;
      assertThat(Conditions.find(conditions, "Ready").orElseThrow().getStatus()).isEqualTo("False");
      assertThat(conditions).anySatisfy(c -> {
        assertThat(c.getReason()).isEqualTo("ScalingFailed");
        assertThat(c.getMessage()).contains("KEDA refused ScaledObject image-embeddings-serving: ScaledObjectCheckFailed,"
            + " ScaledObject doesn't have correct scaleTargetRef specification");
      });
    });
    // its twin: KEDA accepts it again
    env.standIns.behave(dev.slipstream.testkit.StandInControllers.Kind.SCALED_OBJECT, ns, "image-embeddings-serving",
        dev.slipstream.testkit.StandInControllers.Behaviour.READY);
    env.awaitReady(ns, "image-embeddings", true, "Ready");

    // the policy allows more: the ScaledObject follows
    env.client.resources(dev.slipstream.api.v1alpha1.ShedPolicy.class).inNamespace(ns).withName("keda-shed").edit(p -> {
      p.getSpec().levels.get(0).scaleOut.maxReplicas = 8;
      return p;
    });
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        (Map<String, Object>) scaledObject.get().getAdditionalProperties().get("spec")).containsEntry("maxReplicaCount", 8));

    // KEDA's HPA scales the Deployment; the operator leaves its replicas alone while the ScaledObject exists
    deployment.edit(d -> {
      d.getSpec().setReplicas(4);
      return d;
    });
    await("KEDA's replicas kept").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertThat(deployment.get().getSpec().getReplicas()).isEqualTo(4));

    try (Admin admin = env.kafka.admin()) {
      env.kafka.commitShare(admin, "slipstream." + ns + ".image-embeddings", ns + "-uploaded-images", 1.0);
    }
    await("normal again").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(env.pipeline(ns, "image-embeddings").getStatus().shed.levelName).isEqualTo("normal");
      assertThat(scaledObject.get()).isNull();
      assertThat(deployment.get().getSpec().getReplicas()).as("the ModelVersion's own replicas").isEqualTo(1);
    });
  }

  private static ConfigMap control() {
    return env.client.configMaps().inNamespace(NS).withName("fraud-scoring-control").get();
  }

  private static void commit(Admin admin, double share) {
    env.kafka.commitShare(admin, GROUP, TOPIC, share);
  }
}
