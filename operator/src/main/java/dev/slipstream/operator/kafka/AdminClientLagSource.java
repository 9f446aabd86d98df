package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.ConsumerLagSource;
import dev.slipstream.core.port.KafkaUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Groups' positions from the AdminClient: end offsets minus committed offsets (log start where a group has
 * committed nothing). Many groups at once cost the same few requests as one: one describeTopics for all their
 * topics, one listConsumerGroupOffsets for all groups (one OffsetFetch per coordinator), and one listOffsets each
 * for the end and start offsets of all partitions (one ListOffsets per partition leader).
 */
public final class AdminClientLagSource implements ConsumerLagSource {
  /** One group on its topics. */
  record Group(String group, Collection<String> topics) {}

  private final Admin admin;
  private final Duration timeout;

  AdminClientLagSource(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  @Override
  public Optional<Position> position(String group, Collection<String> topics) {
    try {
      return positions(List.of(new Group(group, topics))).get(0);
    } catch (KafkaUnavailableException e) {
      return Optional.empty();
    }
  }

  /** The positions of all groups in one round; empty for a group whose topics or offsets could not be read. */
  List<Optional<Position>> positions(List<Group> groups) {
    Set<String> topics = new LinkedHashSet<>();
    groups.forEach(g -> topics.addAll(g.topics()));
    Map<String, List<TopicPartition>> partitions = new HashMap<>();
    for (var e : admin.describeTopics(topics).topicNameValues().entrySet()) {
      try {
        TopicDescription d = KafkaCalls.await(e.getValue(), timeout, "describing topic " + e.getKey() + " for lag");
        partitions.put(e.getKey(), d.partitions().stream().map(p -> new TopicPartition(e.getKey(), p.partition())).toList());
      } catch (ExecutionException ignored) {
        // a missing topic: the groups reading it have no position yet
      }
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    partitions.values().forEach(list -> list.forEach(tp -> {
      latest.put(tp, OffsetSpec.latest());
      earliest.put(tp, OffsetSpec.earliest());
    }));
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    for (Group g : groups) {
      List<TopicPartition> own = new ArrayList<>();
      g.topics().forEach(t -> own.addAll(partitions.getOrDefault(t, List.of())));
      specs.merge(g.group(), new ListConsumerGroupOffsetsSpec().topicPartitions(own), (a, b) -> {
        List<TopicPartition> both = new ArrayList<>(a.topicPartitions());
        b.topicPartitions().stream().filter(tp -> !both.contains(tp)).forEach(both::add);
        return new ListConsumerGroupOffsetsSpec().topicPartitions(both);
      });
    }
    ListConsumerGroupOffsetsResult committedResult = specs.isEmpty() ? null : admin.listConsumerGroupOffsets(specs);
    ListOffsetsResult ends = latest.isEmpty() ? null : admin.listOffsets(latest);
    ListOffsetsResult starts = earliest.isEmpty() ? null : admin.listOffsets(earliest);
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
    List<Optional<Position>> out = new ArrayList<>();
    for (Group g : groups) {
      out.add(position(g, partitions, committed, committedResult, ends, starts));
    }
    return out;
  }

  private Optional<Position> position(Group g, Map<String, List<TopicPartition>> partitions,
      Map<String, Map<TopicPartition, OffsetAndMetadata>> committed, ListConsumerGroupOffsetsResult committedResult,
      ListOffsetsResult ends, ListOffsetsResult starts) {
    if (!partitions.keySet().containsAll(g.topics())) {
      return Optional.empty();
    }
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = committed.get(g.group());
      if (offsets == null) {
        offsets = KafkaCalls.await(committedResult.partitionsToOffsetAndMetadata(g.group()), timeout,
            "reading offsets of group " + g.group());
        committed.put(g.group(), offsets);
      }
      long lag = 0;
      long consumed = 0;
      for (String topic : g.topics()) {
        for (TopicPartition tp : partitions.get(topic)) {
          long end = KafkaCalls.await(ends.partitionResult(tp), timeout, "reading the end offset of " + tp).offset();
          OffsetAndMetadata c = offsets.get(tp);
          long from = c != null ? c.offset()
              : KafkaCalls.await(starts.partitionResult(tp), timeout, "reading the start offset of " + tp).offset();
          lag += Math.max(0, end - from);
          consumed += from;
        }
      }
      return Optional.of(new Position(lag, consumed));
    } catch (ExecutionException e) {
      return Optional.empty();
    }
  }
}
