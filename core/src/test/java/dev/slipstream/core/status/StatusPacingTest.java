package dev.slipstream.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.ModelVersionStatus;
import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import dev.slipstream.core.status.PipelineObservation.Waiting;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPacingTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private static StreamingPipelineStatus pipeline(String phase, String reason, long generation) {
    StreamingPipelineStatus s = new StreamingPipelineStatus();
    s.phase = phase;
    s.observedGeneration = generation;
    s.conditions = Conditions.with(List.of(), Conditions.READY, "Ready".equals(phase), reason, reason, generation, T0);
    return s;
  }

  private static dev.slipstream.api.v1alpha1.ShedStatus shed(int level, String evaluatedAt) {
    var s = new dev.slipstream.api.v1alpha1.ShedStatus();
    s.policy = "shed";
    s.level = level;
    s.evaluatedAt = evaluatedAt;
    return s;
  }

  private static StreamingPipelineStatus withShed(dev.slipstream.api.v1alpha1.ShedStatus shed) {
    var s = pipeline("Provisioning", "TopicsPending", 1);
    s.shed = shed;
    return s;
  }

  @Test
  void progressWhileProvisioningWaitsForTheIntervalSinceTheLastWrite() {
    var topicsPending = pipeline("Provisioning", "TopicsPending", 1);
    var servingPending = pipeline("Provisioning", "ServingPending", 1);
    assertThat(StatusPacing.pipeline(topicsPending, servingPending, T0, false, T0.plusSeconds(3), INTERVAL)).contains(Duration.ofSeconds(7));
    assertThat(StatusPacing.pipeline(topicsPending, servingPending, T0, false, T0.plusSeconds(10), INTERVAL))
        .as("the interval has passed").isEmpty();
    assertThat(StatusPacing.pipeline(topicsPending, servingPending, null, false, T0, INTERVAL))
        .as("no write remembered (a restart): now").isEmpty();
  }

  @Test
  void progressWhileOnlyTheOperatorsPartsAreOnTheirWayWaitsAMinuteSinceTheLastWrite() {
    var topicsPending = pipeline("Provisioning", "TopicsPending", 1);
    var servingPending = pipeline("Provisioning", "ServingPending", 1);
    assertThat(StatusPacing.pipeline(topicsPending, servingPending, T0, true, T0.plusSeconds(10), INTERVAL))
        .contains(Duration.ofSeconds(50));
    assertThat(StatusPacing.pipeline(topicsPending, servingPending, T0, true, T0.plusSeconds(60), INTERVAL))
        .as("a minute behind at most").isEmpty();
    assertThat(StatusPacing.pipeline(topicsPending, servingPending, T0, false, T0.plusSeconds(10), INTERVAL))
        .as("the twin: something to act on, before or after, waits only the interval").isEmpty();
    assertThat(StatusPacing.pipeline(topicsPending, pipeline("Ready", "Ready", 1), T0, true, T0.plusSeconds(10), INTERVAL))
        .as("Ready is written at once").isEmpty();
    assertThat(StatusPacing.pipeline(topicsPending, servingPending, T0, true, T0.plusSeconds(60), Duration.ofMinutes(2)))
        .as("an interval longer than the refresh is kept").contains(Duration.ofMinutes(1));
  }

  @Test
  void readyAFailureANewGenerationOrAFirstStatusAreWrittenAtOnce() {
    var provisioning = pipeline("Provisioning", "TopicsPending", 1);
    assertThat(StatusPacing.pipeline(provisioning, pipeline("Ready", "Ready", 1), T0, false, T0.plusSeconds(1), INTERVAL)).isEmpty();
    assertThat(StatusPacing.pipeline(provisioning, pipeline("Failed", "ServingFailed", 1), T0, false, T0.plusSeconds(1), INTERVAL)).isEmpty();
    assertThat(StatusPacing.pipeline(provisioning, pipeline("Provisioning", "TopicsPending", 2), T0, false, T0.plusSeconds(1), INTERVAL))
        .isEmpty();
    assertThat(StatusPacing.pipeline(null, provisioning, T0, false, T0.plusSeconds(1), INTERVAL)).isEmpty();
    var rolling = pipeline("Provisioning", "ServingPending", 1);
    rolling.rollout = new dev.slipstream.api.v1alpha1.RolloutStatus();
    rolling.rollout.phase = "Shadowing";
    assertThat(StatusPacing.pipeline(provisioning, rolling, T0, false, T0.plusSeconds(1), INTERVAL)).as("a rollout step").isEmpty();
    provisioning.shed = shed(0, "2026-12-02T10:00:00Z");
    assertThat(StatusPacing.pipeline(provisioning, withShed(shed(1, "2026-12-02T10:00:01Z")), T0, true, T0.plusSeconds(1),
        INTERVAL)).as("a ladder step").isEmpty();
    assertThat(StatusPacing.pipeline(provisioning, withShed(shed(0, "2026-12-02T10:00:01Z")), T0, true, T0.plusSeconds(1),
        INTERVAL)).as("the twin: a new evaluation at the same level is progress").contains(Duration.ofSeconds(59));
  }

  @Test
  void aNewPipelinesFirstStatusWaitsWhileItsPartsAreOnlyBeingCreated() {
    var provisioning = pipeline("Provisioning", "TopicsPending", 1);
    assertThat(StatusPacing.firstPipelineStatus(provisioning, Waiting.ONLY_CREATING, T0, T0.plusSeconds(3), INTERVAL))
        .as("only parts on their way: held until the interval after it was first decided").contains(Duration.ofSeconds(7));
    assertThat(StatusPacing.firstPipelineStatus(provisioning, Waiting.ONLY_CREATING, T0, T0.plusSeconds(10), INTERVAL))
        .as("still provisioning after the interval: written").isEmpty();
    assertThat(StatusPacing.firstPipelineStatus(pipeline("Ready", "Ready", 1), Waiting.ONLY_CREATING, T0, T0.plusSeconds(1),
        INTERVAL)).as("Ready within it: written at once, the only write").isEmpty();
    var missing = pipeline("Provisioning", "ModelVersionNotFound", 1);
    assertThat(StatusPacing.firstPipelineStatus(missing, Waiting.NAMED_OBJECTS, T0, T0.plusSeconds(1), INTERVAL))
        .as("a named object not there yet: a fold for the rest of the sync to arrive").contains(Duration.ofSeconds(1));
    assertThat(StatusPacing.firstPipelineStatus(missing, Waiting.NAMED_OBJECTS, T0, T0.plusSeconds(2), INTERVAL))
        .as("still missing after it: a typo in a name, reported").isEmpty();
    assertThat(StatusPacing.firstPipelineStatus(pipeline("Degraded", "KafkaUnavailable", 1), Waiting.OTHER, T0, T0,
        INTERVAL)).isEmpty();
    assertThat(StatusPacing.firstPipelineStatus(pipeline("Failed", "InvalidSpec", 1), Waiting.OTHER, T0, T0, INTERVAL))
        .isEmpty();
  }

  @Test
  void aStatusNeverWrittenIsAbsentOrEmptyAsANewPipelineReadsIt() {
    assertThat(StatusPacing.neverWritten(null)).isTrue();
    assertThat(StatusPacing.neverWritten(new StreamingPipelineStatus())).isTrue();
    assertThat(StatusPacing.neverWritten(pipeline("Provisioning", "TopicsPending", 1))).isFalse();
  }

  @Test
  void whatAPipelineWaitsForIsCreationANamedObjectOrSomethingElse() {
    Readiness ready = Readiness.ready("Ready", "ok");
    Readiness none = Readiness.ready("NoShedPolicy", "none");
    Readiness jobPending = Readiness.pending("JobPending", "deploying");
    assertThat(observed(Readiness.pending("TopicsPending", "creating"), Readiness.pending("ServingPending", "loading"),
        jobPending, none).waiting()).isEqualTo(Waiting.ONLY_CREATING);
    assertThat(observed(ready, Readiness.pending("ModelVersionNotFound", "ModelVersion frud-v1 does not exist"),
        jobPending, none).waiting()).isEqualTo(Waiting.NAMED_OBJECTS);
    assertThat(observed(ready, ready, ready, Readiness.pending("ShedPolicyNotFound", "no such ShedPolicy")).waiting())
        .isEqualTo(Waiting.NAMED_OBJECTS);
    assertThat(observed(ready, Readiness.failed("ServingFailed", "FailedToLoad"), jobPending, none).waiting())
        .isEqualTo(Waiting.OTHER);
    assertThat(observed(ready, Readiness.pending("ModelVersionInvalid", "bad"), ready, none).waiting())
        .isEqualTo(Waiting.OTHER);
    assertThat(observed(Readiness.pending("TopicsPending", "creating"), ready, ready, none).withKafkaUnavailable(true)
        .waiting()).as("Kafka unreachable").isEqualTo(Waiting.OTHER);
    assertThat(PipelineObservation.invalid(List.of("bad")).waiting()).isEqualTo(Waiting.OTHER);
  }

  private static PipelineObservation observed(Readiness topics, Readiness serving, Readiness job, Readiness policy) {
    return new PipelineObservation(List.of(), topics, List.of(), serving, job, policy, "m@1", null, null, "g", null,
        null, null, null);
  }

  private static ModelVersionStatus model(boolean valid, long generation, String... servedBy) {
    return ModelVersionStatusDecider.decide(null, valid ? List.of() : List.of("bad"), List.of(servedBy), List.of(), generation, T0);
  }

  @Test
  void aModelVersionsPipelinesFoldIntoOneWriteItsOwnChangesDoNot() {
    assertThat(StatusPacing.modelVersion(null, model(true, 1), T0, false, T0, INTERVAL))
        .as("a new valid version waits for the pipelines applied with it").contains(StatusPacing.FOLD);
    assertThat(StatusPacing.modelVersion(null, model(true, 1, "p1"), T0, true, T0.plusSeconds(3), INTERVAL))
        .as("and for their endpoints, while one has not reported (its first status may wait, and start late)")
        .contains(Duration.ofSeconds(59));
    assertThat(StatusPacing.modelVersion(null, model(true, 1, "p1"), T0, true, T0.plusSeconds(62), INTERVAL))
        .as("at most a minute and a fold").isEmpty();
    assertThat(StatusPacing.modelVersion(null, model(true, 1, "p1"), T0, false, T0.plusSeconds(3), INTERVAL))
        .as("not a moment longer than a fold once they all reported").isEmpty();
    assertThat(StatusPacing.modelVersion(model(true, 1), model(true, 1, "p1"), T0, false, T0.plusSeconds(1), INTERVAL))
        .contains(Duration.ofSeconds(1));
    assertThat(StatusPacing.modelVersion(null, model(false, 1), T0, false, T0, INTERVAL)).as("invalid: at once").isEmpty();
    assertThat(StatusPacing.modelVersion(model(true, 1), model(false, 1), T0, false, T0, INTERVAL)).as("validity").isEmpty();
    assertThat(StatusPacing.modelVersion(model(true, 1), model(true, 2), T0, false, T0, INTERVAL)).as("generation").isEmpty();
  }

  @Test
  void aModelVersionsReadyIsItsOwnValidityWhereverItServes() {
    ModelVersionStatus served = model(true, 1, "p1", "p2");
    assertThat(Conditions.find(served.conditions, Conditions.READY).orElseThrow())
        .extracting(c -> c.getStatus(), c -> c.getReason()).containsExactly("True", "Validated");
    assertThat(served.servedBy).containsExactly("p1", "p2");
    assertThat(Conditions.find(model(false, 1, "p1").conditions, Conditions.READY).orElseThrow().getReason())
        .isEqualTo("InvalidSpec");
  }
}
