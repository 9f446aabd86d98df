package dev.slipstream.demo;

import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Slipstream on one machine, no cluster: a Kubernetes API server (fabric8's, with the CRDs and admission),
 * a real single-node Kafka broker, stand-ins for KServe, the Flink operator, Strimzi and the Deployment
 * controller, and the real operator. It applies every file in examples/, writes events to an input topic,
 * and prints what the operator made of it. {@code --keep-running} leaves it all up for kubectl.
 */
public final class Demo {
  private static final PrintStream OUT = System.out;

  private Demo() {}

  public static void main(String[] args) throws Exception {
    boolean keepRunning = List.of(args).contains("--keep-running");
    try (EmbeddedStack stack = new EmbeddedStack(Map.of("SLIPSTREAM_RESYNC", "2s", "SLIPSTREAM_METRICS_PORT", "0",
        "SLIPSTREAM_LEADER_ELECTION", "false"))) {
      EmbeddedKafka kafka = stack.kafka;
      TestApiServer api = stack.api;
      KubernetesClient client = api.client();
      OUT.printf("%nKafka broker %s and API server %s are up; the operator is running.%n", kafka.bootstrapServers(), api.url());

      // the Triton example reads its Kafka client properties from a Secret
      client.resource(new SecretBuilder().withNewMetadata().withName("kafka-client").withNamespace("vision").endMetadata()
          .withStringData(Map.of("security.protocol", "PLAINTEXT")).build()).create();
      List<StreamingPipeline> applied = new ArrayList<>();
      for (var file : Manifests.examplesFiles()) {
        OUT.printf("kubectl apply -f examples/%s%n", file.getFileName());
        for (GenericKubernetesResource o : Manifests.withBootstrapServers(Manifests.read(file), kafka.bootstrapServers())) {
          HasMetadata created = client.resource(Manifests.typed(o)).create();
          OUT.printf("  %s/%s created in %s%n", o.getKind().toLowerCase(), o.getMetadata().getName(), o.getMetadata().getNamespace());
          if (created instanceof StreamingPipeline p) {
            applied.add(p);
          }
        }
      }
      for (StreamingPipeline p : applied) {
        await("pipeline " + p.getMetadata().getName() + " Ready").atMost(Duration.ofSeconds(90))
            .until(() -> ready(get(client, p)));
      }
      produce(kafka, "card-transactions", 250);
      await("lag of 250 events on card-transactions").atMost(Duration.ofSeconds(30))
          .until(() -> Long.valueOf(250).equals(get(client, applied.get(0)).getStatus().consumerLag)
              || applied.stream().anyMatch(p -> Long.valueOf(250).equals(get(client, p).getStatus().consumerLag)));

      OUT.printf("%n$ kubectl get streamingpipelines,modelversions,shedpolicies -A%n");
      printPipelines(client);
      printModels(client);
      printPolicies(client);
      for (StreamingPipeline p : applied) {
        printDetail(client, get(client, p));
      }
      printTopics(kafka);
      rollouts(client);
      ladder(client, kafka);
      if (keepRunning) {
        OUT.printf("%nStill running. Try: kubectl --server=%s --insecure-skip-tls-verify get sp -A   (Ctrl-C stops)%n", api.url());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
    }
    OUT.println("\nDemo finished: everything above was made by the operator against a real Kafka broker.");
    System.exit(0);
  }

  /** Two rollouts of the fraud model, printed as a timeline: a healthy one, then one the lag SLO rolls back. */
  private static void rollouts(KubernetesClient client) {
    ModelVersion v1 = client.resources(ModelVersion.class).inNamespace("payments").withName("fraud-v1").get();
    for (String version : List.of("2", "3")) {
      ModelVersion next = new ModelVersion();
      next.getMetadata().setName("fraud-v" + version);
      next.getMetadata().setNamespace("payments");
      next.setSpec(v1.getSpec());
      next.getSpec().version = version;
      next.getSpec().storageUri = "s3://models/fraud/" + version;
      client.resource(next).create();
    }
    OUT.printf("%n$ kubectl patch sp fraud-scoring -n payments  (modelVersionRef fraud-v2; canary 25, 50, 100%% every 5s)%n");
    patch(client, "{\"spec\":{\"rollout\":{\"canary\":{\"steps\":[25,50,100],\"interval\":\"5s\"}},"
        + "\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"}}}}");
    timeline(client, "Succeeded");
    OUT.printf("%n$ kubectl patch sp fraud-scoring -n payments  (modelVersionRef fraud-v3; lag SLO lowered to 100,"
        + " below the 250 events waiting)%n");
    patch(client, "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v3\"},\"slo\":{\"maxConsumerLag\":100}}}}");
    timeline(client, "RolledBack");
    StreamingPipeline p = client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get();
    for (String type : List.of("Ready", "Progressing", "RolledBack", "Degraded")) {
      Conditions.find(p.getStatus().conditions, type).ifPresent(c ->
          OUT.printf("  %-12s %-6s %-16s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
    }
  }

  /**
   * The fraud pipeline's ShedPolicy under a flood: load rises, the pipeline climbs the ladder one level per
   * evaluation; its consumer group then catches up and it steps back down after each cooldown.
   */
  private static void ladder(KubernetesClient client, EmbeddedKafka kafka) throws Exception {
    OUT.printf("%n$ kubectl patch sp fraud-scoring -n payments  (modelVersionRef back to fraud-v2, as Git reverts it)%n");
    patch(client, "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"}}}}");
    await("fraud-v2 serving alone").atMost(Duration.ofSeconds(60)).until(() -> {
      var status = fraud(client).getStatus();
      return "Idle".equals(status.rollout.phase) && "fraud-v2".equals(status.rollout.stable) && ready(fraud(client));
    });
    OUT.printf("%n$ kubectl patch shed fraud-shed -n payments  (evaluated every 1s; lag above 1000 scales out, above"
        + " 5000 moves to fraud-lite-v1, above 20000 sheds; 4s cooldown)%n");
    client.resources(ShedPolicy.class).inNamespace("payments").withName("fraud-shed")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"evaluationInterval\":\"1s\",\"recovery\":{\"cooldown\":\"4s\",\"maxChangesPerWindow\":8},\"levels\":["
                + "{\"name\":\"scale-out\",\"triggers\":{\"consumerLagAbove\":1000},\"scaleOut\":{\"maxReplicas\":12}},"
                + "{\"name\":\"small-model\",\"triggers\":{\"consumerLagAbove\":5000},"
                + "\"downgrade\":{\"modelVersionRef\":{\"name\":\"fraud-lite-v1\"},\"keepWarm\":true}},"
                + "{\"name\":\"shed\",\"triggers\":{\"consumerLagAbove\":20000},"
                + "\"shed\":{\"containerConcurrency\":8,\"fallbackResult\":\"{\\\"score\\\": 0.5}\"}}]}}");
    String group = get(client, fraud(client)).getStatus().consumerGroup;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      kafka.commitShare(admin, group, "card-transactions", 1.0);
      OUT.printf("The job's group %s has caught up; now a flood of 30000 events arrives.%n", group);
      produce(kafka, "card-transactions", 30_000);
      String[] last = {"", ""};
      ladderTimeline(client, "shed", last);
      OUT.printf("%nThe group catches up, a tenth of the backlog per second.%n");
      var drain = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
      int[] ticks = {0};
      drain.scheduleAtFixedRate(() -> kafka.commitShare(admin, group, "card-transactions", Math.min(1.0, ++ticks[0] / 10.0)),
          0, 1, TimeUnit.SECONDS);
      try {
        ladderTimeline(client, "normal", last);
      } finally {
        drain.shutdownNow();
      }
    }
  }

  private static StreamingPipeline fraud(KubernetesClient client) {
    return client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get();
  }

  /** Prints each level change with its trigger values, the serving replicas and the job's mode, until {@code level}. */
  private static void ladderTimeline(KubernetesClient client, String level, String[] last) {
    long start = System.nanoTime();
    await("shed level " + level).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
      var shed = fraud(client).getStatus().shed;
      if (shed == null) {
        return false;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> predictor = (Map<String, Object>) ((Map<String, Object>) client
          .genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace("payments")
          .withName("fraud-scoring").get().getAdditionalProperties().get("spec")).get("predictor");
      var control = client.configMaps().inNamespace("payments").withName("fraud-scoring-control").get();
      String line = String.format("%-12s lag %6s  replicas %2s  job mode %s", shed.levelName, shed.lag,
          predictor.get("minReplicas"), control == null ? "" : control.getData().get("mode"));
      if (!line.equals(last[0])) {
        OUT.printf("  +%5.1fs  %s%n", (System.nanoTime() - start) / 1e9, line);
        last[0] = line;
      }
      if (shed.message != null && !shed.message.equals(last[1])) {
        OUT.printf("           %s%n", shed.message);
        last[1] = shed.message;
      }
      return level.equals(shed.levelName);
    });
  }

  private static void patch(KubernetesClient client, String json) {
    client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), json);
  }

  /** Prints each change of the rollout's phase, weight or message until it reaches {@code phase}. */
  private static void timeline(KubernetesClient client, String phase) {
    long start = System.nanoTime();
    String[] last = {""};
    await("rollout " + phase).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
      var r = client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get().getStatus().rollout;
      if (r == null) {
        return false;
      }
      String line = String.format("%-11s %4s  %s", r.phase, r.weight == null ? "" : r.weight + "%", r.message);
      if (!line.equals(last[0])) {
        OUT.printf("  +%5.1fs  %s%n", (System.nanoTime() - start) / 1e9, line);
        last[0] = line;
      }
      return phase.equals(r.phase);
    });
  }

  private static StreamingPipeline get(KubernetesClient client, StreamingPipeline p) {
    return client.resources(StreamingPipeline.class).inNamespace(p.getMetadata().getNamespace())
        .withName(p.getMetadata().getName()).get();
  }

  private static boolean ready(StreamingPipeline p) {
    return p != null && p.getStatus() != null && Conditions.isTrue(p.getStatus().conditions, Conditions.READY);
  }

  private static void produce(EmbeddedKafka kafka, String topic, int events) {
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < events; i++) {
        producer.send(new ProducerRecord<>(topic, "card-" + (i % 17),
            "{\"event_time\": " + (System.currentTimeMillis() - i * 10L) + ", \"amount\": " + (i % 90 + 10) + "}"));
      }
      producer.flush();
    }
    OUT.printf("%nProduced %d card transactions to %s; nothing consumes them here, so the pipeline's lag grows.%n", events, topic);
  }

  private static void printPipelines(KubernetesClient client) {
    OUT.printf("%n%-12s %-34s %-6s %-10s %-14s %s%n", "NAMESPACE", "NAME", "READY", "PHASE", "MODEL", "LAG");
    for (StreamingPipeline p : client.resources(StreamingPipeline.class).inAnyNamespace().list().getItems()) {
      var s = p.getStatus();
      OUT.printf("%-12s %-34s %-6s %-10s %-14s %s%n", p.getMetadata().getNamespace(), "streamingpipeline/" + p.getMetadata().getName(),
          ready(p) ? "True" : "False", s == null ? "" : s.phase, s == null ? "" : s.model, s == null || s.consumerLag == null ? "" : s.consumerLag);
    }
  }

  private static void printModels(KubernetesClient client) {
    OUT.printf("%n%-12s %-34s %-6s %-12s %s%n", "NAMESPACE", "NAME", "READY", "RUNTIME", "SERVED BY");
    for (ModelVersion m : client.resources(ModelVersion.class).inAnyNamespace().list().getItems()) {
      var ready = m.getStatus() == null ? null : Conditions.find(m.getStatus().conditions, Conditions.READY).orElse(null);
      OUT.printf("%-12s %-34s %-6s %-12s %s%n", m.getMetadata().getNamespace(), "modelversion/" + m.getMetadata().getName(),
          ready == null ? "" : ready.getStatus(), m.getSpec().runtime.wireName(),
          m.getStatus() == null ? "" : String.join(",", m.getStatus().servedBy));
    }
  }

  private static void printPolicies(KubernetesClient client) {
    OUT.printf("%n%-12s %-34s %-6s %s%n", "NAMESPACE", "NAME", "READY", "LEVELS");
    for (ShedPolicy s : client.resources(ShedPolicy.class).inAnyNamespace().list().getItems()) {
      var ready = s.getStatus() == null ? null : Conditions.find(s.getStatus().conditions, Conditions.READY).orElse(null);
      OUT.printf("%-12s %-34s %-6s %s%n", s.getMetadata().getNamespace(), "shedpolicy/" + s.getMetadata().getName(),
          ready == null ? "" : ready.getStatus(), s.getStatus() == null ? "" : s.getStatus().levels);
    }
  }

  private static void printDetail(KubernetesClient client, StreamingPipeline p) {
    String ns = p.getMetadata().getNamespace();
    OUT.printf("%n$ kubectl describe streamingpipeline %s -n %s   (status)%n", p.getMetadata().getName(), ns);
    for (Condition c : p.getStatus().conditions) {
      OUT.printf("  %-14s %-6s %-18s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage());
    }
    OUT.printf("  endpoint: %s%n  consumer group: %s, lag %s%n", p.getStatus().endpoint, p.getStatus().consumerGroup,
        p.getStatus().consumerLag);
    OUT.printf("  owned objects:%n");
    Map<String, String> owned = new TreeMap<>();
    for (var kind : List.of(List.of("serving.kserve.io/v1beta1", "InferenceService"), List.of("flink.apache.org/v1beta1", "FlinkDeployment"),
        List.of("kafka.strimzi.io/v1", "KafkaTopic"), List.of("gateway.networking.k8s.io/v1", "HTTPRoute"),
        List.of("apps/v1", "Deployment"), List.of("v1", "Service"))) {
      for (var o : client.genericKubernetesResources(kind.get(0), kind.get(1)).inNamespace(ns).list().getItems()) {
        if (o.getMetadata().getOwnerReferences().stream().anyMatch(r -> r.getUid().equals(p.getMetadata().getUid()))) {
          owned.put(kind.get(1) + "/" + o.getMetadata().getName(), kind.get(0));
        }
      }
    }
    owned.forEach((name, apiVersion) -> OUT.printf("    %-50s %s%n", name, apiVersion));
  }

  private static void printTopics(EmbeddedKafka kafka) throws Exception {
    OUT.printf("%n$ kafka-topics --describe   (the real broker at %s)%n", kafka.bootstrapServers());
    try (Admin admin = kafka.admin()) {
      var names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      new TreeMap<>(admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS))
          .forEach((name, d) -> OUT.printf("  %-28s partitions=%d%n", name, d.partitions().size()));
    }
  }
}
