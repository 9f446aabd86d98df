package dev.slipstream.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import dev.slipstream.api.v1alpha1.TopicStatus;
import dev.slipstream.core.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineStatusDeciderTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant T1 = T0.plusSeconds(60);
  private static final List<TopicStatus> TOPICS = List.of(new TopicStatus("events", "input", 6, 1, true, null));

  private static PipelineObservation seen(Readiness topics, Readiness serving, Readiness job, Readiness policy, Long lag) {
    return new PipelineObservation(List.of(), topics, TOPICS, serving, job, policy, "fraud-v1@1",
        "http://fraud.payments.svc.cluster.local", "RUNNING", "slipstream.payments.fraud", lag, null, null, null);
  }

  private static PipelineObservation allReady(Long lag) {
    return seen(Readiness.ready("TopicsReady", "3 topics exist as declared"), Readiness.ready("ServingReady", "ok"),
        Readiness.ready("JobRunning", "RUNNING"), Readiness.ready("NoShedPolicy", "none"), lag);
  }

  @Test
  void readyOnlyWhenTopicsServingAndJobAreAllReady() {
    StreamingPipelineStatus status = PipelineStatusDecider.decide(null, allReady(0L), 3, T0);
    assertThat(status.phase).isEqualTo("Ready");
    assertThat(status.observedGeneration).isEqualTo(3);
    assertThat(status.conditions).extracting(c -> c.getType() + "=" + c.getStatus())
        .containsExactly("TopicsReady=True", "ServingReady=True", "FlinkJobReady=True", "Ready=True");
    assertThat(status.conditions).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3));
    assertThat(status.consumerLag).isZero();
  }

  @Test
  void theFirstThingNotReadyNamesTheReasonAndEveryWaitIsInTheMessage() {
    var observation = seen(Readiness.pending("TopicsPending", "events: does not exist yet"),
        Readiness.pending("ModelVersionNotFound", "ModelVersion fraud-v1 does not exist"),
        Readiness.pending("JobPending", "the Flink job starts once the topics are ready"),
        Readiness.ready("NoShedPolicy", "none"), null);
    StreamingPipelineStatus status = PipelineStatusDecider.decide(null, observation, 1, T0);
    var ready = Conditions.find(status.conditions, "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("TopicsPending");
    assertThat(ready.getMessage()).contains("does not exist yet").contains("ModelVersion fraud-v1 does not exist")
        .contains("the Flink job starts");
    assertThat(status.phase).isEqualTo("Provisioning");
  }

  @Test
  void aFailureMakesThePhaseFailedAndKafkaUnavailableMakesItDegraded() {
    var failed = seen(Readiness.ready("TopicsReady", "ok"), Readiness.failed("ServingFailed", "model did not load"),
        Readiness.ready("JobRunning", "ok"), Readiness.ready("NoShedPolicy", "none"), 0L);
    assertThat(PipelineStatusDecider.decide(null, failed, 1, T0).phase).isEqualTo("Failed");
    var kafkaDown = seen(Readiness.pending("KafkaUnavailable", "unreachable"), Readiness.ready("ServingReady", "ok"),
        Readiness.ready("JobRunning", "ok"), Readiness.ready("NoShedPolicy", "none"), null).withKafkaUnavailable(true);
    assertThat(PipelineStatusDecider.decide(null, kafkaDown, 1, T0).phase).isEqualTo("Degraded");
    assertThat(PipelineStatusDecider.decide(null, kafkaDown.withKafkaUnavailable(false), 1, T0).phase)
        .as("topics merely pending").isEqualTo("Provisioning");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenAConditionsStatusChanges() {
    StreamingPipelineStatus first = PipelineStatusDecider.decide(null, allReady(0L), 1, T0);
    StreamingPipelineStatus again = PipelineStatusDecider.decide(first, allReady(5L), 1, T1);
    assertThat(Conditions.find(again.conditions, "Ready").orElseThrow().getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(again.consumerLag).isEqualTo(5L);

    var down = seen(Readiness.pending("KafkaUnavailable", "unreachable"), Readiness.ready("ServingReady", "ok"),
        Readiness.ready("JobRunning", "ok"), Readiness.ready("NoShedPolicy", "none"), null);
    StreamingPipelineStatus after = PipelineStatusDecider.decide(again, down, 1, T1);
    assertThat(Conditions.find(after.conditions, "Ready").orElseThrow().getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(Conditions.find(after.conditions, "ServingReady").orElseThrow().getLastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void anUnchangedObservationGivesAnEqualStatusSoNothingIsWritten() {
    StreamingPipelineStatus first = PipelineStatusDecider.decide(null, allReady(0L), 1, T0);
    assertThat(PipelineStatusDecider.decide(first, allReady(0L), 1, T1)).isEqualTo(first);
  }

  @Test
  void anInvalidSpecKeepsWhatWasObservedAndSaysWhatToFix() {
    StreamingPipelineStatus ready = PipelineStatusDecider.decide(null, allReady(0L), 1, T0);
    var invalid = PipelineObservation.invalid(List.of("spec.flink.eventTime.allowedLateness: '1 minute' is not a duration"));
    StreamingPipelineStatus status = PipelineStatusDecider.decide(ready, invalid, 2, T1);
    var condition = Conditions.find(status.conditions, "Ready").orElseThrow();
    assertThat(condition.getReason()).isEqualTo("InvalidSpec");
    assertThat(condition.getMessage()).contains("allowedLateness").contains("not a duration");
    assertThat(status.phase).isEqualTo("Failed");
    assertThat(status.topics).as("what runs is left as it was").isEqualTo(ready.topics);
    assertThat(status.endpoint).isEqualTo(ready.endpoint);
  }

  @Test
  void aRollbackKeepsTheStableVersionReadyAndSaysDegradedRolloutFailed() {
    var rollout = rolledBackFraudV2();
    rollout.rollbackReason = "AnalysisFailed";
    rollout.message = "all traffic on fraud-v1; fraud-v2 rolled back: candidate p99 latency 412ms > 250ms (3/3 consecutive)";
    StreamingPipelineStatus status = PipelineStatusDecider.decide(null, allReadyWith(rollout, null, null), 4, T0);
    assertThat(Conditions.isTrue(status.conditions, "Ready")).isTrue();
    assertThat(Conditions.isTrue(status.conditions, "Progressing")).isFalse();
    var rolledBack = Conditions.find(status.conditions, "RolledBack").orElseThrow();
    assertThat(rolledBack.getStatus()).isEqualTo("True");
    assertThat(rolledBack.getReason()).isEqualTo("AnalysisFailed");
    assertThat(rolledBack.getMessage()).contains("412ms > 250ms");
    var degraded = Conditions.find(status.conditions, "Degraded").orElseThrow();
    assertThat(degraded.getReason()).isEqualTo("RolloutFailed");
    assertThat(status.rollout).isSameAs(rollout);
  }

  private static PipelineObservation shedAt(int level, dev.slipstream.api.v1alpha1.RolloutStatus rollout) {
    var shed = new dev.slipstream.api.v1alpha1.ShedStatus();
    shed.policy = "fraud-shed";
    shed.level = level;
    shed.levelName = level == 0 ? "normal" : "small-model";
    shed.since = T0.toString();
    shed.message = "entered level 2/3 'small-model': consumerLag 60000 > 50000";
    return allReadyWith(rollout, shed, "DowngradedToFallback");
  }

  /** fraud-v2 rolled back: fraud-v1 serves. */
  private static dev.slipstream.api.v1alpha1.RolloutStatus rolledBackFraudV2() {
    var rollout = new dev.slipstream.api.v1alpha1.RolloutStatus();
    rollout.phase = "RolledBack";
    rollout.stable = "fraud-v1";
    rollout.candidate = "fraud-v2";
    return rollout;
  }

  /** Everything ready, with this rollout and place on the ladder. */
  private static PipelineObservation allReadyWith(dev.slipstream.api.v1alpha1.RolloutStatus rollout,
      dev.slipstream.api.v1alpha1.ShedStatus shed, String shedReason) {
    var ready = allReady(60_000L);
    return new PipelineObservation(ready.problems(), ready.topics(), ready.topicStatuses(), ready.serving(),
        ready.flinkJob(), ready.policy(), ready.model(), ready.endpoint(), ready.flinkJobState(), ready.consumerGroup(),
        ready.consumerLag(), rollout, shed, shedReason);
  }

  @Test
  void aShedLevelAboveNormalIsDegradedWithTheActionsReasonAndStaysReady() {
    StreamingPipelineStatus status = PipelineStatusDecider.decide(null, shedAt(2, null), 4, T1);
    assertThat(Conditions.isTrue(status.conditions, "Ready")).isTrue();
    assertThat(status.phase).isEqualTo("Degraded");
    var degraded = Conditions.find(status.conditions, "Degraded").orElseThrow();
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo("DowngradedToFallback");
    assertThat(degraded.getMessage()).contains("ShedPolicy fraud-shed holds level 2 'small-model' since " + T0)
        .contains("consumerLag 60000 > 50000");
    assertThat(status.shed.level).isEqualTo(2);

    StreamingPipelineStatus back = PipelineStatusDecider.decide(status, shedAt(0, null), 4, T1.plusSeconds(60));
    assertThat(back.phase).isEqualTo("Ready");
    var clear = Conditions.find(back.conditions, "Degraded").orElseThrow();
    assertThat(clear.getStatus()).isEqualTo("False");
    assertThat(clear.getReason()).isEqualTo("AsDesigned");
  }

  @Test
  void aRollbackAndAShedLevelTogetherKeepRolloutFailedAndSayBoth() {
    StreamingPipelineStatus status = PipelineStatusDecider.decide(null, shedAt(2, rolledBackFraudV2()), 4, T1);
    var degraded = Conditions.find(status.conditions, "Degraded").orElseThrow();
    assertThat(degraded.getReason()).isEqualTo("RolloutFailed");
    assertThat(degraded.getMessage()).contains("fraud-v2 was rolled back").contains("holds level 2");
  }

  @Test
  void aRollbackSaysItsReasonAndTheWordsOfTheLastFailedCheck() {
    var rollout = rolledBackFraudV2();
    rollout.rollbackReason = "AnalysisFailed";
    var lag = new dev.slipstream.api.v1alpha1.AnalysisResult("consumerLag", "pipeline", 12000.0, 10000.0, "Fail",
        "pipeline consumer lag 12000 > 10000");
    var p99 = new dev.slipstream.api.v1alpha1.AnalysisResult("p99LatencyMs", "candidate", 80.0, 250.0, "Pass",
        "candidate p99 latency 80ms <= 250ms");
    rollout.checks = List.of(
        new dev.slipstream.api.v1alpha1.AnalysisCheck("2026-12-02T10:00:00Z", "Canary", 50, "Fail", List.of(lag, p99)),
        new dev.slipstream.api.v1alpha1.AnalysisCheck("2026-12-02T10:01:00Z", "Canary", 50, "NoData", List.of()));
    var degraded = Conditions.find(PipelineStatusDecider.decide(null, shedAt(0, rollout), 4, T1).conditions, "Degraded")
        .orElseThrow();
    assertThat(degraded.getMessage()).startsWith("fraud-v2 was rolled back (AnalysisFailed), last failed check at"
        + " 2026-12-02T10:00:00Z: pipeline consumer lag 12000 > 10000; fraud-v1 serves all traffic");
    // its twin: a rollback with no check kept (a candidate that never served) says the reason alone
    var degradedWithout = Conditions.find(PipelineStatusDecider.decide(null, shedAt(0, rolledBackFraudV2()), 4, T1)
        .conditions, "Degraded").orElseThrow();
    assertThat(degradedWithout.getMessage()).startsWith("fraud-v2 was rolled back; fraud-v1 serves");
  }

  @Test
  void retryBackoffGrowsWithTheOutageWithinItsBounds() {
    var min = java.time.Duration.ofSeconds(2);
    var max = java.time.Duration.ofSeconds(60);
    assertThat(RetryBackoff.after(T0, T0, min, max)).isEqualTo(min);
    assertThat(RetryBackoff.after(T0, T0.plusSeconds(10), min, max)).hasSeconds(10);
    assertThat(RetryBackoff.after(T0, T0.plusSeconds(3600), min, max)).isEqualTo(max);
    // topics being created: the same growth, capped low, since a user waits on them
    assertThat(RetryBackoff.pending(T0, T0.plusSeconds(1), min)).isEqualTo(min);
    assertThat(RetryBackoff.pending(T0, T0.plusSeconds(7), min)).hasSeconds(7);
    assertThat(RetryBackoff.pending(T0, T0.plusSeconds(40), min)).isEqualTo(RetryBackoff.PENDING_MAX);
    assertThat(RetryBackoff.pending(T0, T0.plusSeconds(40), java.time.Duration.ofSeconds(30))).as("never below min").hasSeconds(30);
    // a watch will tell when they show: the look is only a fallback
    assertThat(RetryBackoff.pending(T0, T0.plusSeconds(1), min, true)).isEqualTo(RetryBackoff.WATCHED_FALLBACK);
    assertThat(RetryBackoff.pending(T0, T0.plusSeconds(1), min, false)).as("the twin, unwatched").isEqualTo(min);
    assertThat(RetryBackoff.pending(T0, T0, java.time.Duration.ofSeconds(45), true)).as("never below min").hasSeconds(45);
  }

  @Test
  void anEventOnlyWhenReadyChangesAfterItsFirstReadyAndAWarningOnlyForAFailedOrDegradedPipeline() {
    StreamingPipelineStatus provisioning = PipelineStatusDecider.decide(null, seen(Readiness.pending("TopicsPending", "wait"),
        Readiness.ready("ServingReady", "ok"), Readiness.ready("JobRunning", "RUNNING"), Readiness.ready("NoShedPolicy", "none"),
        null), 1, T0);
    assertThat(PipelineStatusDecider.readyEvent(null, provisioning)).as("the state every new pipeline starts in").isEmpty();
    assertThat(PipelineStatusDecider.readyEvent(provisioning, provisioning)).as("nothing changed").isEmpty();
    StreamingPipelineStatus servingPending = PipelineStatusDecider.decide(provisioning, seen(Readiness.ready("TopicsReady", "ok"),
        Readiness.pending("ServingPending", "loading"), Readiness.ready("JobRunning", "RUNNING"),
        Readiness.ready("NoShedPolicy", "none"), 0L), 1, T1);
    assertThat(PipelineStatusDecider.readyEvent(provisioning, servingPending)).as("from one pending part to the next").isEmpty();
    StreamingPipelineStatus failedAtOnce = PipelineStatusDecider.decide(null, seen(Readiness.ready("TopicsReady", "ok"),
        Readiness.failed("ServingFailed", "cannot load"), Readiness.ready("JobRunning", "RUNNING"),
        Readiness.ready("NoShedPolicy", "none"), 0L), 1, T0);
    assertThat(PipelineStatusDecider.readyEvent(null, failedAtOnce)).as("a new pipeline failing at once, twin of the first")
        .contains(new PipelineStatusDecider.StatusEvent(true, "ServingFailed", "cannot load"));
    assertThat(PipelineStatusDecider.readyEvent(failedAtOnce, servingPending)).as("out of a failure: recovering")
        .contains(new PipelineStatusDecider.StatusEvent(false, "ServingPending", "loading"));

    StreamingPipelineStatus ready = PipelineStatusDecider.decide(servingPending, allReady(0L), 1, T1.plusSeconds(5));
    assertThat(PipelineStatusDecider.readyEvent(servingPending, ready)).as("a pipeline's first Ready: the condition says it")
        .isEmpty();
    assertThat(PipelineStatusDecider.readyEvent(null, PipelineStatusDecider.decide(null, allReady(0L), 1, T0)))
        .as("nor when its first status is Ready").isEmpty();
    StreamingPipelineStatus jobPending = PipelineStatusDecider.decide(ready, seen(Readiness.ready("TopicsReady", "ok"),
        Readiness.ready("ServingReady", "ok"), Readiness.pending("JobPending", "RECONCILING"),
        Readiness.ready("NoShedPolicy", "none"), 0L), 1, T1.plusSeconds(60));
    assertThat(PipelineStatusDecider.readyEvent(ready, jobPending)).as("leaving Ready is recorded").get()
        .extracting(PipelineStatusDecider.StatusEvent::warning, PipelineStatusDecider.StatusEvent::reason)
        .containsExactly(false, "JobPending");
    StreamingPipelineStatus readyAgain = PipelineStatusDecider.decide(jobPending, allReady(0L), 1, T1.plusSeconds(90));
    assertThat(PipelineStatusDecider.readyEvent(jobPending, readyAgain)).as("and so is its return, twin of the first Ready")
        .get().extracting(PipelineStatusDecider.StatusEvent::warning, PipelineStatusDecider.StatusEvent::reason)
        .containsExactly(false, "Ready");
    StreamingPipelineStatus handEdited = Json.copy(servingPending);
    Conditions.find(handEdited.conditions, Conditions.READY).orElseThrow().setLastTransitionTime("yesterday");
    assertThat(PipelineStatusDecider.readyEvent(handEdited, ready)).as("a time that does not read: recorded, no failure")
        .get().extracting(PipelineStatusDecider.StatusEvent::reason).isEqualTo("Ready");
    StreamingPipelineStatus recovered = PipelineStatusDecider.decide(failedAtOnce, allReady(0L), 1, T1);
    assertThat(PipelineStatusDecider.readyEvent(failedAtOnce, recovered)).as("Ready out of a failure, never Ready before")
        .get().extracting(PipelineStatusDecider.StatusEvent::reason).isEqualTo("Ready");

    StreamingPipelineStatus failed = PipelineStatusDecider.decide(ready, seen(Readiness.ready("TopicsReady", "ok"),
        Readiness.failed("ServingFailed", "cannot load"), Readiness.ready("JobRunning", "RUNNING"),
        Readiness.ready("NoShedPolicy", "none"), 0L), 1, T1);
    assertThat(PipelineStatusDecider.readyEvent(ready, failed)).get()
        .extracting(PipelineStatusDecider.StatusEvent::warning, PipelineStatusDecider.StatusEvent::reason)
        .containsExactly(true, "ServingFailed");
  }

  @Test
  void theNextStatusIsACopyThePreviousIsNotChanged() {
    StreamingPipelineStatus ready = PipelineStatusDecider.decide(null, allReady(0L), 1, T0);
    String before = io.fabric8.kubernetes.client.utils.Serialization.asJson(ready);
    PipelineStatusDecider.decide(ready, seen(Readiness.ready("TopicsReady", "ok"), Readiness.failed("ServingFailed", "x"),
        Readiness.ready("JobRunning", "RUNNING"), Readiness.ready("NoShedPolicy", "none"), 7L), 2, T1);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(ready)).isEqualTo(before);
  }
}
