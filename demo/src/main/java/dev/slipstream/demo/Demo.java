package dev.slipstream.demo;

import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.job.Json;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.EmbeddedPrometheus;
import dev.slipstream.testkit.KafkaTopics;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Slipstream on one machine, no cluster: a Kubernetes API server (fabric8's, with the CRDs and admission),
 * a real single-node Kafka broker, stand-ins for KServe, the Flink operator, Strimzi and the Deployment
 * controller, and the real operator. It applies every file in examples/, writes events to an input topic,
 * and prints what the operator made of it. {@code --keep-running} leaves it all up for kubectl.
 */
public final class Demo {
  /**
   * The flood comes in bursts of this many transactions, as fast as the producer writes them, until the pipeline
   * sheds: a fixed number was a bet on the job's speed (30,000 were drained at the second level on a quiet run, and
   * the demo waited in vain for 'shed'), while a producer always writes faster than the job scores.
   */
  static final int FLOOD_BURST = 10_000;
  /** The most the flood sends before the demo gives up on reaching the shed level. */
  static final int FLOOD_MAX = 2_000_000;

  private static final PrintStream OUT = System.out;

  private Demo() {}

  public static void main(String[] args) throws Exception {
    boolean keepRunning = List.of(args).contains("--keep-running");
    Path work = Files.createTempDirectory("slipstream-demo");
    // the jobs' metrics (one /metrics per process) and, where a Prometheus binary is at hand, a real Prometheus on them
    int jobMetricsPort = JobMetrics.get(0).port();
    EmbeddedPrometheus prometheus = EmbeddedPrometheus.available() ? EmbeddedPrometheus.start(jobMetricsPort) : null;
    Map<String, String> settings = new java.util.HashMap<>(Map.of("SLIPSTREAM_RESYNC", "2s", "SLIPSTREAM_METRICS_PORT", "0",
        "SLIPSTREAM_LEADER_ELECTION", "false"));
    if (prometheus != null) {
      settings.put("SLIPSTREAM_PROMETHEUS_URL", prometheus.url());
    }
    try (EmbeddedStack stack = new EmbeddedStack(settings);
        LocalServing serving = new LocalServing(stack.client, "payments", MODEL_LATENCY_MS);
        LocalFlink flink = new LocalFlink(stack.client, "payments", serving, work).reportingTo(stack.flinkReports("payments"))) {
      serving.disagree("fraud-v4", 10); // a retrained model that decides otherwise on a tenth of the cards
      EmbeddedKafka kafka = stack.kafka;
      TestApiServer api = stack.api;
      KubernetesClient client = api.client();
      OUT.printf("%nKafka broker %s and API server %s are up; the operator is running.%n", kafka.bootstrapServers(), api.url());
      OUT.printf("Prometheus: %s%n", prometheus == null
          ? "not found (set PROMETHEUS_BIN or install it): rollouts judge consumer lag only"
          : prometheus.url() + ", scraping the jobs' /metrics; rollouts judge p99 latency and errors from it too");

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
      step = "the examples becoming Ready";
      try {
        for (StreamingPipeline p : applied) {
          await("pipeline " + p.getMetadata().getName() + " Ready").atMost(Duration.ofSeconds(90))
              .until(() -> ready(get(client, p)));
        }
        await("the fraud pipeline's job").atMost(Duration.ofSeconds(60)).until(() -> flink.running().contains("fraud-scoring"));
        OUT.printf("%nThe fraud pipeline's Flink job runs in this process (a MiniCluster) with the contract the operator wrote"
            + " into its FlinkDeployment;%nmodel servers answer for the InferenceServices. Card transactions arrive, %d a second.%n",
            FEED_PER_SECOND);
        try (EventFeed feed = EventFeed.start(kafka.bootstrapServers(), "card-transactions", FEED_PER_SECOND)) {
          step = "the first results";
          printResults(kafka, 30);

          OUT.printf("%n$ kubectl get streamingpipelines,modelversions,shedpolicies -A%n");
          printPipelines(client);
          printModels(client);
          printPolicies(client);
          for (StreamingPipeline p : applied) {
            printDetail(client, get(client, p));
          }
          printTopics(kafka);
          step = "the rollouts";
          rollouts(client, prometheus != null);
          step = "the shed ladder";
          ladder(client, feed);
          feed.stop();
          step = "the count of records out";
          accounting(client, kafka, feed);
          batches(serving.batchSizes());
        }
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        stopped(client, e); // which step could not finish, and every pipeline's status
        System.exit(1);
      }
      if (keepRunning) {
        OUT.printf("%nStill running. Try: kubectl --server=%s --insecure-skip-tls-verify get sp -A   (Ctrl-C stops)%n", api.url());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
    } finally {
      if (prometheus != null) {
        prometheus.close();
      }
    }
    OUT.println("\nDemo finished: everything above was made by the operator and the job against a real Kafka broker.");
    System.exit(0);
  }

  /** The step the demo is at, for the message when one cannot finish. */
  private static volatile String step = "starting";

  /** Says which step could not finish and what the demo saw last: each pipeline's status. */
  private static void stopped(KubernetesClient client, org.awaitility.core.ConditionTimeoutException e) {
    OUT.printf("%nThe demo stopped at %s: %s%nWhat it saw last:%n", step, e.getMessage());
    try {
      printPipelines(client);
      for (StreamingPipeline p : client.resources(StreamingPipeline.class).inAnyNamespace().list().getItems()) {
        if (p.getStatus() != null) {
          printDetail(client, p);
          OUT.printf("  rollout: %s%n  shed: %s%n", io.fabric8.kubernetes.client.utils.Serialization.asJson(p.getStatus().rollout),
              io.fabric8.kubernetes.client.utils.Serialization.asJson(p.getStatus().shed));
        }
      }
    } catch (RuntimeException unreadable) {
      OUT.printf("(the API server could not be read: %s)%n", unreadable.getMessage());
    }
  }

  private static final int FEED_PER_SECOND = 40;
  /** How long each ModelVersion takes to answer here; fraud-v3 is the slow one. */
  private static final Map<String, Double> MODEL_LATENCY_MS = Map.of("fraud-v1", 5.0, "fraud-v2", 4.0, "fraud-v3", 150.0,
      "fraud-v4", 4.0, "fraud-lite-v1", 2.0);

  /** A few of the job's results as they land on fraud-scores. */
  private static void printResults(EmbeddedKafka kafka, int atLeast) {
    List<JsonNode> results = new ArrayList<>();
    await("results on fraud-scores").atMost(Duration.ofSeconds(60)).until(() -> {
      results.clear();
      KafkaTopics.read(kafka.bootstrapServers(), "fraud-scores", true).forEach(r -> results.add(Json.readOrText(r.value())));
      return results.size() >= atLeast;
    });
    OUT.printf("%n$ kafka-console-consumer --topic fraud-scores --isolation-level read_committed   (%d results so far; three of them)%n",
        results.size());
    for (JsonNode r : results.subList(results.size() - 3, results.size())) {
      OUT.printf("  %s %s score %.3f by %s/%s in %d ms, features %s%n", r.path("eventId").asText(), r.path("key").asText(),
          r.path("score").asDouble(), r.path("modelName").asText(), r.path("modelVersion").asText(), r.path("latencyMs").asLong(),
          r.path("features"));
    }
  }

  /** Every transaction written has exactly one record out: a result (scored or fallback) or a late record. */
  private static void accounting(KubernetesClient client, EmbeddedKafka kafka, EventFeed feed) {
    String group = fraud(client).getStatus().consumerGroup;
    try (Admin admin = kafka.admin()) {
      await("the job to catch up").atMost(Duration.ofSeconds(120)).until(() -> KafkaTopics.lag(admin, group, "card-transactions") == 0);
    }
    List<JsonNode> results = new ArrayList<>();
    await("every result committed").atMost(Duration.ofSeconds(60)).until(() -> {
      results.clear();
      KafkaTopics.read(kafka.bootstrapServers(), "fraud-scores", true).forEach(r -> results.add(Json.readOrText(r.value())));
      KafkaTopics.read(kafka.bootstrapServers(), "fraud-scores.late", true).forEach(r -> results.add(Json.readOrText(r.value())));
      return results.size() >= feed.sent();
    });
    Map<String, Long> byKind = new TreeMap<>();
    results.forEach(r -> byKind.merge(r.path("kind").asText() + (r.path("kind").asText().equals("scored")
        ? " by " + r.path("modelName").asText() + "/" + r.path("modelVersion").asText() : ""), 1L, Long::sum));
    long distinct = results.stream().map(r -> r.path("eventId").asText()).distinct().count();
    OUT.printf("%n%d card transactions in; %d records out, one per transaction (%d distinct ids): %s%n", feed.sent(),
        results.size(), distinct, byKind);
  }

  /** The batches the job sent, as the model servers saw them: events gathered per version, up to the model's size. */
  private static void batches(Map<Integer, Long> sizes) {
    long requests = sizes.values().stream().mapToLong(Long::longValue).sum();
    long events = sizes.entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum();
    Map<String, Long> buckets = new java.util.LinkedHashMap<>();
    sizes.forEach((size, count) -> {
      int upper = Integer.highestOneBit(size) == size ? size : Integer.highestOneBit(size) * 2;
      int lower = upper == 1 ? 1 : upper / 2 + 1;
      buckets.merge(lower == upper ? String.valueOf(upper) : lower + "-" + upper, count, Long::sum);
    });
    OUT.printf("%d inference requests carried %d events, %.1f a request on average (requests by events in them: %s)%n",
        requests, events, events / (double) Math.max(1, requests), buckets);
  }

  /**
   * Three rollouts of the fraud model, printed as a timeline: a healthy one, replayed then promoted; one that
   * disagrees with the stable version, rejected by its replay before any live traffic; one its SLO rolls back live.
   */
  private static void rollouts(KubernetesClient client, boolean latencyJudged) {
    ModelVersion v1 = client.resources(ModelVersion.class).inNamespace("payments").withName("fraud-v1").get();
    for (String version : List.of("2", "3", "4")) {
      ModelVersion next = new ModelVersion();
      next.getMetadata().setName("fraud-v" + version);
      next.getMetadata().setNamespace("payments");
      next.setSpec(v1.getSpec());
      next.getSpec().version = version;
      next.getSpec().storageUri = "s3://models/fraud/" + version;
      client.resource(next).create();
    }
    // a level the demo's cold start may enter (its first answers can be slow while the JVM warms) holds a rollout
    // until the level is left, which the example's 5m cooldown would make minutes
    OUT.printf("%n$ kubectl patch shed fraud-shed -n payments  (recovery cooldown 10s instead of 5m: a level entered while"
        + " this JVM warms up holds rollouts until it is left)%n");
    client.resources(ShedPolicy.class).inNamespace("payments").withName("fraud-shed")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"recovery\":{\"cooldown\":\"10s\",\"maxChangesPerWindow\":16}}}");
    OUT.printf("%n$ kubectl patch sp fraud-scoring -n payments  (modelVersionRef fraud-v2; first a replay of the last 10m"
        + " of retained transactions, judged against fraud-v1's decisions for them; then the canary split by key in the"
        + " job, the reference job's default: 10, 50, 100%% of the cards every 5s, each card staying on its version)%n");
    patch(client, "{\"spec\":{\"rollout\":{\"replay\":{\"window\":\"10m\"},\"canary\":{\"steps\":[10,50,100],"
        + "\"interval\":\"5s\"}},\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"}}}}");
    timeline(client, "Succeeded");
    printReplay(client);
    OUT.printf("%n$ kubectl patch sp fraud-scoring -n payments  (modelVersionRef fraud-v4, retrained: it decides otherwise"
        + " on about a tenth of the cards)%n");
    patch(client, "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v4\"}}}}");
    timeline(client, "RolledBack");
    printReplay(client);
    OUT.printf("%n$ kubectl patch sp fraud-scoring -n payments  (modelVersionRef back to fraud-v2, as Git reverts it)%n");
    patch(client, "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"}}}}");
    timeline(client, "Idle");
    if (!latencyJudged) {
      // the lag is judged against its baseline: a 150 ms model on a tenth of 40 events a second does not make it grow
      OUT.printf("%nWithout Prometheus only the pipeline's lag is judged, and a slow model that the job keeps up with"
          + " does not make it grow: install Prometheus (or set PROMETHEUS_BIN) to see fraud-v3 rolled back on its own p99.%n");
      return;
    }
    OUT.printf("%n$ kubectl patch sp fraud-scoring -n payments  (modelVersionRef fraud-v3, which answers in 150 ms;"
        + " p99 SLO 100 ms; no replay this time, to show a rollback on live numbers: it gets 10%% of the cards)%n");
    patch(client, "{\"spec\":{\"rollout\":{\"replay\":null},\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v3\"},"
        + "\"slo\":{\"p99LatencyMs\":100}}}}");
    timeline(client, "RolledBack");
    StreamingPipeline p = client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get();
    for (String type : List.of("Ready", "Progressing", "RolledBack", "Degraded")) {
      Conditions.find(p.getStatus().conditions, type).ifPresent(c ->
          OUT.printf("  %-12s %-6s %-16s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
    }
  }

  /**
   * The fraud pipeline's ShedPolicy under a flood: the real job falls behind, the pipeline climbs the ladder one
   * level per evaluation (the job moves to the small model, then answers with the fallback at once); it catches
   * up and steps back down after each cooldown.
   */
  private static void ladder(KubernetesClient client, EventFeed feed) {
    OUT.printf("%n$ kubectl patch sp fraud-scoring -n payments  (modelVersionRef back to fraud-v2 and the example's SLOs, as Git"
        + " reverts it)%n");
    patch(client, "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"},\"slo\":{\"p99LatencyMs\":250,"
        + "\"maxConsumerLag\":10000}}}}");
    await("fraud-v2 serving alone").atMost(Duration.ofSeconds(60)).until(() -> {
      var status = fraud(client).getStatus();
      return List.of("Idle", "Succeeded").contains(status.rollout.phase) && "fraud-v2".equals(status.rollout.stable)
          && ready(fraud(client));
    });
    OUT.printf("%n$ kubectl patch shed fraud-shed -n payments  (evaluated every 1s; lag above 1000 scales out, above"
        + " 5000 moves to fraud-lite-v1, above 20000 sheds; 4s cooldown)%n");
    client.resources(ShedPolicy.class).inNamespace("payments").withName("fraud-shed")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"evaluationInterval\":\"1s\",\"recovery\":{\"cooldown\":\"4s\",\"maxChangesPerWindow\":16},\"levels\":["
                + "{\"name\":\"scale-out\",\"triggers\":{\"consumerLagAbove\":1000},\"scaleOut\":{\"maxReplicas\":12}},"
                + "{\"name\":\"small-model\",\"triggers\":{\"consumerLagAbove\":5000},"
                + "\"downgrade\":{\"modelVersionRef\":{\"name\":\"fraud-lite-v1\"},\"keepWarm\":true}},"
                + "{\"name\":\"shed\",\"triggers\":{\"consumerLagAbove\":20000},"
                + "\"shed\":{\"containerConcurrency\":8,\"fallbackResult\":\"{\\\"score\\\": 0.5}\"}}]}}");
    OUT.printf("A flood arrives: transactions as fast as the producer writes them, until the pipeline sheds;"
        + " the job reads them as fast as the model answers.%n");
    java.util.concurrent.atomic.AtomicBoolean shedding = new java.util.concurrent.atomic.AtomicBoolean();
    long before = feed.sent();
    Thread flood = new Thread(() -> {
      while (!shedding.get() && feed.sent() - before < FLOOD_MAX) {
        feed.send(FLOOD_BURST);
      }
    }, "flood");
    flood.start();
    String[] last = {"", ""};
    try {
      ladderTimeline(client, "shed", last);
    } finally {
      shedding.set(true);
    }
    try {
      flood.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    OUT.printf("%nThe flood stops after %,d transactions. Shedding, the job answers every event with the fallback at once"
        + " and catches up.%n", feed.sent() - before);
    ladderTimeline(client, "normal", last);
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

  /** The last replay's numbers, as {@code kubectl get sp -o jsonpath='{.status.rollout.replay}'} shows them. */
  private static void printReplay(KubernetesClient client) {
    var r = fraud(client).getStatus().rollout.replay;
    if (r != null) {
      OUT.printf("  replay: %d events since %s (%s): %d compared, %d agreeing, %d with other features than live,"
          + " %d fallbacks, model p99 %s ms%n", r.events, r.windowStart, r.warmUp, r.compared, r.agreeing,
          r.featureMismatches, r.fallbacks, r.p99ModelMs);
    }
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
