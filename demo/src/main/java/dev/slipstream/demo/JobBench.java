package dev.slipstream.demo;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.job.flink.ScoringGraph;
import dev.slipstream.job.local.LocalJob;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.ExampleContract;
import dev.slipstream.testkit.KafkaTopics;
import dev.slipstream.testkit.TestModelServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The reference job's figures on this machine: the real broker, the job on Flink's MiniCluster (parallelism
 * 2, exactly-once, the fraud example's features and its model's batches of up to 32) and a V2 test model that
 * costs 5 ms a request plus 0.02 ms an event.
 *
 * <ul>
 *   <li>sustained events per second through the job, beside the job with inference switched off and a plain Kafka
 *       consume-and-produce loop, measured in the same run on the same events (the ratios are the figures that
 *       matter: what the model call costs over the features, and what both cost over moving the bytes);
 *   <li>event-to-decision latency p50/p99 at half the sustained rate;
 *   <li>the same under a burst of twice the sustained rate, the largest lag during it and the time to drain.
 * </ul>
 */
public final class JobBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The model's cost: a fixed part per request, as a small model's forward pass and the HTTP round trip... */
  static final double MODEL_LATENCY_MS = 5;
  /** ...and a small part per event in the batch. */
  static final double MODEL_PER_ITEM_MS = 0.02;
  /** The example's batch wait (its model's {@code batching.maxQueueDelay}). */
  static final double MAX_WAIT_MS = 5;
  /** Events a second of the light-load latency pass: the path's own cost, with nothing queued anywhere. */
  static final double LIGHT_RATE = 200;

  /**
   * What one run measured.
   *
   * @param featuresOnlyPerSecond the job with inference switched off (every event shed to its fallback): the
   *     ceiling the model call is measured against
   * @param firstResultSeconds from the job's start to its first result
   * @param meanBatch events per request to the model over the passes with the model
   * @param jobPerSecond the job with the model, the median of {@link #ROUNDS} passes (as featuresOnlyPerSecond)
   * @param lightP99Ms event to decision at {@code lightRate}: the cost of the path itself (Kafka, the shuffle, the
   *     batch's wait, the model's round trip), which the p99 at half rate adds the machine's contention to
   * @param modelCpu CPU milliseconds per 1,000 events of a pass with the model, by part ({@link CpuSample#PARTS}, the
   *     JVM's own and the broker's), the mean of the passes
   * @param featuresOnlyCpu the same for a pass with inference off
   * @param roundShares each round's job with the model over the job without, the two passes run one after the other:
   *     the machine drifts between rounds, so each round's own ratio is steadier than a ratio of means
   */
  public record Figures(long events, double passThroughPerSecond, double featuresOnlyPerSecond, double jobPerSecond,
      double firstResultSeconds, double meanBatch, double lightRate, double lightP50Ms, double lightP99Ms,
      double steadyRate, double steadyP50Ms, double steadyP99Ms,
      double burstRate, double burstP50Ms, double burstP99Ms, long burstMaxLag, double drainSeconds,
      Map<String, Double> modelCpu, Map<String, Double> featuresOnlyCpu, List<Double> roundShares) {
    public double ratio() {
      return jobPerSecond / passThroughPerSecond;
    }

    /**
     * The bound on event-to-decision p99: the model's latency (at the mean batch), the batch's longest wait
     * and 20 ms for the rest of the path.
     */
    public double p99TargetMs() {
      return MODEL_LATENCY_MS + MODEL_PER_ITEM_MS * meanBatch + MAX_WAIT_MS + 20;
    }

    /** The job with the model against the job without it (the median of the rounds' own): what the model call costs. */
    public double modelShare() {
      return Bench.median(roundShares);
    }

    /**
     * The same share from the passes' CPU rather than their rates, with the model stand-in's own CPU left out: the CPU
     * an event costs without the model over what it costs with it, less the stand-in's. A model server runs on cores
     * of its own in production; here it shares the job's two. During a pass the machine is saturated, so the rate
     * follows the CPU an event costs, and this is the share the job would see with the server elsewhere. It is also
     * steadier than the rates, being summed over all the passes.
     */
    public double modelShareServerElsewhere() {
      double with = modelCpu.values().stream().mapToDouble(Double::doubleValue).sum()
          - modelCpu.getOrDefault(CpuSample.MODEL_STAND_IN, 0.0);
      double without = featuresOnlyCpu.values().stream().mapToDouble(Double::doubleValue).sum();
      return with <= 0 ? Double.NaN : without / with;
    }
  }

  private JobBench() {}

  public static Figures run(EmbeddedKafka kafka, int events, Duration steady, Duration burst, Path work) {
    return run(kafka, events, steady, burst, Duration.ofMillis(ScoringGraph.DEFAULT_CHECKPOINT_INTERVAL_MS), work);
  }

  /**
   * @param checkpointInterval how often the job checkpoints, which commits its results: the job's own default (10 s)
   *     for the figures; a test that wants results sooner may ask for less, at a cost in throughput (every checkpoint
   *     writes the events waiting for their answers)
   */
  public static Figures run(EmbeddedKafka kafka, int events, Duration steady, Duration burst, Duration checkpointInterval,
      Path work) {
    try (TestModelServer model = TestModelServer.start(); Admin admin = kafka.admin();
        KafkaProducer<String, String> producer = KafkaTopics.producer(kafka.bootstrapServers())) {
      model.answer("fraud", TestModelServer.Behaviour.healthy("1").withBatchCost(MODEL_LATENCY_MS, MODEL_PER_ITEM_MS));
      String input = ExampleContract.fraud("jb", kafka.bootstrapServers(), model.url()).get(JobContract.INPUT_TOPICS);
      KafkaTopics.create(admin, Map.of(input, 2, "jb-pass-through", 2));
      Random random = new Random(7);
      long now = System.currentTimeMillis();
      for (int i = 0; i < events; i++) {
        send(producer, input, random, "b" + i, now - 1_000);
      }
      producer.flush();

      double passThrough = passThrough(kafka, input, "jb-pass-through", events);

      // a first pass over the same events, not measured: the runs measured meet warm code, as a job in production does.
      // Then the job with the model and the job with inference switched off (the control sheds every event to its
      // fallback), in turn, twice each: on two shared cores one pass alone varies by a third
      pass(kafka, admin, model, input, "jw", false, events, checkpointInterval, work);
      model.resetCounts();
      List<Pass> withModel = new ArrayList<>();
      List<Pass> featuresOnly = new ArrayList<>();
      List<Double> roundShares = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        withModel.add(pass(kafka, admin, model, input, "jb" + round, false, events, checkpointInterval, work));
        featuresOnly.add(pass(kafka, admin, model, input, "jf" + round, true, events, checkpointInterval, work));
        roundShares.add(withModel.get(round - 1).perSecond() / featuresOnly.get(round - 1).perSecond());
      }
      double jobRate = Bench.median(withModel.stream().map(Pass::perSecond).toList());
      double featuresOnlyRate = Bench.median(featuresOnly.stream().map(Pass::perSecond).toList());
      double firstResult = withModel.get(0).firstResultSeconds();
      double meanBatch = model.items() / (double) Math.max(1, model.requests());

      Map<String, String> latency = ExampleContract.fraud("jl", kafka.bootstrapServers(), model.url());
      String latencyInput = latency.get(JobContract.INPUT_TOPICS);
      String output = latency.get(JobContract.OUTPUT_TOPIC);
      KafkaTopics.create(admin, Map.of(latencyInput, 2, output, 2, latency.get(JobContract.LATE_EVENTS_TOPIC), 1));
      try (LocalJob job = start(latency, checkpointInterval, work.resolve("latency"))) {
        // warm up: the first events meet cold code and cold connections
        int sent = paced(producer, latencyInput, random, "w", jobRate * 0.25, Duration.ofSeconds(1), null);
        awaitResults(job, kafka, output, sent);
        // light load: what the path costs when nothing queues, beside the same at half the sustained rate
        int lightCount = paced(producer, latencyInput, random, "l", LIGHT_RATE, Duration.ofSeconds(5), null);
        List<Long> lightLatencies = latencies(awaitResults(job, kafka, output, sent + lightCount), "l");
        sent += lightCount;
        double steadyRate = jobRate * 0.5;
        int steadyCount = paced(producer, latencyInput, random, "s", steadyRate, steady, null);
        List<Result> steadyResults = awaitResults(job, kafka, output, sent + steadyCount);
        double burstRate = jobRate * 2;
        AtomicLong maxLag = new AtomicLong();
        String group = latency.get(JobContract.CONSUMER_GROUP);
        int burstCount = paced(producer, latencyInput, random, "x", burstRate, burst,
            () -> maxLag.accumulateAndGet(KafkaTopics.lag(admin, group, latencyInput), Math::max));
        long burstEnd = System.currentTimeMillis();
        List<Result> all = awaitResults(job, kafka, output, sent + steadyCount + burstCount);
        List<Long> steadyLatencies = latencies(steadyResults, "s");
        List<Long> burstLatencies = latencies(all, "x");
        long lastBurstDecision = all.stream().filter(r -> r.eventId().startsWith("x"))
            .mapToLong(r -> r.decidedAt()).max().orElse(burstEnd);
        return new Figures(events, passThrough, featuresOnlyRate, jobRate, firstResult, meanBatch, LIGHT_RATE,
            percentile(lightLatencies, 50), percentile(lightLatencies, 99), steadyRate,
            percentile(steadyLatencies, 50),
            percentile(steadyLatencies, 99), burstRate, percentile(burstLatencies, 50), percentile(burstLatencies, 99),
            maxLag.get(), Math.max(0, lastBurstDecision - burstEnd) / 1000.0, cpuPerThousand(withModel, events),
            cpuPerThousand(featuresOnly, events), roundShares);
      }
    }
  }

  /** Rounds of the two job passes, each with the model and then without it. */
  static final int ROUNDS = 3;

  /**
   * One pass of the job over the input's events: results per second, from its start to its first result, and the CPU
   * seconds each part used from its start to its last result.
   */
  private record Pass(double perSecond, double firstResultSeconds, Map<String, Double> cpu) {}

  /** CPU milliseconds per 1,000 events by part, the mean of the passes. */
  private static Map<String, Double> cpuPerThousand(List<Pass> passes, int events) {
    Map<String, Double> perThousand = new java.util.LinkedHashMap<>();
    for (Pass pass : passes) {
      pass.cpu().forEach((part, seconds) -> perThousand.merge(part, seconds * 1e6 / events / passes.size(), Double::sum));
    }
    return perThousand;
  }

  private static Pass pass(EmbeddedKafka kafka, Admin admin, TestModelServer model, String input, String namespace,
      boolean inferenceOff, int events, Duration checkpointInterval, Path work) {
    Map<String, String> contract = new java.util.HashMap<>(ExampleContract.fraud(namespace, kafka.bootstrapServers(),
        model.url()));
    contract.put(JobContract.INPUT_TOPICS, input);
    KafkaTopics.create(admin, Map.of(contract.get(JobContract.OUTPUT_TOPIC), 2, contract.get(JobContract.LATE_EVENTS_TOPIC), 1));
    if (inferenceOff) {
      Path control = work.resolve(namespace + "-control");
      try {
        Files.createDirectories(control);
        Files.writeString(control.resolve("mode"), "shed");
        Files.writeString(control.resolve("level-name"), "bench: inference off");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      contract.put(JobContract.CONTROL_DIR, control.toString());
    }
    long started = System.currentTimeMillis();
    CpuSample before = CpuSample.take(kafka);
    try (LocalJob job = start(contract, checkpointInterval, work.resolve(namespace))) {
      List<Result> results = awaitResults(job, kafka, contract.get(JobContract.OUTPUT_TOPIC), events);
      Map<String, Double> cpu = CpuSample.take(kafka).since(before);
      long first = results.stream().mapToLong(r -> r.decidedAt()).min().orElseThrow();
      return new Pass(rate(results, events), (first - started) / 1000.0, cpu);
    }
  }

  /** Results per second, from the first decision to the last. */
  private static double rate(List<Result> results, int events) {
    long first = results.stream().mapToLong(r -> r.decidedAt()).min().orElseThrow();
    long last = results.stream().mapToLong(r -> r.decidedAt()).max().orElseThrow();
    return (events - 1) * 1000.0 / Math.max(1, last - first);
  }

  private static LocalJob start(Map<String, String> contract, Duration checkpointInterval, Path checkpoints) {
    return LocalJob.start(contract, 2, checkpoints, Map.of("execution.checkpointing.interval",
        checkpointInterval.toMillis() + " ms"), null);
  }

  /** One card transaction, as the example's producers write it: its time is when it happened, just now. */
  private static void send(KafkaProducer<String, String> producer, String topic, Random random, String id, long time) {
    String card = "card-" + random.nextInt(1000);
    producer.send(new ProducerRecord<>(topic, Math.floorMod(card.hashCode(), 2), card, "{\"txn_id\":\"" + id
        + "\",\"card_id\":\"" + card + "\",\"amount\":" + (1 + random.nextInt(500)) + ",\"merchant\":\"m"
        + random.nextInt(50) + "\",\"event_time\":" + time + "}"));
  }

  /** Sends at {@code rate} events a second for {@code duration}, each stamped with the moment it is sent. */
  private static int paced(KafkaProducer<String, String> producer, String topic, Random random, String prefix, double rate,
      Duration duration, Runnable sample) {
    long start = System.nanoTime();
    long count = Math.max(1, Math.round(rate * duration.toMillis() / 1000.0));
    long nextSample = start;
    for (int i = 0; i < count; i++) {
      long due = start + (long) (i * 1e9 / rate);
      while (System.nanoTime() < due) {
        LockSupport.parkNanos(Math.min(due - System.nanoTime(), 1_000_000)); // load generation pacing
      }
      send(producer, topic, random, prefix + i, System.currentTimeMillis());
      if (sample != null && System.nanoTime() >= nextSample) {
        sample.run();
        nextSample = System.nanoTime() + 200_000_000;
      }
    }
    producer.flush();
    return (int) count;
  }

  /** A plain consumer and producer moving the same events from one topic to another, as fast as they go. */
  private static double passThrough(EmbeddedKafka kafka, String from, String to, int events) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "jb-pass-through");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("linger.ms", "5");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      consumer.subscribe(List.of(from));
      long moved = 0;
      long started = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (moved < events && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          if (started == 0) {
            started = System.nanoTime();
          }
          producer.send(new ProducerRecord<>(to, r.partition(), r.key(), r.value()));
          moved++;
        }
        consumer.commitAsync();
      }
      producer.flush();
      consumer.commitSync();
      return (moved - 1) / ((System.nanoTime() - started) / 1e9);
    }
  }

  /**
   * The results on {@code topic} once there are {@code count}, each record read and parsed once: a reader that
   * re-read the whole topic at every look took as much of the two cores as the job it measured.
   */
  private static List<Result> awaitResults(LocalJob job, EmbeddedKafka kafka, String topic, int count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    List<Result> results = new ArrayList<>();
    // the records' bytes, parsed as they are: a String of each value and a parser over its chars were about 6% of
    // what the bench JVM allocated over a run
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await(count + " results on " + topic).atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
        job.checkAlive();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          results.add(parse(r.value()));
        }
        return results.size() >= count;
      });
    }
    return results;
  }

  private static List<Long> latencies(List<Result> results, String prefix) {
    return results.stream().filter(r -> r.eventId().startsWith(prefix))
        .map(r -> r.latencyMs()).sorted().toList();
  }

  static double percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /**
   * What the bench keeps of one result: kept small, as the bench shares the JVM (and its garbage collector) with the
   * job it measures; a parsed tree per result held 100,000 trees through the burst and made every young collection
   * copy them.
   */
  record Result(String eventId, long decidedAt, long latencyMs) {}

  private static Result parse(byte[] json) {
    try (JsonParser p = JSON.getFactory().createParser(json)) {
      String id = "";
      long decidedAt = 0;
      long latency = 0;
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "eventId" -> id = p.getValueAsString("");
          case "decidedAt" -> decidedAt = p.getValueAsLong();
          case "latencyMs" -> latency = p.getValueAsLong();
          default -> p.skipChildren();
        }
      }
      return new Result(id, decidedAt, latency);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the job bench alone: {@code events} to push through (default 100000). */
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Path work = Files.createTempDirectory("slipstream-job-bench");
      Figures f = run(kafka, events, Duration.ofSeconds(10), Duration.ofSeconds(5), work);
      print(f);
    }
    System.exit(0);
  }

  static void print(Figures f) {
    System.out.printf(java.util.Locale.ROOT, "  job: %d events; %.0f/s plain consume-and-produce, %.0f/s the job with"
        + " inference off, %.0f/s the job with a %.0f ms + %.2f ms/event model in batches of %.1f on average (ratio %.3f"
        + " to plain, %.2f to inference off); first result %.1f s after start; event to decision at %.0f/s p50 %.0f ms p99"
        + " %.0f ms, at %.0f/s p50 %.0f ms p99 %.0f ms; burst at %.0f/s p50 %.0f ms p99 %.0f ms, largest lag %d, drained %.1f s after it%n", f.events(),
        f.passThroughPerSecond(), f.featuresOnlyPerSecond(), f.jobPerSecond(), MODEL_LATENCY_MS, MODEL_PER_ITEM_MS,
        f.meanBatch(), f.ratio(), f.modelShare(), f.firstResultSeconds(), f.lightRate(), f.lightP50Ms(), f.lightP99Ms(),
        f.steadyRate(), f.steadyP50Ms(), f.steadyP99Ms(),
        f.burstRate(), f.burstP50Ms(), f.burstP99Ms(), f.burstMaxLag(), f.drainSeconds());
    StringBuilder cpu = new StringBuilder("  job CPU ms per 1,000 events, with the model / inference off / the difference:");
    double model = 0;
    double off = 0;
    for (String part : f.modelCpu().keySet()) {
      double m = f.modelCpu().get(part);
      double o = f.featuresOnlyCpu().getOrDefault(part, 0.0);
      model += m;
      off += o;
      cpu.append(String.format(java.util.Locale.ROOT, " %s %.1f / %.1f / %+.1f;", part, m, o, m - o));
    }
    cpu.append(String.format(java.util.Locale.ROOT, " all %.1f / %.1f / %+.1f", model, off, model - off));
    System.out.println(cpu);
    System.out.println("  job with the model over inference off, round by round: " + f.roundShares().stream()
        .map(r -> String.format(java.util.Locale.ROOT, "%.2f", r)).collect(java.util.stream.Collectors.joining(" / "))
        + String.format(java.util.Locale.ROOT, " (median %.2f); by CPU, the model stand-in's own left out: %.2f",
            f.modelShare(), f.modelShareServerElsewhere()));
  }
}
