package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.replay.ReplayJudgement;
import dev.slipstream.core.replay.ReplayPlan;
import dev.slipstream.core.slo.Verdict;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.features.FeatureSet;
import dev.slipstream.job.local.LocalJob;
import dev.slipstream.testkit.TestModelServer;
import dev.slipstream.testkit.TestModelServer.Behaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference job as a replay: the stable version scored 15,000 card transactions live (the output topic holds its
 * decisions); a candidate replays the newest 10,000 of them from the retained input, its features warmed from the
 * 5,000 before, writing only to its own replay topic; the judgement matches both by event id.
 */
class ReplayIT {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final int LIVE = 15_000;
  private static final int CARDS = 400;
  private static final String CANDIDATE_MODEL = "fraud-candidate";
  private static JobHarness harness;
  private static TestModelServer model;
  private static Map<String, String> primary;
  private static Instant firstEvent;
  private static int replays;

  @BeforeAll
  static void scoreTheLiveEvents(@TempDir Path checkpoints) {
    harness = new JobHarness();
    model = TestModelServer.start();
    model.answer("fraud", Behaviour.healthy("1"));
    primary = new HashMap<>(harness.contract("replay", model.url()));
    // a model call that waits behind a busy machine is not what these tests judge: no event falls back for it
    primary.put(JobContract.INFERENCE_TIMEOUT, "20000 ms");
    harness.createTopics(primary, 2);
    String input = primary.get(JobContract.INPUT_TOPICS);
    // 25 minutes of transactions, in order on each partition, each record stamped with its event's time
    firstEvent = Instant.now().minus(Duration.ofMinutes(30));
    for (int i = 0; i < LIVE; i++) {
      int card = (i * 7919) % CARDS;
      long time = firstEvent.toEpochMilli() + i * 100L;
      harness.send(input, card % 2, time, "card-" + card, new ScoringJobIT.Txn("t" + i, "card-" + card,
          (i * 37) % 500 + 0.5, "m" + (i % 23), time).json());
    }
    harness.flush();
    LocalJob live = harness.start(primary, 2, checkpoints);
    await("the stable version's " + LIVE + " decisions").atMost(PATIENCE).until(() -> {
      live.checkAlive();
      return harness.read(primary.get(JobContract.OUTPUT_TOPIC)).size() >= LIVE;
    });
    assertThat(harness.read(primary.get(JobContract.OUTPUT_TOPIC))).as("the stable version scored every event")
        .allMatch(r -> r.path("kind").asText().equals("scored"));
    harness.stopAll();
  }

  @AfterEach
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

  @Test
  void aCandidateThatDecidesAsTheStableOneAgreesOnEveryReplayedEventWithTheFeaturesItHadLive(@TempDir Path checkpoints) {
    model.answer(CANDIDATE_MODEL, Behaviour.healthy("2"));
    Replay replay = replay(5_000, null, checkpoints);

    assertThat(replay.plan.events()).isEqualTo(10_000);
    assertThat(replay.plan.warmUpComplete()).isTrue();
    assertThat(replay.records.stream().filter(r -> !r.path("kind").asText().equals("scored"))
        .collect(Collectors.groupingBy(r -> r.path("reason").asText(), Collectors.counting())))
        .as("decisions that are not the model's, by reason").isEmpty();
    assertThat(replay.records).hasSize(10_000)
        .allSatisfy(r -> assertThat(r.path("modelVersion").asText()).isEqualTo("2"));
    assertThat(replay.records.stream().map(r -> r.path("eventId").asText()).collect(Collectors.toSet()))
        .as("the newest 10,000, and no warm-up event").hasSize(10_000).doesNotContain("t0", "t4999").contains("t5000", "t14999");
    var counts = replay.judgement.counts();
    assertThat(counts.compared()).as(counts.toString()).isEqualTo(10_000);
    assertThat(counts.agreeing()).isEqualTo(10_000);
    assertThat(counts.featureMismatches()).as("replayed features equal the live ones").isZero();
    assertThat(Verdict.of(replay.results)).as(replay.results.toString()).isEqualTo(Verdict.Pass);
    assertThat(replay.results.get(0).message).isEqualTo("replay agreement 100.00% >= 99.00% (10000 of 10000 events)");
  }

  @Test
  void withoutTheWarmUpTheSameCandidateGetsOtherFeaturesAndTheJudgementSaysItIsNotTheModel(@TempDir Path checkpoints) {
    // the healthy twin's control: the same replay with its warm-up cut off shows the parity check can fail
    model.answer(CANDIDATE_MODEL, Behaviour.healthy("2"));
    Replay replay = replay(5_000, null, checkpoints, Duration.ZERO);
    assertThat(replay.judgement.counts().featureMismatches()).isGreaterThan(1_000);
    assertThat(replay.results.get(0).message).contains("with features other than live (not the model's doing)");
  }

  @Test
  void aCandidateThatFlipsATenthOfItsDecisionsFailsAtAboutNinetyPercentAndNeverWritesTheRealOutput(@TempDir Path checkpoints) {
    model.answer(CANDIDATE_MODEL, Behaviour.healthy("3").withFlips(10));
    Replay replay = replay(5_000, null, checkpoints);

    assertThat(Verdict.of(replay.results)).isEqualTo(Verdict.Fail);
    assertThat(replay.results.get(0).verdict).isEqualTo("Fail");
    assertThat(replay.results.get(0).value).isBetween(87.0, 93.0);
    List<JsonNode> output = harness.read(primary.get(JobContract.OUTPUT_TOPIC));
    assertThat(output).hasSize(LIVE).noneMatch(r -> r.path("modelVersion").asText().equals("3"));
  }

  @Test
  void aSlowCandidateFailsOnItsOwnLatencyUnderReplayLoad(@TempDir Path checkpoints) {
    model.answer(CANDIDATE_MODEL, Behaviour.healthy("4").withLatency(150));
    Replay replay = replay(LIVE - 600, 500L, checkpoints);

    assertThat(replay.plan.events()).isEqualTo(500);
    assertThat(replay.results).extracting(r -> r.metric + " " + r.verdict).containsExactly(
        ReplayJudgement.AGREEMENT + " Pass", ReplayJudgement.P99_LATENCY + " Fail", ReplayJudgement.ERROR_RATE + " Pass");
  }

  // ---------------------------------------------------------------------------------------------------------

  private record Replay(ReplayPlan plan, List<JsonNode> records, ReplayJudgement judgement,
      List<dev.slipstream.api.v1alpha1.AnalysisResult> results) {}

  /**
   * Replays the events from the {@code fromEvent}-th on (at most {@code maxEvents}), its features warmed by
   * {@code warmUp} (null: as long as the features read), into a topic of its own, and judges it.
   */
  private static Replay replay(int fromEvent, Long maxEvents, Path checkpoints, Duration warmUp) {
    String topic = primary.get(JobContract.OUTPUT_TOPIC) + ".replay-" + (++replays);
    harness.createTopics(Map.of(JobContract.INPUT_TOPICS, topic + "-unused", JobContract.OUTPUT_TOPIC, topic,
        JobContract.LATE_EVENTS_TOPIC, topic), 1);
    JobSettings live = JobSettings.from(primary);
    Duration needed = warmUp != null ? warmUp
        : Duration.ofMillis(new FeatureSet(live.features(), live.allowedLateness().toMillis()).retentionMillis());
    Instant windowStart = firstEvent.plusMillis(fromEvent * 100L);
    ReplayPlan plan = ReplayPlan.of(windowStart, needed, maxEvents, offsets(primary.get(JobContract.INPUT_TOPICS),
        windowStart, needed));

    // the replay's own bound, below the live job's: it reads as fast as the candidate answers, never starving the
    // serving the live pipeline shares the machine with (the operator's default, spec.rollout.replay.maxInFlight)
    Map<String, String> contract = dev.slipstream.testkit.ExampleContract.replay(primary, topic, plan.contract(),
        CANDIDATE_MODEL, 8);
    long started = System.nanoTime();
    LocalJob job = harness.start(contract, 1, checkpoints);
    await("the replay to end").atMost(PATIENCE).until(() -> {
      job.checkAlive();
      return job.client().getJobExecutionResult().isDone();
    });
    job.checkAlive();

    List<JsonNode> records = harness.read(topic);
    ReplayJudgement judgement = new ReplayJudgement(new ReplayJudgement.Limits(99, 100.0, 1, 0.05));
    records.forEach(r -> judgement.replayed(ReplayJudgement.Decision.of(r)));
    harness.read(primary.get(JobContract.OUTPUT_TOPIC)).forEach(r -> judgement.stable(ReplayJudgement.Decision.of(r)));
    System.out.printf("replay of %d events (%s) in %d ms: %s%n", plan.events(), plan.warmUpMessage(),
        (System.nanoTime() - started) / 1_000_000, judgement.counts());
    return new Replay(plan, records, judgement, judgement.judge("candidate"));
  }

  private static Replay replay(int fromEvent, Long maxEvents, Path checkpoints) {
    return replay(fromEvent, maxEvents, checkpoints, null);
  }

  /** What the broker says of each partition of {@code topic}: its end, and the first offsets at the window and warm-up starts. */
  private static List<ReplayPlan.PartitionOffsets> offsets(String topic, Instant windowStart, Duration warmUp) {
    try (Admin admin = harness.kafka.admin()) {
      Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
          .stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
      Map<TopicPartition, ListOffsetsResultInfo> logStart = list(admin, partitions, OffsetSpec.earliest());
      Map<TopicPartition, ListOffsetsResultInfo> end = list(admin, partitions, OffsetSpec.latest());
      Map<TopicPartition, ListOffsetsResultInfo> atStart = list(admin, partitions, OffsetSpec.forTimestamp(windowStart.toEpochMilli()));
      Map<TopicPartition, ListOffsetsResultInfo> atWarmUp = list(admin, partitions,
          OffsetSpec.forTimestamp(windowStart.minus(warmUp).toEpochMilli()));
      List<ReplayPlan.PartitionOffsets> offsets = new ArrayList<>();
      for (TopicPartition p : partitions.stream().sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList()) {
        offsets.add(new ReplayPlan.PartitionOffsets(topic, p.partition(), logStart.get(p).offset(), end.get(p).offset(), offset(atStart.get(p)),
            offset(atWarmUp.get(p)), atWarmUp.get(p).offset() < 0 ? null : atWarmUp.get(p).timestamp()));
      }
      return offsets;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Long offset(ListOffsetsResultInfo info) {
    return info.offset() < 0 ? null : info.offset();
  }

  private static Map<TopicPartition, ListOffsetsResultInfo> list(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec)
      throws Exception {
    Map<TopicPartition, OffsetSpec> asked = new HashMap<>();
    partitions.forEach(p -> asked.put(p, spec));
    return admin.listOffsets(asked).all().get();
  }
}
