package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.job.batch.ExportLine;
import dev.slipstream.job.batch.TrainingRange;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.flink.ScoringGraph;
import dev.slipstream.job.flink.TrainingGraph;
import dev.slipstream.testkit.TestModelServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import dev.slipstream.job.local.LocalJob;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training/serving parity: the same events, out of order, late within and beyond the allowed lateness and
 * unreadable, go through the scoring job (streaming, calling the model) and through the training job (a
 * bounded read of the topic, and of a file export of it); every event must get the same features and the same
 * verdict in all of them.
 */
class ParityIT {
  private static final int EVENTS = 600;
  private static JobHarness harness;
  private static TestModelServer model;

  @BeforeAll
  static void start() {
    harness = new JobHarness();
    model = TestModelServer.start();
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

  @Test
  void trainingFeaturesAreTheServedFeatures(@TempDir Path work) throws Exception {
    Map<String, String> contract = harness.contract("parity", model.url());
    harness.createTopics(contract, 3);
    String input = contract.get(JobContract.INPUT_TOPICS);
    long[] arrivals = produce(input);

    LocalJob scoring = harness.start(contract, 2, work.resolve("checkpoints"));
    String output = contract.get(JobContract.OUTPUT_TOPIC);
    String lateTopic = contract.get(JobContract.LATE_EVENTS_TOPIC);
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      scoring.checkAlive();
      return harness.read(output).size() + harness.read(lateTopic).size() >= EVENTS;
    });
    harness.stopAll();
    Map<String, String> served = new HashMap<>();
    harness.read(output).forEach(r -> served.put(r.path("eventId").asText(),
        "late=" + r.path("late").asBoolean() + " " + r.path("features")));
    harness.read(lateTopic).forEach(r -> served.put(r.path("eventId").asText(), "excluded: " + r.path("reason").asText()));
    assertThat(served).hasSize(EVENTS);
    assertThat(served.values().stream().filter(v -> v.startsWith("late=true"))).as("late, scored").hasSizeGreaterThan(20);
    assertThat(served.values().stream().filter(v -> v.startsWith("excluded: beyond"))).as("too late").hasSizeGreaterThan(5);
    assertThat(served.values().stream().filter(v -> v.startsWith("excluded: unreadable"))).as("unreadable").hasSizeGreaterThan(2);

    // the training job over the whole topic
    assertThat(train(contract, TrainingRange.ALL, null, work.resolve("rows-topic"))).isEqualTo(served);

    // ... over a file export of it, partitions interleaved round-robin
    Path export = work.resolve("export.jsonl");
    export(input, export);
    assertThat(train(contract, TrainingRange.ALL, export.toUri().toString(), work.resolve("rows-file"))).isEqualTo(served);

    // ... over a range in the middle: rows only for the records in it, with the features that were served
    long from = arrivals[200];
    long to = arrivals[400];
    long warmup = TrainingFeatures.warmup(JobSettings.from(contract)).toMillis();
    Map<String, String> middle = train(contract, new TrainingRange(from, to, warmup), null, work.resolve("rows-range"));
    Map<String, String> expected = new HashMap<>();
    for (ConsumerRecord<String, String> r : harness.records(input)) {
      if (r.timestamp() >= from && r.timestamp() < to) {
        String id = idOf(r);
        expected.put(id, served.get(id));
      }
    }
    assertThat(middle).hasSize(200).isEqualTo(expected);
  }

  /**
   * Card transactions on three partitions (each card on one), arriving 50 ms apart: most a little out of
   * order, some 10-40 s late (within the allowed minute), some over a minute late, a few not JSON.
   */
  private static long[] produce(String topic) {
    Random random = new Random(42);
    long base = System.currentTimeMillis() - 600_000;
    long[] arrivals = new long[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      long arrival = base + i * 50L;
      arrivals[i] = arrival;
      int card = random.nextInt(24);
      double roll = random.nextDouble();
      long delay = roll < 0.80 ? random.nextInt(3_000) : roll < 0.92 ? 10_000 + random.nextInt(30_000) : 70_000 + random.nextInt(60_000);
      String json = roll > 0.99 ? "garbage " + i
          : new ScoringJobIT.Txn("p" + i, "card-" + card, 1 + random.nextInt(500), "m" + random.nextInt(7), arrival - delay).json();
      harness.send(topic, card % 3, arrival, "card-" + card, json);
    }
    harness.flush();
    return arrivals;
  }

  private static void export(String topic, Path file) throws IOException {
    Map<Integer, List<ConsumerRecord<String, String>>> byPartition = harness.records(topic).stream()
        .collect(Collectors.groupingBy(ConsumerRecord::partition));
    List<String> lines = new ArrayList<>();
    for (int i = 0; byPartition.values().stream().anyMatch(l -> !l.isEmpty()); i++) {
      for (List<ConsumerRecord<String, String>> records : byPartition.values()) {
        if (!records.isEmpty()) {
          ConsumerRecord<String, String> r = records.remove(0);
          lines.add(ExportLine.of(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
        }
      }
    }
    Files.write(file, lines);
  }

  /** Runs the training job and reads its rows in the form of {@code served}: features and lateness, or the reason. */
  private static Map<String, String> train(Map<String, String> contract, TrainingRange range, String inputFile, Path out)
      throws Exception {
    Map<String, String> conf = Map.of("execution.checkpointing.interval", "500 ms");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, Configuration.fromMap(conf));
    ScoringGraph.applyDefaults(env, conf);
    TrainingGraph.build(env, JobSettings.from(contract), range, inputFile, out.toUri().toString());
    env.execute("training");
    Map<String, String> rows = new HashMap<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("rows")).sorted(Comparator.naturalOrder()).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode row = Json.MAPPER.readTree(line);
          String previous = rows.put(row.path("eventId").asText(), row.path("kind").asText().equals("late")
              ? "excluded: " + row.path("reason").asText()
              : "late=" + row.path("late").asBoolean() + " " + row.path("features"));
          assertThat(previous).as("one row per event").isNull();
        }
      }
    }
    return rows;
  }

  private static String idOf(ConsumerRecord<String, String> r) {
    JsonNode event = Json.readOrText(r.value());
    return event.has("txn_id") ? event.path("txn_id").asText() : r.topic() + "-" + r.partition() + "@" + r.offset();
  }
}
