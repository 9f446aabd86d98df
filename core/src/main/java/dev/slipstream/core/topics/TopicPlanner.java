package dev.slipstream.core.topics;

import dev.slipstream.api.v1alpha1.TopicStatus;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.port.ObservedTopic;
import dev.slipstream.core.port.TopicAction;
import dev.slipstream.core.status.Readiness;
import dev.slipstream.core.status.TopicReadiness;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares declared topics with the broker's and decides what to change. Never lowers partitions, never deletes,
 * and never recreates a topic the pipeline had seen unless its lostTopicPolicy says so.
 */
public final class TopicPlanner {
  private TopicPlanner() {}

  /** What the pipeline's last status knew of a topic: the id it saw (a lost topic's, while held), whether Slipstream created it. */
  public record KnownTopic(String topicId, boolean created) {
    /** The last status's topics by name. */
    public static Map<String, KnownTopic> of(List<TopicStatus> statuses) {
      Map<String, KnownTopic> known = new LinkedHashMap<>();
      if (statuses != null) {
        statuses.forEach(s -> known.put(s.name, new KnownTopic(s.topicId, Boolean.TRUE.equals(s.created))));
      }
      return known;
    }
  }

  /** A plan for topics the pipeline has never seen. */
  public static TopicPlan plan(List<DesiredTopic> desired, Map<String, ObservedTopic> observed) {
    return plan(desired, observed, Map.of(), false);
  }

  /**
   * @param known what the last status knew of each topic
   * @param recreateLost the pipeline's lostTopicPolicy is Recreate
   */
  public static TopicPlan plan(List<DesiredTopic> desired, Map<String, ObservedTopic> observed,
      Map<String, KnownTopic> known, boolean recreateLost) {
    List<TopicAction> actions = new ArrayList<>();
    Map<String, String> notes = new LinkedHashMap<>();
    Map<String, LostTopic> lost = new LinkedHashMap<>();
    for (DesiredTopic topic : desired) {
      ObservedTopic actual = observed.get(topic.name());
      KnownTopic seen = known.get(topic.name());
      if (seen != null && seen.topicId() != null) {
        String currentId = actual == null ? null : actual.topicId();
        if (actual == null || (currentId != null && !currentId.equals(seen.topicId()))) {
          lost.put(topic.name(), new LostTopic(topic.name(), seen.topicId(), currentId, recreateLost));
          if (!recreateLost) {
            continue;
          }
        }
      }
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
    return new TopicPlan(actions, lost, notes);
  }

  /** Every config key any declared topic names: the only configs worth reading from the broker. */
  public static Collection<String> configKeys(List<DesiredTopic> desired) {
    TreeSet<String> keys = new TreeSet<>();
    desired.forEach(t -> keys.addAll(t.configs().keySet()));
    return keys;
  }

  /** The status of topics the pipeline has never seen, as they exist after the plan was applied. */
  public static List<TopicStatus> status(List<DesiredTopic> desired, Map<String, ObservedTopic> observed, TopicPlan plan,
      Map<String, String> refused) {
    return status(desired, observed, plan, refused, Map.of());
  }

  /**
   * The topics' status as they exist on the broker after the plan was applied: each with the id seen and whether
   * Slipstream created it (this round, or before under the same id); a lost topic that is held keeps its lost id.
   *
   * @param refused per topic, the broker's reason for refusing a change
   * @param known what the last status knew of each topic
   */
  public static List<TopicStatus> status(List<DesiredTopic> desired, Map<String, ObservedTopic> observed, TopicPlan plan,
      Map<String, String> refused, Map<String, KnownTopic> known) {
    Set<String> createdNow = new HashSet<>();
    plan.actions().stream().filter(a -> a instanceof TopicAction.Create && !refused.containsKey(a.topic()))
        .forEach(a -> createdNow.add(a.topic()));
    List<TopicStatus> statuses = new ArrayList<>();
    for (DesiredTopic topic : desired) {
      ObservedTopic actual = observed.get(topic.name());
      KnownTopic seen = known.get(topic.name());
      LostTopic lost = plan.lost().get(topic.name());
      TopicStatus status;
      if (lost != null && !lost.recreated()) {
        status = new TopicStatus(topic.name(), topic.role().wireName, actual == null ? null : actual.partitions(),
            actual == null ? null : actual.replicationFactor(), false, lost.message());
        status.topicId = lost.lostId();
        status.lost = true;
        status.created = seen != null && seen.created() ? true : null;
        statuses.add(status);
        continue;
      }
      if (actual == null) {
        status = new TopicStatus(topic.name(), topic.role().wireName, null, null, false,
            refused.getOrDefault(topic.name(), "does not exist yet"));
      } else {
        TopicPlan remaining = plan(List.of(topic), observed);
        String message = refused.containsKey(topic.name()) ? refused.get(topic.name())
            : !remaining.isNoop() ? "being brought to the declared shape"
            : lost != null ? lost.message() : plan.notes().get(topic.name());
        status = new TopicStatus(topic.name(), topic.role().wireName, actual.partitions(),
            actual.replicationFactor(), remaining.isNoop() && !refused.containsKey(topic.name()), message);
        status.topicId = actual.topicId();
      }
      boolean createdBefore = seen != null && seen.created() && lost == null
          && (seen.topicId() == null || actual == null || seen.topicId().equals(actual.topicId()));
      status.created = createdNow.contains(topic.name()) || createdBefore ? true : null;
      statuses.add(status);
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
