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
    assertThat(TopicPlanner.status(List.of(EVENTS), observed, plan, Map.of()))
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
    var status = TopicPlanner.status(List.of(EVENTS), observed, plan, Map.of()).get(0);
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
    var status = TopicPlanner.status(List.of(EVENTS), Map.of(), TopicPlanner.plan(List.of(EVENTS), Map.of()),
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

  private static ObservedTopic events(String id) {
    return new ObservedTopic("events", 6, 3, Map.of("retention.ms", "604800000"), id);
  }

  @Test
  void aTopicCreatedHereIsRecordedAsCreatedWithItsIdAndStaysSoWhileTheIdHolds() {
    TopicPlan create = TopicPlanner.plan(List.of(EVENTS), Map.of());
    var first = TopicPlanner.status(List.of(EVENTS), Map.of("events", events("id-1")), create, Map.of()).get(0);
    assertThat(first.created).isTrue();
    assertThat(first.topicId).isEqualTo("id-1");
    var known = TopicPlanner.KnownTopic.of(List.of(first));
    TopicPlan next = TopicPlanner.plan(List.of(EVENTS), Map.of("events", events("id-1")), known, false);
    assertThat(next.isNoop()).isTrue();
    assertThat(next.lost()).isEmpty();
    assertThat(TopicPlanner.status(List.of(EVENTS), Map.of("events", events("id-1")), next, Map.of(), known).get(0).created)
        .isTrue();
  }

  @Test
  void aTopicThatExistedBeforeIsNotRecordedAsCreated() {
    var observed = Map.of("events", events("id-1"));
    var status = TopicPlanner.status(List.of(EVENTS), observed, TopicPlanner.plan(List.of(EVENTS), observed), Map.of()).get(0);
    assertThat(status.created).isNull();
    assertThat(status.topicId).isEqualTo("id-1");
    assertThat(status.ready).isTrue();
  }

  @Test
  void aTopicDeletedUnderThePipelineIsReportedLostAndNotRecreated() {
    var known = Map.of("events", new TopicPlanner.KnownTopic("id-1", false));
    TopicPlan plan = TopicPlanner.plan(List.of(EVENTS), Map.of(), known, false);
    assertThat(plan.actions()).as("nothing created: the loss is reported").isEmpty();
    var status = TopicPlanner.status(List.of(EVENTS), Map.of(), plan, Map.of(), known).get(0);
    assertThat(status.lost).isTrue();
    assertThat(status.ready).isFalse();
    assertThat(status.topicId).as("the lost id is kept, so the loss stays reported").isEqualTo("id-1");
    assertThat(status.message).contains("deleted outside the pipeline (topic id id-1)").contains("lostTopicPolicy: Recreate");
    var readiness = dev.slipstream.core.status.TopicReadiness.of(List.of(status), false);
    assertThat(readiness.reason()).isEqualTo("TopicLost");
    assertThat(readiness.state()).isEqualTo(dev.slipstream.core.status.Readiness.State.FAILED);
    // the next round sees the same loss
    assertThat(TopicPlanner.plan(List.of(EVENTS), Map.of(), TopicPlanner.KnownTopic.of(List.of(status)), false).lost())
        .containsKey("events");
  }

  @Test
  void aTopicReplacedUnderThePipelineIsReportedWithBothIds() {
    var known = Map.of("events", new TopicPlanner.KnownTopic("id-1", true));
    var observed = Map.of("events", events("id-2"));
    TopicPlan plan = TopicPlanner.plan(List.of(EVENTS), observed, known, false);
    var status = TopicPlanner.status(List.of(EVENTS), observed, plan, Map.of(), known).get(0);
    assertThat(status.lost).isTrue();
    assertThat(status.message).contains("topic id id-1, now id-2");
    assertThat(status.created).as("the lost topic was ours; the replacement is not").isTrue();
    assertThat(status.topicId).isEqualTo("id-1");
  }

  @Test
  void withRecreateALostTopicIsCreatedAgainAndAReplacementAccepted() {
    var known = Map.of("events", new TopicPlanner.KnownTopic("id-1", false));
    TopicPlan plan = TopicPlanner.plan(List.of(EVENTS), Map.of(), known, true);
    assertThat(plan.actions()).containsExactly(new TopicAction.Create("events", 6, 3, Map.of("retention.ms", "604800000")));
    var recreated = TopicPlanner.status(List.of(EVENTS), Map.of("events", events("id-2")), plan, Map.of(), known).get(0);
    assertThat(recreated.lost).isNull();
    assertThat(recreated.created).isTrue();
    assertThat(recreated.topicId).isEqualTo("id-2");
    assertThat(recreated.ready).isTrue();

    var replaced = Map.of("events", events("id-3"));
    var ourOwn = Map.of("events", new TopicPlanner.KnownTopic("id-2", true));
    TopicPlan accept = TopicPlanner.plan(List.of(EVENTS), replaced, ourOwn, true);
    assertThat(accept.isNoop()).isTrue();
    var accepted = TopicPlanner.status(List.of(EVENTS), replaced, accept, Map.of(), ourOwn).get(0);
    assertThat(accepted.created).as("the replacement was not created here").isNull();
    assertThat(accepted.topicId).isEqualTo("id-3");
    assertThat(accepted.message).contains("the new topic is accepted");
  }
}
