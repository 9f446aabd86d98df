package dev.slipstream.demo;

import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The reactions {@code make bench} times, each on the fraud example in a namespace of its own: a lag SLO
 * breached at a canary's first step until all traffic is back on the stable version, and a shed trigger until
 * the level's actions are written. Target for both: at most one interval plus 1 s.
 */
final class Reactions {
  /** The analysis and evaluation interval of both. */
  static final Duration INTERVAL = Duration.ofSeconds(5);

  private Reactions() {}

  /** One shed reaction: its time, the owned objects written (resource/name, sorted), status and Event writes. */
  record ShedReaction(double seconds, List<String> objectWrites, long statusWrites, long events) {}

  static ShedReaction triggerToAction(EmbeddedStack stack, String namespace) throws IOException {
    String input = createFraudExample(stack, namespace);
    stack.client.resources(dev.slipstream.api.v1alpha1.ShedPolicy.class).inNamespace(namespace).withName("fraud-shed")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"evaluationInterval\":\"" + INTERVAL.toSeconds()
            + "s\",\"recovery\":{\"cooldown\":\"1h\"},\"levels\":[{\"name\":\"scale-out\",\"triggers\":"
            + "{\"consumerLagAbove\":100},\"scaleOut\":{\"maxReplicas\":5}}]}}");
    var pipelines = stack.client.resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring");
    await().atMost(Duration.ofSeconds(60)).until(() -> pipelines.get().getStatus().shed != null
        && pipelines.get().getStatus().shed.next.stream().anyMatch(t -> t.bound == 100.0));
    var isvc = stack.client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService")
        .inNamespace(namespace).withName("fraud-scoring");
    int before = stack.api.writes().size();
    produce(stack, input, 1000);
    long breach = System.nanoTime();
    await().atMost(INTERVAL.multipliedBy(4)).pollInterval(Duration.ofMillis(20))
        .until(() -> Integer.valueOf(5).equals(predictor(isvc.get()).get("minReplicas")));
    double seconds = (System.nanoTime() - breach) / 1e9;
    await().atMost(Duration.ofSeconds(10)).until(() -> pipelines.get().getStatus().shed.level == 1);
    var writes = stack.api.writes().subList(before, stack.api.writes().size()).stream()
        .filter(w -> EmbeddedStack.OPERATOR_AGENT.equals(w.userAgent()) && w.path().contains("/namespaces/" + namespace + "/"))
        .map(w -> w.path().substring(w.path().indexOf("/namespaces/" + namespace + "/") + namespace.length() + 13))
        .toList();
    List<String> objects = writes.stream().filter(p -> !p.endsWith("/status") && !p.startsWith("events")).sorted().toList();
    return new ShedReaction(seconds, objects, writes.stream().filter(p -> p.endsWith("/status")).count(),
        writes.stream().filter(p -> p.startsWith("events")).count());
  }

  static double breachToRollback(EmbeddedStack stack, String namespace) throws IOException {
    return breachToRollback(stack, namespace, RolloutSpec.Split.request);
  }

  /**
   * A canary at 50% whose pipeline lag breaks the SLO: the time from the flood to no traffic on the candidate, read
   * where the split is made: KServe's canaryTrafficPercent (request), or the candidate's weight in the control
   * ConfigMap the job follows (key).
   */
  static double breachToRollback(EmbeddedStack stack, String namespace, RolloutSpec.Split split) throws IOException {
    String input = createFraudExample(stack, namespace);
    var pipelines = stack.client.resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring");
    stack.createFraudVersion(namespace, 2);
    pipelines.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"rollout\":{\"split\":\"" + split.name()
        + "\",\"canary\":{\"steps\":[50,100],\"interval\":\"" + INTERVAL.toSeconds()
        + "s\"},\"analysis\":{\"failureThreshold\":1}},\"serving\":{\"modelVersionRef\":{\"name\":"
        + "\"fraud-v2\"},\"slo\":{\"maxConsumerLag\":100}}}}");
    var isvc = stack.client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService")
        .inNamespace(namespace).withName("fraud-scoring");
    var control = stack.client.configMaps().inNamespace(namespace).withName("fraud-scoring-control");
    java.util.function.Supplier<Object> weight = split == RolloutSpec.Split.key
        ? () -> control.get() == null || control.get().getData() == null ? null
            : control.get().getData().get("candidate-weight")
        : () -> canaryPercent(isvc.get());
    Object atStep = split == RolloutSpec.Split.key ? "50" : Integer.valueOf(50);
    Object none = split == RolloutSpec.Split.key ? "0" : Integer.valueOf(0);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> atStep.equals(weight.get()));

    produce(stack, input, 1000);
    long breach = System.nanoTime();
    await().atMost(INTERVAL.multipliedBy(4)).pollInterval(Duration.ofMillis(20)).until(() -> none.equals(weight.get()));
    return (System.nanoTime() - breach) / 1e9;
  }

  private static Object canaryPercent(GenericKubernetesResource isvc) {
    return predictor(isvc).get("canaryTrafficPercent");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> predictor(GenericKubernetesResource isvc) {
    var spec = (Map<String, Object>) isvc.getAdditionalProperties().get("spec");
    return (Map<String, Object>) spec.get("predictor");
  }

  /** The fraud example in its own namespace with its own input topic, Ready; returns the input topic. */
  private static String createFraudExample(EmbeddedStack stack, String namespace) throws IOException {
    List<GenericKubernetesResource> objects = Manifests.withBootstrapServers(
        Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml")), stack.kafka.bootstrapServers());
    String input = namespace + "-card-transactions";
    for (GenericKubernetesResource o : objects) {
      o.getMetadata().setNamespace(namespace);
      if ("StreamingPipeline".equals(o.getKind())) {
        StreamingPipeline p = (StreamingPipeline) Manifests.typed(o);
        p.getSpec().topics.inputs.get(0).name = input;
        p.getSpec().topics.output.name = namespace + "-fraud-scores";
        stack.client.resource(p).create();
      } else {
        stack.client.resource(Manifests.typed(o)).create();
      }
    }
    var pipelines = stack.client.resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring");
    await().atMost(Duration.ofSeconds(60)).until(() -> pipelines.get().getStatus() != null
        && Conditions.isTrue(pipelines.get().getStatus().conditions, "Ready"));
    return input;
  }

  private static void produce(EmbeddedStack stack, String topic, int records) {
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.kafka.bootstrapServers());
    try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, "card-" + i, "{\"amount\": " + i + "}"));
      }
      producer.flush();
    }
  }
}
