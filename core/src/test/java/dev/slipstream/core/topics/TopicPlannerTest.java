package dev.slipstream.core.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.model.DesiredTopic.Role;
import dev.slipstream.core.port.ObservedTopic;
import dev.slipstream.core.port.TopicAction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicPlannerTest {
  private static final DesiredTopic EVENTS = new DesiredTopic("events", Role.INPUT, 6, 3, Map.of("retention.ms", "604800000"));

  @Test
  void aMissingTopicIsCreatedWithItsPartitionsReplicationAndConfigs() {
    TopicPlan plan = TopicPlanner.plan(List.of(EVENTS), Map.of());
    assertThat(plan.actions()).containsExactly(new TopicAction.Create("events", 6, 3, Map.of("retention.ms", "604800000")));
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  void aTopicAsDeclaredNeedsNothing() {
    var observed = Map.of("events", new ObservedTopic("events", 6, 3, Map.of("retention.ms", "604800000")));
    TopicPlan plan = TopicPlanner.plan(List.of(EVENTS), observed);
    assertThat(plan.isNoop()).isTrue();
    assertThat(TopicPlanner.status(List.of(EVENTS), observed, plan.notes(), Map.of()))
        .singleElement().satisfies(s -> {
          assertThat(s.ready).isTrue();
          assertThat(s.partitions).isEqualTo(6);
          assertThat(s.message).isNull();
        });
  }

  @Test
  void morePartitionsAreAddedAndChangedConfigsSetButOnlyTheChangedOnes() {
    var desired = new DesiredTopic("events", Role.INPUT, 9, 3, Map.of("retention.ms", "86400000", "cleanup.policy", "delete"));
    var observed = Map.of("events", new ObservedTopic("events", 6, 3, Map.of("retention.ms", "604800000", "cleanup.policy", "delete")));
    assertThat(TopicPlanner.plan(List.of(desired), observed).actions()).containsExactly(
        new TopicAction.IncreasePartitions("events", 6, 9),
        new TopicAction.SetConfigs("events", Map.of("retention.ms", "86400000")));
  }

  @Test
  void fewerPartitionsAreNeverAppliedAndTheStatusSaysWhy() {
    var observed = Map.of("events", new ObservedTopic("events", 12, 3, Map.of("retention.ms", "604800000")));
    TopicPlan plan = TopicPlanner.plan(List.of(EVENTS), observed);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.notes().get("events")).contains("has 12 partitions but 6 are declared").contains("cannot remove partitions");
    var status = TopicPlanner.status(List.of(EVENTS), observed, plan.notes(), Map.of()).get(0);
    assertThat(status.ready).as("the topic works; the difference is only reported").isTrue();
    assertThat(status.partitions).isEqualTo(12);
    assertThat(status.message).contains("declare 12 to match");
  }

  @Test
  void aDifferentReplicationFactorIsReportedNotChanged() {
    var observed = Map.of("events", new ObservedTopic("events", 6, 1, Map.of("retention.ms", "604800000")));
    TopicPlan plan = TopicPlanner.plan(List.of(EVENTS), observed);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.notes().get("events")).contains("replication factor 1 but 3").contains("reassignment");
  }

  @Test
  void aRefusedChangeMakesTheTopicNotReadyWithTheBrokersReason() {
    var status = TopicPlanner.status(List.of(EVENTS), Map.of(), Map.of(),
        Map.of("events", "Kafka refused to create: replication factor 3 larger than available brokers 1"));
    assertThat(status).singleElement().satisfies(s -> {
      assertThat(s.ready).isFalse();
      assertThat(s.message).contains("larger than available brokers");
    });
  }

  @Test
  void onlyTheDeclaredConfigKeysAreRead() {
    var output = new DesiredTopic("scores", Role.OUTPUT, 6, 3, Map.of("cleanup.policy", "delete"));
    assertThat(TopicPlanner.configKeys(List.of(EVENTS, output))).containsExactly("cleanup.policy", "retention.ms");
  }

  @Test
  void strimziTopicsAreReadyWhenEveryKafkaTopicIsAndARefusalFailsThemAll() {
    DesiredTopic output = new DesiredTopic("scores", Role.OUTPUT, 3, 3, Map.of());
    var ready = dev.slipstream.core.status.Readiness.ready("TopicsReady", "KafkaTopic events is ready");
    var pending = dev.slipstream.core.status.Readiness.pending("TopicsPending", "KafkaTopic scores: waiting");
    var refused = dev.slipstream.core.status.Readiness.failed("TopicError", "KafkaTopic scores: partitions cannot shrink");

    TopicPlanner.TopicReport all = TopicPlanner.strimzi(List.of(EVENTS, output), List.of(ready, ready));
    assertThat(all.readiness().isReady()).isTrue();
    assertThat(all.readiness().message()).isEqualTo("2 KafkaTopics are ready");
    assertThat(all.statuses()).extracting(t -> t.name + " " + t.partitions + " " + t.ready)
        .containsExactly("events 6 true", "scores 3 true");

    TopicPlanner.TopicReport waiting = TopicPlanner.strimzi(List.of(EVENTS, output), List.of(ready, pending));
    assertThat(waiting.readiness().state()).isEqualTo(dev.slipstream.core.status.Readiness.State.PENDING);
    assertThat(waiting.statuses().get(1).partitions).as("not known until Strimzi says it is ready").isNull();
    assertThat(waiting.statuses().get(1).message).isEqualTo("KafkaTopic scores: waiting");

    TopicPlanner.TopicReport failed = TopicPlanner.strimzi(List.of(EVENTS, output), List.of(pending, refused));
    assertThat(failed.readiness()).isEqualTo(refused);
  }
}
