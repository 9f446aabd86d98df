package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.ConsumerLagSource;
import dev.slipstream.core.port.KafkaUnavailableException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** A group's position from the AdminClient: end offsets minus its committed offsets (log start when none). */
public final class AdminClientLagSource implements ConsumerLagSource {
  private final Admin admin;
  private final Duration timeout;

  AdminClientLagSource(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  @Override
  public Optional<Position> position(String group, Collection<String> topics) {
    try {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      var descriptions = KafkaCalls.await(admin.describeTopics(topics).allTopicNames(), timeout, "describing topics for lag");
      descriptions.forEach((name, d) -> d.partitions().forEach(p -> {
        latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
        earliest.put(new TopicPartition(name, p.partition()), OffsetSpec.earliest());
      }));
      Map<TopicPartition, OffsetAndMetadata> committed = KafkaCalls.await(
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), timeout, "reading offsets of group " + group);
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          KafkaCalls.await(admin.listOffsets(latest).all(), timeout, "reading end offsets");
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
          KafkaCalls.await(admin.listOffsets(earliest).all(), timeout, "reading start offsets");
      long lag = 0;
      long consumed = 0;
      for (var end : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(end.getKey());
        long from = c != null ? c.offset() : starts.get(end.getKey()).offset();
        lag += Math.max(0, end.getValue().offset() - from);
        consumed += from;
      }
      return Optional.of(new Position(lag, consumed));
    } catch (ExecutionException e) {
      return Optional.empty();
    } catch (KafkaUnavailableException e) {
      return Optional.empty();
    }
  }
}
