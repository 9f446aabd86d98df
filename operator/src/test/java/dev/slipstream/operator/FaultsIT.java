package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Faults a production operator meets: the API server refusing a share of its writes with 409 and 500, and
 * the operator process stopping in the middle of a rollout. After each, the pipeline converges, the rollout
 * resumes at its step, and no action is lost or repeated.
 */
class FaultsIT extends WithOperator {
  private static void applyExample(String namespace) {
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, namespace);
    env.apply(objects);
  }

  private static void rollTo(String namespace, String version, Integer... steps) {
    env.client.resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", Map.of(
            "rollout", OperatorFixture.fastRollout(steps), "serving", Map.of("modelVersionRef", Map.of("name", version))))));
  }

  /** The fraud example Ready in {@code namespace}, fraud-v2 rolling out in steps 20, 60, 100, now at {@code weight}. */
  private static void canaryAt(String namespace, int weight) {
    applyExample(namespace);
    env.awaitReady(namespace, "fraud-scoring", true, "Ready");
    env.createFraudV2(namespace);
    rollTo(namespace, "fraud-v2", 20, 60, 100);
    await("canary at " + weight + "%").atMost(Duration.ofSeconds(60)).until(() -> {
      var r = env.pipeline(namespace, "fraud-scoring").getStatus().rollout;
      return "Canary".equals(r.phase) && Integer.valueOf(weight).equals(r.weight);
    });
  }

  private static long events(String namespace, String reason) {
    return env.events(namespace).stream().filter(e -> reason.equals(e.getReason())).count();
  }

  @Test
  void aQuarterOfTheWritesRefusedDelaysButDoesNotBreakProvisioningOrARollout() {
    String ns = "api-faults";
    env.api.failWrites(OperatorFixture.OPERATOR_AGENT, 0.25, 42);
    try {
      applyExample(ns);
      env.awaitReady(ns, "fraud-scoring", true, "Ready");
      env.createFraudV2(ns);
      rollTo(ns, "fraud-v2", 50, 100);
      await("promoted despite the faults").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
        var rollout = env.pipeline(ns, "fraud-scoring").getStatus().rollout;
        assertThat(rollout.phase).as(rollout.message).isEqualTo("Succeeded");
      });
      assertThat(env.api.injectedFaults()).as("faults injected (seeded: the same ones every run)").isGreaterThanOrEqualTo(3);
    } finally {
      env.api.failWrites(OperatorFixture.OPERATOR_AGENT, 0, 0);
    }
    assertThat(env.pipeline(ns, "fraud-scoring").getStatus().model).isEqualTo("fraud-v2@2");
    var predictor = env.predictor(ns, "fraud-scoring");
    assertThat(((Map<?, ?>) predictor.get("model")).get("storageUri")).isEqualTo("s3://models/fraud/2");
    assertThat(predictor.getOrDefault("canaryTrafficPercent", 100)).as("all traffic on fraud-v2").isEqualTo(100);
    assertThat(events(ns, "RolloutStarted")).as("one rollout, started once").isEqualTo(1);
    // a decision's Events are recorded after its status
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(ns, "RolloutSucceeded")).isEqualTo(1));
    dev.slipstream.testkit.Reliability.record("Faults", "the API server refusing a quarter of the operator's writes"
        + " (409 and 500) through provisioning and a canary", "pipeline Ready, candidate promoted, each rollout Event once");
  }

  @Test
  void anOperatorStoppedMidRolloutResumesAtItsStep() {
    String ns = "restart";
    canaryAt(ns, 60);
    env.stopOperator();
    var atStop = env.pipeline(ns, "fraud-scoring").getStatus().rollout;
    env.startOperator();

    // the new process reads where the rollout stands from status: it goes on from 60%, never back to 20%
    List<Integer> weights = new java.util.ArrayList<>();
    await("promoted after the restart").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var r = env.pipeline(ns, "fraud-scoring").getStatus().rollout;
      if (r.weight != null && (weights.isEmpty() || !weights.get(weights.size() - 1).equals(r.weight))) {
        weights.add(r.weight);
      }
      assertThat(r.phase).isEqualTo("Succeeded");
    });
    assertThat(atStop.stepIndex).isEqualTo(1);
    assertThat(weights).as("weights seen after the restart").doesNotContain(20);
    assertThat(events(ns, "RolloutStarted")).as("the restart did not start the rollout again").isEqualTo(1);
    assertThat(env.events(ns).stream().filter(e -> "CanaryStepAdvanced".equals(e.getReason())).map(Event::getMessage)
        .filter(m -> m.startsWith("canary at 60%")).count()).as("step 2 entered once").isEqualTo(1);
    dev.slipstream.testkit.Reliability.record("Faults", "the operator process stopped at a canary's second step and"
        + " started again", "the rollout resumed at that step and was promoted; no step repeated, none skipped");
  }

  @Test
  void kafkaStoppedMidCanaryHoldsTheStepAndTheRolloutGoesOnWhenItIsBack() throws Exception {
    String ns = "kafka-canary";
    canaryAt(ns, 20);
    env.kafka.stop();
    try {
      // the lag cannot be read: the check has no data, and under noData hold the step holds, no rollback
      await("holding without data").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(env.pipeline(ns, "fraud-scoring").getStatus().rollout.message).startsWith("holding:")
              .contains("consumer lag: no data"));
      var held = env.pipeline(ns, "fraud-scoring").getStatus().rollout;
      assertThat(held.phase).isEqualTo("Canary");
      assertThat(held.weight).isEqualTo(20);
      assertThat(env.predictor(ns, "fraud-scoring").get("canaryTrafficPercent")).isEqualTo(20);
    } finally {
      env.kafka.restart();
    }
    await("promoted once Kafka is back").atMost(Duration.ofSeconds(90)).untilAsserted(() ->
        assertThat(env.pipeline(ns, "fraud-scoring").getStatus().rollout.phase).isEqualTo("Succeeded"));
    try (var admin = env.kafka.admin()) {
      assertThat(admin.listTopics().names().get(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("no topic deleted").contains(ns + "-card-transactions", ns + "-fraud-scores", ns + "-fraud-scores.late");
    }
    assertThat(events(ns, "RolloutStarted")).isEqualTo(1);
    assertThat(env.events(ns)).as("no warning: nothing failed, nothing rolled back").noneMatch(e -> "Warning".equals(e.getType())
        && !"KafkaUnavailable".equals(e.getReason()) && !e.getReason().startsWith("Topics"));
    dev.slipstream.testkit.Reliability.record("Faults", "the Kafka broker stopped during a canary, then restarted",
        "the step held without data (no rollback), the rollout went on once Kafka was back and was promoted; no topic deleted");
  }
}
