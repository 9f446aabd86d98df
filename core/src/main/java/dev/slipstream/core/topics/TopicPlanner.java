package dev.slipstream.core.topics;

import dev.slipstream.api.v1alpha1.TopicStatus;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.port.ObservedTopic;
import dev.slipstream.core.port.TopicAction;
import dev.slipstream.core.status.Readiness;
import dev.slipstream.core.status.TopicReadiness;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** Compares declared topics with the broker's and decides what to change. Never lowers partitions, never deletes. */
public final class TopicPlanner {
  private TopicPlanner() {}

  public static TopicPlan plan(List<DesiredTopic> desired, Map<String, ObservedTopic> observed) {
    List<TopicAction> actions = new ArrayList<>();
    Map<String, String> notes = new LinkedHashMap<>();
    for (DesiredTopic topic : desired) {
      ObservedTopic actual = observed.get(topic.name());
      if (actual == null) {
        actions.add(new TopicAction.Create(topic.name(), topic.partitions(), topic.replicationFactor(), topic.configs()));
        continue;
      }
      List<String> topicNotes = new ArrayList<>();
      if (topic.partitions() > actual.partitions()) {
        actions.add(new TopicAction.IncreasePartitions(topic.name(), actual.partitions(), topic.partitions()));
      } else if (topic.partitions() < actual.partitions()) {
        topicNotes.add("has " + actual.partitions() + " partitions but " + topic.partitions()
            + " are declared; Kafka cannot remove partitions, so they stay (declare " + actual.partitions() + " to match)");
      }
      if (topic.replicationFactor() != actual.replicationFactor()) {
        topicNotes.add("has replication factor " + actual.replicationFactor() + " but " + topic.replicationFactor()
            + " is declared; changing it needs a partition reassignment, which Slipstream leaves to you");
      }
      Map<String, String> changed = new TreeMap<>();
      topic.configs().forEach((key, value) -> {
        if (!Objects.equals(value, actual.configs().get(key))) {
          changed.put(key, value);
        }
      });
      if (!changed.isEmpty()) {
        actions.add(new TopicAction.SetConfigs(topic.name(), changed));
      }
      if (!topicNotes.isEmpty()) {
        notes.put(topic.name(), String.join("; ", topicNotes));
      }
    }
    return new TopicPlan(actions, notes);
  }

  /** Every config key any declared topic names: the only configs worth reading from the broker. */
  public static Collection<String> configKeys(List<DesiredTopic> desired) {
    TreeSet<String> keys = new TreeSet<>();
    desired.forEach(t -> keys.addAll(t.configs().keySet()));
    return keys;
  }

  /**
   * The topics' status as they exist on the broker after the plan was applied.
   *
   * @param refused per topic, the broker's reason for refusing a change
   */
  public static List<TopicStatus> status(List<DesiredTopic> desired, Map<String, ObservedTopic> observed,
      Map<String, String> notes, Map<String, String> refused) {
    List<TopicStatus> statuses = new ArrayList<>();
    for (DesiredTopic topic : desired) {
      ObservedTopic actual = observed.get(topic.name());
      if (actual == null) {
        statuses.add(new TopicStatus(topic.name(), topic.role().wireName, null, null, false,
            refused.getOrDefault(topic.name(), "does not exist yet")));
        continue;
      }
      TopicPlan remaining = plan(List.of(topic), observed);
      String message = refused.containsKey(topic.name()) ? refused.get(topic.name())
          : !remaining.isNoop() ? "being brought to the declared shape" : notes.get(topic.name());
      statuses.add(new TopicStatus(topic.name(), topic.role().wireName, actual.partitions(),
          actual.replicationFactor(), remaining.isNoop() && !refused.containsKey(topic.name()), message));
    }
    return statuses;
  }

  /**
   * Topics that Strimzi manages, one KafkaTopic each: their status from each KafkaTopic's readiness (in the order
   * of {@code desired}); a topic Strimzi refused fails the whole, otherwise all must be ready.
   */
  public static TopicReport strimzi(List<DesiredTopic> desired, List<Readiness> kafkaTopics) {
    List<TopicStatus> statuses = new ArrayList<>();
    for (int i = 0; i < desired.size(); i++) {
      DesiredTopic topic = desired.get(i);
      Readiness r = kafkaTopics.get(i);
      statuses.add(new TopicStatus(topic.name(), topic.role().wireName, r.isReady() ? topic.partitions() : null,
          r.isReady() ? topic.replicationFactor() : null, r.isReady(), r.isReady() ? null : r.message()));
    }
    Readiness readiness = kafkaTopics.stream().filter(r -> r.state() == Readiness.State.FAILED).findFirst()
        .orElseGet(() -> kafkaTopics.stream().allMatch(Readiness::isReady)
            ? Readiness.ready("TopicsReady", kafkaTopics.size() + " KafkaTopics are ready")
            : TopicReadiness.of(statuses, false));
    return new TopicReport(readiness, statuses);
  }

  /** The TopicsReady condition and each topic's status. */
  public record TopicReport(Readiness readiness, List<TopicStatus> statuses) {}
}
