package dev.slipstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.job.Json;
import dev.slipstream.testkit.KafkaTopics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replay before exposure, end to end: the operator, the reference job on a real broker, a model server per
 * InferenceService. The stable version scored 12,000 card transactions; then the input goes quiet, so no live check
 * could judge a candidate. Each candidate is judged on a replay of the retained input instead: one that decides as the
 * stable version did passes and moves on to its canary; one that decides otherwise on a tenth of the events is rolled
 * back before it ever writes to the output topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayBeforeExposureIT {
  private static final String NS = "payments";
  private static final String PIPELINE = "fraud-scoring";
  private static final String OUTPUT = "fraud-scores";
  private static final int RETAINED = 12_000;
  private static EmbeddedStack stack;
  private static LocalServing serving;
  private static LocalFlink flink;

  @BeforeAll
  static void start() throws Exception {
    Path work = Files.createTempDirectory("replay-before-exposure");
    stack = new EmbeddedStack(Map.of("SLIPSTREAM_RESYNC", "2s", "SLIPSTREAM_METRICS_PORT", "0",
        "SLIPSTREAM_LEADER_ELECTION", "false"));
    serving = new LocalServing(stack.client, NS, Map.of());
    flink = new LocalFlink(stack.client, NS, serving, work).reportingTo(stack.flinkReports(NS));
    // no fallback for a busy machine: the comparison is of the models
    FraudPipeline.apply(stack, flink, p -> p.getSpec().inference.timeout = "5s");
    try (EventFeed feed = EventFeed.start(stack.kafka.bootstrapServers(), "card-transactions", 10)) {
      feed.stop(); // no trickle: the input is quiet once these are in
      feed.send(RETAINED - (int) feed.sent());
    }
    try {
      await("the stable version's decisions").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
          .until(() -> KafkaTopics.read(stack.kafka.bootstrapServers(), OUTPUT, true).size() >= RETAINED);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("decisions: " + KafkaTopics.read(stack.kafka.bootstrapServers(), OUTPUT, true).size()
          + ", late: " + KafkaTopics.read(stack.kafka.bootstrapServers(), OUTPUT + ".late", true).size() + ", input: "
          + KafkaTopics.read(stack.kafka.bootstrapServers(), "card-transactions", false).size() + "; rollout "
          + pipeline().getStatus().rollout + "; running " + flink.running(), e);
    }
  }

  @AfterAll
  static void stop() {
    flink.close();
    serving.close();
    stack.close();
  }

  @Test
  @Order(1)
  void aCandidateThatDecidesAsTheStableOneDidPassesItsReplayWithNoLiveTrafficAndMovesOnToItsCanary() {
    RolloutStatus done = rollOut("fraud-v2", "Canary", 2000);
    System.out.println("replay of fraud-v2: " + Json.MAPPER.valueToTree(done.replay));
    assertThat(done.replay.events).isEqualTo(RETAINED);
    assertThat(done.replay.compared).isEqualTo(RETAINED);
    assertThat(done.replay.agreeing).isEqualTo(RETAINED);
    assertThat(done.replay.featureMismatches).as("the replayed events got the features they got live").isZero();
    assertThat(done.replay.warmUp).isEqualTo("features warmed from 1441m before the window, as they were live");
    assertThat(done.checks).extracting(c -> c.phase + " " + c.verdict).contains("Replaying Pass");
    assertThat(events("ReplaySucceeded")).singleElement().satisfies(e -> assertThat(e.getMessage())
        .startsWith("fraud-v2 passed its replay of " + RETAINED + " events: replay agreement 100.00% >= 99.00%"));
    await("the replay job removed").atMost(Duration.ofSeconds(30)).until(() -> !flink.running().contains(PIPELINE + "-replay"));
    // back to the stable version: the canary would wait for live traffic that does not come
    setVersion("fraud-v1");
    await("fraud-v2 aborted").atMost(Duration.ofSeconds(30)).until(() -> "Idle".equals(pipeline().getStatus().rollout.phase));
  }

  @Test
  @Order(2)
  void aCandidateThatDisagreesOnATenthOfTheEventsIsRolledBackBeforeItWritesOneDecision() {
    serving.disagree("fraud-v3", 10);
    RolloutStatus done = rollOut("fraud-v3", "RolledBack", 2000);
    System.out.println("replay of fraud-v3: " + done.message);
    assertThat(done.rollbackReason).isEqualTo("ReplayFailed");
    assertThat(done.replay.compared).isEqualTo(RETAINED);
    assertThat(100.0 * done.replay.agreeing / done.replay.compared).isBetween(85.0, 95.0);
    assertThat(done.history).last().satisfies(r -> {
      assertThat(r.reason).isEqualTo("ReplayFailed");
      assertThat(r.maxWeight).as("never given live traffic").isZero();
    });
    assertThat(events("ReplayFailed")).singleElement().satisfies(e -> assertThat(e.getMessage())
        .startsWith("fraud-v3 failed its replay, before any live traffic: replay agreement "));
    assertThat(KafkaTopics.read(stack.kafka.bootstrapServers(), OUTPUT, true))
        .as("the output topic holds no decision of fraud-v3")
        .noneMatch(r -> Json.readOrText(r.value()).path("modelVersion").asText().equals("3"));
    assertThat(KafkaTopics.read(stack.kafka.bootstrapServers(), OUTPUT + ".replay", true))
        .as("its decisions are in the replay topic").anyMatch(r -> Json.readOrText(r.value()).path("modelVersion").asText().equals("3"));
  }

  @Test
  @Order(3)
  void aCandidateThatAgreesButAnswersSlowlyUnderReplayLoadIsRolledBackOnItsOwnLatency() {
    serving.behave("fraud-v5", 300, 0);
    RolloutStatus done = rollOut("fraud-v5", "RolledBack", 200);
    System.out.println("replay of fraud-v5: " + done.message);
    assertThat(done.rollbackReason).isEqualTo("ReplayFailed");
    assertThat(done.lastAnalysis).extracting(r -> r.metric + " " + r.verdict)
        .contains("replayAgreementPercent Pass", "replayP99LatencyMs Fail");
    assertThat(done.replay.p99ModelMs).isGreaterThanOrEqualTo(300);
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * Rolls {@code name} out with a replay of the last 10 minutes (its model's p99 under replay load held to
   * {@code p99Ms}) before a canary, until the rollout reaches {@code phase}.
   */
  private static RolloutStatus rollOut(String name, String phase, int p99Ms) {
    stack.createFraudVersion(NS, Integer.parseInt(name.substring("fraud-v".length())));
    stack.client.resources(StreamingPipeline.class).inNamespace(NS).withName(PIPELINE).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"rollout\":{\"replay\":{\"window\":\"10m\",\"p99LatencyMs\":" + p99Ms + "},\"canary\":{\"steps\":"
            + "[50,100],\"interval\":\"5s\"}},\"serving\":{\"modelVersionRef\":{\"name\":\"" + name + "\"}}}}");
    List<String> phases = new ArrayList<>();
    RolloutStatus done = FraudPipeline.awaitRollout(stack, name, phase, Duration.ofSeconds(180), r -> phases.add(r.phase));
    assertThat(phases).as("replayed before anything else").first().isEqualTo("Replaying");
    return done;
  }

  private static void setVersion(String name) {
    stack.client.resources(StreamingPipeline.class).inNamespace(NS).withName(PIPELINE).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"" + name + "\"}}}}");
  }

  private static List<Event> events(String reason) {
    return stack.client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  private static StreamingPipeline pipeline() {
    return FraudPipeline.get(stack);
  }
}
