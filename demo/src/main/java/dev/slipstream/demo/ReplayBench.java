package dev.slipstream.demo;

import static org.awaitility.Awaitility.await;

import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.port.ReplaySource;
import dev.slipstream.core.replay.ReplayJudgement;
import dev.slipstream.core.replay.ReplayPlan;
import dev.slipstream.core.slo.Verdict;
import dev.slipstream.job.local.LocalJob;
import dev.slipstream.operator.kafka.AdminClientKafkaAccess;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.ExampleContract;
import dev.slipstream.testkit.KafkaTopics;
import dev.slipstream.testkit.TestModelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Time to a replay verdict: the stable version has scored {@code events} retained transactions live; a candidate
 * replays them all, as the operator runs it (its plan and its reads through the operator's own Kafka adapter, the
 * replay job at its default bound of 8 requests in flight and parallelism 1, the batched model of {@link JobBench}),
 * and is judged. Beside it, how long a canary would wait to see as many live events at the demo's input rate.
 */
public final class ReplayBench {
  /** The demo's input rate, events per second, and the first step of its canary, percent. */
  static final double DEMO_RATE = 40;
  static final int FIRST_STEP_PERCENT = 10;

  /**
   * @param planSeconds asking the broker for the range; jobSeconds from the replay job's start to its end;
   *     judgeSeconds reading both topics and judging; agreementPercent of the compared events
   */
  public record Figures(long events, double planSeconds, double jobSeconds, double judgeSeconds, double agreementPercent,
      long compared, Long p99ModelMs, String verdict) {
    public double verdictSeconds() {
      return planSeconds + jobSeconds + judgeSeconds;
    }

    public double eventsPerSecond() {
      return events / Math.max(1e-9, jobSeconds);
    }

    /** A canary's wait for as many live events at the demo's rate: with all the traffic, and at its first step. */
    public double canaryFullSeconds() {
      return events / DEMO_RATE;
    }

    public double canaryFirstStepSeconds() {
      return events / (DEMO_RATE * FIRST_STEP_PERCENT / 100.0);
    }
  }

  private ReplayBench() {}

  public static Figures run(EmbeddedKafka kafka, int events, Path work) throws Exception {
    try (TestModelServer model = TestModelServer.start(); Admin admin = kafka.admin();
        KafkaProducer<String, String> producer = KafkaTopics.producer(kafka.bootstrapServers());
        AdminClientKafkaAccess access = new AdminClientKafkaAccess(Duration.ofSeconds(10))) {
      var batched = TestModelServer.Behaviour.healthy("1").withBatchCost(JobBench.MODEL_LATENCY_MS, JobBench.MODEL_PER_ITEM_MS);
      model.answer("fraud", batched);
      model.answer("fraud-candidate", batched);
      Map<String, String> live = new HashMap<>(ExampleContract.fraud("rb", kafka.bootstrapServers(), model.url()));
      live.put(JobContract.INFERENCE_TIMEOUT, "20000 ms"); // the comparison is of the models, not of a busy machine
      String input = live.get(JobContract.INPUT_TOPICS);
      String output = live.get(JobContract.OUTPUT_TOPIC);
      String replayTopic = output + ".replay";
      KafkaTopics.create(admin, Map.of(input, 2, output, 2, live.get(JobContract.LATE_EVENTS_TOPIC), 1, replayTopic, 1));
      Random random = new Random(11);
      long start = System.currentTimeMillis() - events - 60_000L;
      for (int i = 0; i < events; i++) {
        String card = "card-" + random.nextInt(2000);
        long time = start + i;
        producer.send(new ProducerRecord<>(input, null, time, card, "{\"txn_id\":\"r" + i + "\",\"card_id\":\"" + card
            + "\",\"amount\":" + (5 + random.nextInt(400)) + ",\"merchant\":\"m" + random.nextInt(40) + "\",\"event_time\":"
            + time + "}"));
      }
      producer.flush();
      // yesterday: the stable version scores them live (not measured)
      try (LocalJob job = LocalJob.start(live, 2, work.resolve("live"), Map.of("execution.checkpointing.interval", "1000 ms"),
          null)) {
        String group = live.get(JobContract.CONSUMER_GROUP);
        await("the stable version's decisions").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).until(() -> {
          job.checkAlive();
          return KafkaTopics.lag(admin, group, input) == 0
              && KafkaTopics.read(kafka.bootstrapServers(), output, true).size() >= events;
        });
      }

      ReplaySource source = access.connect(Map.of("bootstrap.servers", kafka.bootstrapServers())).replay();
      long t0 = System.nanoTime();
      Instant windowStart = Instant.ofEpochMilli(start);
      ReplayPlan plan = ReplayPlan.of(windowStart, Duration.ofHours(24).plusMinutes(1), null,
          source.offsets(List.of(input), windowStart, Duration.ofHours(24).plusMinutes(1)));
      String outputFrom = source.ends(replayTopic);
      long t1 = System.nanoTime();
      Map<String, String> contract = ExampleContract.replay(live, replayTopic, plan.contract(), "fraud-candidate", 8);
      try (LocalJob job = LocalJob.start(contract, 1, work.resolve("replay"), Map.of(), null)) {
        await("the replay's end").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
          job.checkAlive();
          return job.client().getJobExecutionResult().isDone();
        });
      }
      long t2 = System.nanoTime();
      ReplayJudgement judgement = new ReplayJudgement(new ReplayJudgement.Limits(99, 250.0, 1, 0.05));
      if (!source.read(replayTopic, outputFrom, output, windowStart, judgement)) {
        throw new IllegalStateException("the replay's records could not be read");
      }
      var results = judgement.judge("fraud-candidate");
      long t3 = System.nanoTime();
      var counts = judgement.counts();
      return new Figures(plan.events(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, counts.agreementPercent(),
          counts.compared(), counts.p99ModelMs(), Verdict.of(results).name());
    }
  }

  static void print(Figures f) {
    System.out.printf(Locale.ROOT, "  replay: %d retained events to a verdict (%s) in %.1f s: plan %.2f s, job %.1f s"
        + " (%.0f events/s at 8 requests in flight, parallelism 1), reading and judging %.1f s; %d compared, %.2f%%"
        + " agree, model p99 %s ms. A canary at the demo's %.0f events/s waits %.0f s for as many live events with all"
        + " the traffic, %.0f s at its first step's %d%%%n", f.events(), f.verdict(), f.verdictSeconds(), f.planSeconds(),
        f.jobSeconds(), f.eventsPerSecond(), f.judgeSeconds(), f.compared(), f.agreementPercent(), f.p99ModelMs(),
        DEMO_RATE, f.canaryFullSeconds(), f.canaryFirstStepSeconds(), FIRST_STEP_PERCENT);
  }

  /** {@code make bench-replay}: the replay alone. */
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      print(run(kafka, events, Files.createTempDirectory("slipstream-replay-bench")));
    }
    System.exit(0);
  }
}
