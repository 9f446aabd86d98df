package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.job.control.ControlWatcher;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.testkit.TestModelServer;
import dev.slipstream.testkit.TestModelServer.Behaviour;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import dev.slipstream.job.local.LocalJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference job on Flink's MiniCluster against the real broker and a V2 test model server, with the job
 * contract the operator writes for the fraud-scoring example (features per card over 1 min, 1 h and the day).
 */
class ScoringJobIT {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static JobHarness harness;
  private static TestModelServer model;

  @BeforeAll
  static void start() {
    harness = new JobHarness();
    model = TestModelServer.start();
  }

  @org.junit.jupiter.api.BeforeEach
  void freshCounts() {
    model.resetCounts();
  }

  @org.junit.jupiter.api.AfterEach
  void stopJobs() {
    harness.stopAll();
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
    if (model != null) {
      model.close();
    }
  }

  /** One card transaction as the example's producers write it. */
  static record Txn(String id, String card, double amount, String merchant, long time) {
    String json() {
      return "{\"txn_id\":\"" + id + "\",\"card_id\":\"" + card + "\",\"amount\":" + amount + ",\"merchant\":\"" + merchant
          + "\",\"event_time\":" + time + "}";
    }
  }

  @Test
  void everyEventIsScoredOnceWithTheFeaturesOfItsCard(@TempDir Path checkpoints) throws Exception {
    model.answer("fraud", Behaviour.healthy("1"));
    Map<String, String> contract = harness.contract("scored", model.url());
    harness.createTopics(contract, 2);
    String input = contract.get(JobContract.INPUT_TOPICS);
    long t0 = System.currentTimeMillis() - 3_600_000;
    List<Txn> sent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      // each card on one partition, as producers keyed by card write it; 7 s apart, so windows of 1 min hold a few
      int card = i % 4;
      Txn t = new Txn("t" + i, "card-" + card, 10 + i, "m" + (i % 5), t0 + i * 7_000L);
      sent.add(t);
      harness.send(input, card % 2, t.card, t.json());
    }
    harness.flush();
    LocalJob job = harness.start(contract, 2, checkpoints);
    List<JsonNode> results = awaitRecords(job, contract.get(JobContract.OUTPUT_TOPIC), 60);

    assertThat(results).hasSize(60);
    Map<String, JsonNode> byId = results.stream().collect(Collectors.toMap(r -> r.path("eventId").asText(), r -> r));
    assertThat(byId).hasSize(60);
    for (Txn t : sent) {
      JsonNode r = byId.get(t.id);
      List<Txn> earlier = sent.subList(0, sent.indexOf(t)).stream().filter(o -> o.card.equals(t.card)).toList();
      double[] expected = expectedFeatures(earlier, t);
      assertThat(r.path("kind").asText()).isEqualTo("scored");
      assertThat(r.path("key").asText()).isEqualTo(t.card);
      assertThat(r.path("modelName").asText()).isEqualTo("fraud");
      assertThat(r.path("modelVersion").asText()).isEqualTo("1");
      assertThat(r.path("fallback").asBoolean()).isFalse();
      assertThat(r.path("late").asBoolean()).isFalse();
      assertThat(features(r)).as("features of %s", t.id).containsExactly(expected);
      assertThat(r.path("score").asDouble()).isEqualTo(TestModelServer.score(expected, 0));
      assertThat(r.path("latencyMs").asLong()).isEqualTo(r.path("decidedAt").asLong() - t.time);
    }
    assertThat(harness.read(contract.get(JobContract.LATE_EVENTS_TOPIC))).isEmpty();

    // the job's metrics, as Prometheus scrapes them
    String metrics = scrape();
    // in batches (the example's model declares batches of up to 32): every event in exactly one request
    assertThat(metrics).contains("slipstream_inference_batch_size_sum{model_version=\"unknown\",namespace=\"scored\","
        + "pipeline=\"fraud-scoring\",role=\"primary\"} 60.0");
    assertThat(metrics).containsPattern("slipstream_inference_requests_total\\{model=\"fraud\",model_version=\"1\","
        + "namespace=\"scored\",outcome=\"ok\",pipeline=\"fraud-scoring\",role=\"primary\"} [1-9][0-9]?\\.0");
    assertThat(metrics).contains("slipstream_events_consumed_total{namespace=\"scored\",pipeline=\"fraud-scoring\",role=\"primary\","
        + "topic=\"scored-card-transactions\"} 60.0");
    assertThat(metrics).contains("slipstream_decision_latency_seconds_count{model=\"fraud\",model_version=\"1\",namespace=\"scored\"");
    assertThat(metrics).contains("slipstream_inference_latency_seconds_bucket{model=\"fraud\",model_version=\"1\",namespace=\"scored\"");
    assertThat(metrics).contains("slipstream_inference_in_flight{namespace=\"scored\",pipeline=\"fraud-scoring\",role=\"primary\"} 0.0");
  }

  @Test
  void outOfOrderEventsCountInTheirWindowsAndLateOnesAreNeverDropped(@TempDir Path checkpoints) {
    model.answer("fraud", Behaviour.healthy("1"));
    Map<String, String> contract = harness.contract("late", model.url());
    harness.createTopics(contract, 1);
    String input = contract.get(JobContract.INPUT_TOPICS);
    long base = System.currentTimeMillis() - 1_800_000;
    // seconds after base, in the order they arrive; the watermark trails the largest time by 5 s, lateness 60 s
    long[] seconds = {0, 3, 1, 30, 20, 200, 100};
    List<Txn> sent = new ArrayList<>();
    for (int i = 0; i < seconds.length; i++) {
      Txn t = new Txn("e" + i, "card-1", 1 + i, "m" + i, base + seconds[i] * 1000);
      sent.add(t);
      harness.send(input, 0, t.card, t.json());
    }
    harness.send(input, 0, null, "not json at all");
    harness.send(input, 0, null, "{\"txn_id\":\"no-card\",\"amount\":3,\"event_time\":" + base + "}");
    harness.flush();
    LocalJob job = harness.start(contract, 1, checkpoints);

    List<JsonNode> results = awaitRecords(job, contract.get(JobContract.OUTPUT_TOPIC), 6);
    List<JsonNode> late = awaitRecords(job, contract.get(JobContract.LATE_EVENTS_TOPIC), 3);
    assertThat(results).hasSize(6);
    assertThat(late).hasSize(3);
    Map<String, JsonNode> byId = results.stream().collect(Collectors.toMap(r -> r.path("eventId").asText(), r -> r));
    // txn_count_1m, by hand: e2 (1 s) came after e1 (3 s) and does not see it; e4 (20 s, 10 s late but within
    // the allowed minute) is scored, marked late, and sees e0..e3 but not e3's later time (30 s)
    assertThat(List.of("e0", "e1", "e2", "e3", "e4", "e5")).extracting(id -> byId.get(id).path("features").path("txn_count_1m").asInt())
        .containsExactly(1, 2, 2, 4, 4, 1);
    assertThat(byId.get("e4").path("late").asBoolean()).isTrue();
    assertThat(byId.get("e2").path("late").asBoolean()).isFalse();
    List<Txn> accepted = sent.subList(0, 6);
    for (Txn t : accepted) {
      assertThat(features(byId.get(t.id))).as(t.id).containsExactly(expectedFeatures(accepted.subList(0, accepted.indexOf(t)), t));
    }
    // e5 (200 s) counts e4 in its hour: a late event within the allowed lateness still updates the windows
    assertThat(byId.get("e5").path("features").path("amount_sum_1h").asDouble()).isEqualTo(1 + 2 + 3 + 4 + 5 + 6);

    Map<String, String> reasons = late.stream().collect(Collectors.toMap(
        r -> r.path("eventId").asText(), r -> r.path("reason").asText()));
    assertThat(reasons.get("e6")).startsWith("beyond the allowed lateness: event time ")
        .contains("is 94999 ms behind the watermark of partition late-card-transactions-0 (allowed 60000 ms)");
    assertThat(reasons.get("late-card-transactions-0@7")).isEqualTo("unreadable: not a JSON object");
    assertThat(reasons.get("no-card")).isEqualTo("unreadable: no value in the key field 'card_id'");
    JsonNode tooLate = late.stream().filter(r -> r.path("eventId").asText().equals("e6")).findFirst().orElseThrow();
    assertThat(tooLate.path("event").path("amount").asDouble()).isEqualTo(7); // the event itself, as it was read
    assertThat(late.stream().filter(r -> r.path("eventId").asText().endsWith("@7")).findFirst().orElseThrow()
        .path("event").asText()).isEqualTo("not json at all");
  }

  @Test
  void anIdlePartitionDoesNotHoldBackTheWatermark(@TempDir Path checkpoints) throws Exception {
    model.answer("fraud", Behaviour.healthy("1"));
    Map<String, String> contract = new HashMap<>(harness.contract("idle", model.url()));
    contract.put(JobContract.IDLE_TIMEOUT, "1000 ms");
    harness.createTopics(contract, 2);
    String input = contract.get(JobContract.INPUT_TOPICS);
    long base = System.currentTimeMillis() - 1_800_000;
    harness.send(input, 1, "card-1", new Txn("quiet", "card-1", 1, "m", base).json());
    harness.send(input, 0, "card-0", new Txn("busy", "card-0", 1, "m", base).json());
    harness.flush();
    LocalJob job = harness.start(contract, 1, checkpoints);
    // partition 0 moves 200 s ahead and keeps going; partition 1 says nothing more
    int[] sent = {0};
    await().atMost(PATIENCE).until(() -> {
      job.checkAlive();
      harness.send(input, 0, "card-0", new Txn("ahead" + sent[0]++, "card-0", 1, "m", base + 200_000 + sent[0]).json());
      harness.flush();
      return watermark(scrape(), "idle") >= (base + 190_000) / 1000.0;
    });
    // the job's watermark went on without the idle partition, so an event it now brings, 10 s after its last one
    // (on time by its own clock), lies far behind the job's watermark: judged too late, written with the reason
    harness.send(input, 1, "card-1", new Txn("woke", "card-1", 1, "m", base + 10_000).json());
    harness.flush();
    List<JsonNode> late = awaitRecords(job, contract.get(JobContract.LATE_EVENTS_TOPIC), 1);
    assertThat(late).singleElement().satisfies(r -> {
      assertThat(r.path("eventId").asText()).isEqualTo("woke");
      assertThat(r.path("reason").asText()).contains("behind the watermark of the job (partition idle-card-transactions-1 was idle)");
    });
    assertThat(awaitRecords(job, contract.get(JobContract.OUTPUT_TOPIC), 2).stream().map(r -> r.path("eventId").asText()))
        .contains("quiet", "busy");
  }

  @Test
  void aSlowModelFillsTheInFlightBoundAndLagGrowsInstead(@TempDir Path checkpoints) {
    model.answer("fraud", Behaviour.healthy("1").withLatency(150));
    Map<String, String> contract = new HashMap<>(harness.contract("slow", model.url()));
    contract.put(JobContract.MAX_IN_FLIGHT, "4");
    contract.put(JobContract.BATCH_MAX_SIZE, "2");
    contract.put(JobContract.INFERENCE_TIMEOUT, "5000 ms");
    harness.createTopics(contract, 1);
    String input = contract.get(JobContract.INPUT_TOPICS);
    String group = contract.get(JobContract.CONSUMER_GROUP);
    long itemsBefore = model.items();
    LocalJob job = harness.start(contract, 1, checkpoints);
    long t0 = System.currentTimeMillis() - 60_000;
    for (int i = 0; i < 300; i++) {
      harness.send(input, 0, "card-" + (i % 10), new Txn("s" + i, "card-" + (i % 10), i, "m", t0 + i).json());
    }
    harness.flush();
    // at 4 requests of at most 2 events per 150 ms the job takes ~53 events a second: the rest waits in Kafka, not in
    // the job
    AtomicLong highestLag = new AtomicLong();
    await().atMost(PATIENCE).until(() -> {
      job.checkAlive();
      highestLag.accumulateAndGet(harness.lag(group, input), Math::max);
      return model.maxInFlight() >= 4 && highestLag.get() >= 200;
    });
    assertThat(model.maxInFlight()).as("requests in flight at once").isEqualTo(4);
    model.answer("fraud", Behaviour.healthy("1"));
    List<JsonNode> results = awaitRecords(job, contract.get(JobContract.OUTPUT_TOPIC), 300);
    await().atMost(PATIENCE).until(() -> harness.lag(group, input) == 0);
    assertThat(results).hasSize(300).allSatisfy(r -> assertThat(r.path("kind").asText()).isEqualTo("scored"));
    assertThat(model.items() - itemsBefore).as("events sent to the model").isEqualTo(300);
    assertThat(model.maxInFlight()).as("the bound held while the model was fast again").isEqualTo(4);
    assertThat(model.batchSizes()).as("requests by size: full batches while the bound held").containsKey(2)
        .allSatisfy((size, count) -> assertThat(size).isLessThanOrEqualTo(2));
  }

  @Test
  void noAnswerInTimeOrAFailingModelGivesTheFallbackNeverALostEvent(@TempDir Path checkpoints) throws Exception {
    Map<String, String> contract = harness.contract("fallback", model.url());
    harness.createTopics(contract, 1);
    String input = contract.get(JobContract.INPUT_TOPICS);
    String output = contract.get(JobContract.OUTPUT_TOPIC);
    LocalJob job = harness.start(contract, 1, checkpoints);
    long t0 = System.currentTimeMillis() - 60_000;

    model.answer("fraud", Behaviour.healthy("1").hanging());
    sendBatch(input, "hang", 5, t0);
    List<JsonNode> hung = awaitRecords(job, output, 5);
    assertThat(hung).allSatisfy(r -> {
      assertThat(r.path("kind").asText()).isEqualTo("fallback");
      assertThat(r.path("fallback").asBoolean()).isTrue();
      assertThat(r.path("reason").asText()).isEqualTo("timeout: no answer within 250 ms");
      assertThat(r.path("result").path("decision").asText()).isEqualTo("review");
      assertThat(r.path("result").path("score").asDouble()).isEqualTo(0.5);
    });

    model.answer("fraud", Behaviour.healthy("1").withErrors(100));
    long before = model.items();
    sendBatch(input, "fail", 5, t0 + 1000);
    List<JsonNode> failed = awaitRecords(job, output, 10).stream()
        .filter(r -> r.path("eventId").asText().startsWith("fail")).toList();
    assertThat(failed).hasSize(5).allSatisfy(r ->
        assertThat(r.path("reason").asText()).isEqualTo("error: HTTP 503 from 127.0.0.1"));
    assertThat(model.items() - before).as("each event tried once and retried twice, in whatever batches").isEqualTo(15);

    model.answer("fraud", Behaviour.healthy("1"));
    sendBatch(input, "ok", 5, t0 + 2000);
    List<JsonNode> all = awaitRecords(job, output, 15);
    assertThat(all).hasSize(15);
    assertThat(all.stream().map(r -> r.path("eventId").asText()).collect(Collectors.toSet())).hasSize(15);
    assertThat(all.stream().filter(r -> r.path("eventId").asText().startsWith("ok")))
        .allSatisfy(r -> assertThat(r.path("kind").asText()).isEqualTo("scored"));
    String metrics = scrape();
    assertThat(metrics).contains("slipstream_inference_timeouts_total{model_version=\"unknown\",namespace=\"fallback\",pipeline=\"fraud-scoring\",role=\"primary\"} 5.0");
    assertThat(metrics).contains("slipstream_fallbacks_total{model_version=\"unknown\",namespace=\"fallback\",pipeline=\"fraud-scoring\",reason=\"error\",role=\"primary\"} 5.0");
    assertThat(metrics).contains("slipstream_inference_requests_total{model=\"fraud\",model_version=\"unknown\",namespace=\"fallback\",outcome=\"error\"");
  }

  @Test
  void theControlConfigMapDowngradesAndShedsWithoutARestart(@TempDir Path checkpoints, @TempDir Path control) throws IOException {
    model.answer("fraud", Behaviour.healthy("1"));
    model.answer("fraud-lite", Behaviour.healthy("lite-1"));
    Map<String, String> contract = new HashMap<>(harness.contract("control", model.url()));
    contract.put(JobContract.CONTROL_DIR, control.toString());
    // routing is asserted here, not latency: on two busy cores the default 250 ms made a scored event fall back
    contract.put(JobContract.INFERENCE_TIMEOUT, "10 s");
    harness.createTopics(contract, 1);
    String input = contract.get(JobContract.INPUT_TOPICS);
    String output = contract.get(JobContract.OUTPUT_TOPIC);
    LocalJob job = harness.start(contract, 1, checkpoints);
    long t0 = System.currentTimeMillis() - 60_000;
    sendBatch(input, "normal", 3, t0);
    awaitRecords(job, output, 3);

    // the operator's ShedPolicy moved to the small model: the kubelet refreshes the mounted ConfigMap
    writeControl(control, Map.of("mode", "downgrade", "level", "2", "level-name", "small-model",
        "endpoint", model.url(), "model-name", "fraud-lite"));
    sendBatch(input, "down", 3, t0 + 1000);
    awaitRecords(job, output, 6);

    writeControl(control, Map.of("mode", "shed", "level", "3", "level-name", "shed",
        "endpoint", model.url(), "model-name", "fraud-lite", "fallback-result", "{\"decision\":\"allow\",\"shed\":true}"));
    long before = model.requests();
    sendBatch(input, "shed", 3, t0 + 2000);
    awaitRecords(job, output, 9);
    assertThat(model.requests()).as("a shed event never reaches the model").isEqualTo(before);

    writeControl(control, Map.of());
    sendBatch(input, "back", 3, t0 + 3000);
    List<JsonNode> all = awaitRecords(job, output, 12);
    Map<String, List<JsonNode>> byPhase = all.stream().collect(Collectors.groupingBy(r -> r.path("eventId").asText().replaceAll("[0-9]+$", "")));
    assertThat(byPhase.get("normal")).allSatisfy(r -> assertThat(r.path("modelName").asText()).isEqualTo("fraud"));
    assertThat(byPhase.get("down")).allSatisfy(r -> {
      assertThat(r.path("modelName").asText()).isEqualTo("fraud-lite");
      assertThat(r.path("modelVersion").asText()).isEqualTo("lite-1");
    });
    assertThat(byPhase.get("shed")).allSatisfy(r -> {
      assertThat(r.path("kind").asText()).isEqualTo("fallback");
      assertThat(r.path("reason").asText()).isEqualTo("shed: the pipeline is at level shed");
      assertThat(r.path("result").path("decision").asText()).isEqualTo("allow");
    });
    assertThat(byPhase.get("back")).allSatisfy(r -> assertThat(r.path("modelName").asText()).isEqualTo("fraud"));
  }

  @Test
  void theCanarySplitByKeyKeepsEachCardOnItsVersionAsTheWeightGrows(@TempDir Path checkpoints, @TempDir Path control)
      throws Exception {
    model.answer("fraud", Behaviour.healthy("1"));
    model.answer("fraud-candidate", Behaviour.healthy("2"));
    Map<String, String> contract = new HashMap<>(harness.contract("split", model.url()));
    contract.put(JobContract.CONTROL_DIR, control.toString());
    contract.put(JobContract.INFERENCE_TIMEOUT, "10 s"); // a burst of 100 on two busy cores: no event may fall back
    harness.createTopics(contract, 1);
    String input = contract.get(JobContract.INPUT_TOPICS);
    String output = contract.get(JobContract.OUTPUT_TOPIC);
    LocalJob job = harness.start(contract, 1, checkpoints);
    long t0 = System.currentTimeMillis() - 60_000;
    int cards = 100;
    int sent = 0;
    Map<Integer, Set<String>> candidateCards = new java.util.TreeMap<>();
    for (int weight : List.of(5, 25, 50, 0)) {
      // the operator moves the weight: the kubelet refreshes the mounted ConfigMap, the job is not restarted
      writeControl(control, Map.of("mode", "normal", "candidate-endpoint", model.url(),
          "candidate-model-name", "fraud-candidate", "candidate-weight", String.valueOf(weight)));
      sendBatch(input, "w" + weight + "-", cards, t0 + sent);
      sent += cards;
      List<JsonNode> scored = awaitRecords(job, output, sent).stream()
          .filter(r -> r.path("eventId").asText().startsWith("w" + weight + "-")).toList();
      assertThat(scored).hasSize(cards).allSatisfy(r -> assertThat(r.path("kind").asText()).isEqualTo("scored"));
      candidateCards.put(weight, scored.stream().filter(r -> "2".equals(r.path("modelVersion").asText()))
          .map(r -> r.path("key").asText()).collect(Collectors.toSet()));
      Set<String> expected = java.util.stream.IntStream.range(0, cards).mapToObj(i -> "card-" + i)
          .filter(k -> dev.slipstream.job.control.KeySplit.toCandidate(k, weight)).collect(Collectors.toSet());
      assertThat(candidateCards.get(weight)).as("the cards the candidate scored at %d%%", weight).isEqualTo(expected);
    }
    assertThat(candidateCards.get(5)).isNotEmpty();
    assertThat(candidateCards.get(25)).as("no card goes back to stable as the weight grows").containsAll(candidateCards.get(5));
    assertThat(candidateCards.get(50)).containsAll(candidateCards.get(25));
    assertThat(candidateCards.get(0)).as("a rollback sends every card to stable").isEmpty();

    // each side reports its own backlog (routed, not yet decided): a slow candidate's events wait, the stable's do not
    model.answer("fraud-candidate", Behaviour.healthy("2").withLatency(1500));
    writeControl(control, Map.of("mode", "normal", "candidate-endpoint", model.url(),
        "candidate-model-name", "fraud-candidate", "candidate-weight", "50"));
    sendBatch(input, "slow-", cards, t0 + sent);
    sent += cards;
    await("the candidate's backlog").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String metrics = scrape();
      assertThat(routedInFlight(metrics, "candidate")).isPositive();
      assertThat(routedInFlight(metrics, "stable")).isZero();
    });
    awaitRecords(job, output, sent);
    assertThat(routedInFlight(scrape(), "candidate")).as("all decided").isZero();
    assertThat(job.client().getJobStatus().get(10, java.util.concurrent.TimeUnit.SECONDS))
        .as("the same job, steered through the control directory alone").isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
  }

  @Test
  void aPausedTopicWaitsInKafkaWhileTheOthersAreShedAndIsReadAfter(@TempDir Path checkpoints, @TempDir Path control)
      throws Exception {
    model.answer("fraud", Behaviour.healthy("1"));
    Map<String, String> contract = new HashMap<>(harness.contract("pause", model.url()));
    String payments = contract.get(JobContract.INPUT_TOPICS);
    String clicks = "pause-clicks";
    contract.put(JobContract.INPUT_TOPICS, payments + "," + clicks);
    contract.put(JobContract.CONTROL_DIR, control.toString());
    harness.createTopics(contract, 1);
    String output = contract.get(JobContract.OUTPUT_TOPIC);
    String group = contract.get(JobContract.CONSUMER_GROUP);
    writeControl(control, Map.of("mode", "shed", "level", "3", "level-name", "shed",
        "fallback-result", "{\"decision\":\"review\"}", "pause-topics", clicks));
    LocalJob job = harness.start(contract, 1, checkpoints);
    long t0 = System.currentTimeMillis() - 60_000;
    sendBatch(payments, "pay", 5, t0);
    sendBatch(clicks, "click", 20, t0);
    List<JsonNode> shed = awaitRecords(job, output, 5);
    assertThat(shed).allSatisfy(r -> {
      assertThat(r.path("eventId").asText()).startsWith("pay");
      assertThat(r.path("reason").asText()).startsWith("shed");
    });
    // the paused topic's events wait in Kafka: its lag holds (one event at most is held at the gate)
    await().atMost(PATIENCE).until(() -> harness.lag(group, payments) == 0);
    assertThat(harness.lag(group, clicks)).isGreaterThanOrEqualTo(19);
    assertThat(scrape()).contains("slipstream_topic_paused{namespace=\"pause\",pipeline=\"fraud-scoring\",role=\"primary\",topic=\"pause-clicks\"} 1.0");
    assertThat(harness.read(output)).hasSize(5);

    // a restart from a checkpoint taken during the pause: it resumes at the event held at the gate
    await().atMost(PATIENCE).until(() -> JobHarness.latestCheckpoint(checkpoints).isPresent());
    job.close();
    LocalJob restarted = harness.start(contract, 1, checkpoints, JobHarness.latestCheckpoint(checkpoints).orElseThrow().toString());
    sendBatch(payments, "pay-again", 3, t0 + 500);
    awaitRecords(restarted, output, 8);
    assertThat(harness.lag(group, clicks)).as("still paused after the restart").isGreaterThanOrEqualTo(18);

    writeControl(control, Map.of());
    List<JsonNode> all = awaitRecords(restarted, output, 28);
    assertThat(all).hasSize(28);
    assertThat(all.stream().map(r -> r.path("eventId").asText()).distinct()).hasSize(28);
    assertThat(all.stream().filter(r -> r.path("eventId").asText().startsWith("click")))
        .hasSize(20).allSatisfy(r -> assertThat(r.path("kind").asText()).isEqualTo("scored"));
    await().atMost(PATIENCE).until(() -> harness.lag(group, clicks) == 0);
  }

  @Test
  void nothingIsLostOrWrittenTwiceAcrossARestartFromACheckpoint(@TempDir Path checkpoints) {
    model.answer("fraud", Behaviour.healthy("1").withLatency(50));
    Map<String, String> contract = new HashMap<>(harness.contract("restart", model.url()));
    // batches of two, four in flight at 50 ms each: every checkpoint is taken with batches in flight
    contract.put(JobContract.MAX_IN_FLIGHT, "4");
    contract.put(JobContract.BATCH_MAX_SIZE, "2");
    contract.put(JobContract.INFERENCE_TIMEOUT, "5000 ms");
    harness.createTopics(contract, 2);
    String input = contract.get(JobContract.INPUT_TOPICS);
    String output = contract.get(JobContract.OUTPUT_TOPIC);
    String lateTopic = contract.get(JobContract.LATE_EVENTS_TOPIC);
    long t0 = System.currentTimeMillis() - 600_000;
    int events = 1000;
    for (int i = 0; i < events; i++) {
      String card = "card-" + (i % 20);
      harness.send(input, (i % 20) % 2, card, i % 100 == 99 ? "garbage " + i : new Txn("r" + i, card, i, "m", t0 + i * 10L).json());
    }
    harness.flush();
    LocalJob first = harness.start(contract, 2, checkpoints);
    await().atMost(PATIENCE).until(() -> {
      first.checkAlive();
      return harness.read(output).size() >= 100 && JobHarness.latestCheckpoint(checkpoints).isPresent();
    });
    first.close(); // as a lost TaskManager would: no savepoint, open transactions left behind
    int beforeRestart = harness.read(output).size();
    assertThat(beforeRestart).as("stopped mid-stream").isLessThan(events - 10);

    model.answer("fraud", Behaviour.healthy("1"));
    String restoreFrom = JobHarness.latestCheckpoint(checkpoints).orElseThrow().toString();
    LocalJob second = harness.start(contract, 2, checkpoints, restoreFrom);
    await().atMost(PATIENCE).until(() -> {
      second.checkAlive();
      return harness.lag(contract.get(JobContract.CONSUMER_GROUP), input) == 0
          && harness.read(output).size() + harness.read(lateTopic).size() >= events;
    });
    List<JsonNode> results = harness.read(output);
    List<JsonNode> late = harness.read(lateTopic);
    Set<String> ids = new HashSet<>();
    results.forEach(r -> ids.add(r.path("eventId").asText()));
    late.forEach(r -> ids.add(r.path("eventId").asText()));
    assertThat(results).hasSize(990);
    assertThat(late).hasSize(10).allSatisfy(r -> assertThat(r.path("reason").asText()).isEqualTo("unreadable: not a JSON object"));
    assertThat(ids).as("every input exactly once: outputs + late = input").hasSize(events);
  }

  @Test
  void theShadowJobWritesOnlyToTheShadowTopic(@TempDir Path checkpoints) throws Exception {
    model.answer("fraud", Behaviour.healthy("2"));
    Map<String, String> primary = harness.contract("shadow", model.url());
    Map<String, String> shadow = new HashMap<>(primary);
    String shadowTopic = primary.get(JobContract.OUTPUT_TOPIC) + ".shadow";
    shadow.put(JobContract.ROLE, "shadow");
    shadow.put(JobContract.CONSUMER_GROUP, primary.get(JobContract.CONSUMER_GROUP) + ".shadow");
    shadow.put(JobContract.OUTPUT_TOPIC, shadowTopic);
    shadow.put(JobContract.LATE_EVENTS_TOPIC, shadowTopic);
    harness.createTopics(primary, 1);
    harness.createTopics(Map.of(JobContract.INPUT_TOPICS, shadowTopic + "-unused", JobContract.OUTPUT_TOPIC, shadowTopic,
        JobContract.LATE_EVENTS_TOPIC, shadowTopic + "-late-unused"), 1);
    String input = primary.get(JobContract.INPUT_TOPICS);
    sendBatch(input, "x", 10, System.currentTimeMillis() - 60_000);
    harness.send(input, 0, null, "broken");
    harness.flush();
    LocalJob job = harness.start(shadow, 1, checkpoints);
    List<JsonNode> written = awaitRecords(job, shadowTopic, 11);
    assertThat(written).hasSize(11);
    assertThat(written.stream().filter(r -> r.path("kind").asText().equals("scored"))).hasSize(10)
        .allSatisfy(r -> assertThat(r.path("modelVersion").asText()).isEqualTo("2"));
    assertThat(harness.read(primary.get(JobContract.OUTPUT_TOPIC))).as("the real output").isEmpty();
    assertThat(harness.read(primary.get(JobContract.LATE_EVENTS_TOPIC))).as("the real late-events topic").isEmpty();
    assertThat(scrape()).contains("slipstream_records_produced_total{kind=\"scored\",namespace=\"shadow\",pipeline=\"fraud-scoring\",role=\"shadow\"} 10.0");
  }

  // ---------------------------------------------------------------------------------------------------------

  private static void sendBatch(String topic, String prefix, int n, long time) {
    for (int i = 0; i < n; i++) {
      harness.send(topic, 0, "card-" + i, new Txn(prefix + i, "card-" + i, i, "m", time + i).json());
    }
    harness.flush();
  }

  private static List<JsonNode> awaitRecords(LocalJob job, String topic, int count) {
    List<List<JsonNode>> last = new ArrayList<>(List.of(List.of()));
    await("" + count + " records on " + topic).atMost(PATIENCE).until(() -> {
      job.checkAlive();
      last.set(0, harness.read(topic));
      return last.get(0).size() >= count;
    });
    return last.get(0);
  }

  private static void writeControl(Path dir, Map<String, String> data) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
    for (var e : data.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue());
    }
    // the job reads the directory every second: wait until it has seen this version, then send
    try (ControlWatcher watcher = ControlWatcher.watch(dir.toString(), 1000)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> watcher.data().equals(data));
    }
  }

  private static double[] features(JsonNode result) {
    JsonNode f = result.path("features");
    return new double[] {f.path("txn_count_1m").asDouble(), f.path("amount_sum_1h").asDouble(),
        f.path("amount_max_1h").asDouble(), f.path("merchants_1h").asDouble(), f.path("txn_count_today").asDouble()};
  }

  /**
   * The example's features computed by hand from the card's earlier events: those at or before the event's time
   * within 1 min, 1 h, and since midnight UTC of the event's day, the event itself included.
   */
  private static double[] expectedFeatures(List<Txn> earlierOfCard, Txn t) {
    List<Txn> known = new ArrayList<>(earlierOfCard.stream().filter(o -> o.card.equals(t.card) && o.time <= t.time).toList());
    known.add(t);
    List<Txn> minute = known.stream().filter(o -> o.time > t.time - 60_000).toList();
    List<Txn> hour = known.stream().filter(o -> o.time > t.time - 3_600_000).toList();
    long midnight = t.time - Math.floorMod(t.time, 86_400_000L);
    return new double[] {
        minute.size(),
        hour.stream().mapToDouble(Txn::amount).sum(),
        hour.stream().mapToDouble(Txn::amount).max().orElseThrow(),
        hour.stream().map(Txn::merchant).distinct().count(),
        known.stream().filter(o -> o.time >= midnight).count()};
  }

  /** The job's event-time watermark in epoch seconds, as its metrics report it for the namespace. */
  private static double watermark(String metrics, String namespace) {
    return metrics.lines().filter(l -> l.startsWith("slipstream_watermark_seconds{namespace=\"" + namespace + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(0);
  }

  /** The events in flight on one side of the key split of the "split" pipeline, from a scrape. */
  private static double routedInFlight(String metrics, String side) {
    var m = java.util.regex.Pattern.compile("slipstream_routed_in_flight\\{model_version=\"(unknown|1|2)\",namespace=\"split\","
        + "pipeline=\"fraud-scoring\",role=\"primary\",route=\"" + side + "\"} (\\S+)").matcher(metrics);
    double sum = -1;
    while (m.find()) {
      sum = Math.max(sum, 0) + Double.parseDouble(m.group(2));
    }
    return sum;
  }

  private static String scrape() throws Exception {
    int port = JobMetrics.get(0).port();
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
