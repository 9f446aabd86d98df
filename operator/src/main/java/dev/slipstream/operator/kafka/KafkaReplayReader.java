package dev.slipstream.operator.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipstream.core.port.ReplaySource;
import dev.slipstream.core.replay.ReplayJudgement;
import dev.slipstream.core.replay.ReplayPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replay's reads, with a consumer of its own (no group, nothing committed) as a downstream reader with
 * isolation.level=read_committed: the offsets a replay starts from, and, once it has ended, its records and the stable
 * version's decisions for the same events. Used once at a replay's start and once at its end.
 */
final class KafkaReplayReader implements ReplaySource {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaReplayReader.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long reading the records of one replay may take, both topics together. */
  static final Duration READ_LIMIT = Duration.ofMinutes(2);
  private final Map<String, Object> clientProperties;
  private final Duration timeout;

  KafkaReplayReader(Map<String, ?> clientProperties, Duration timeout) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.timeout = timeout;
  }

  private KafkaConsumer<String, String> consumer() {
    return TopicReaders.open(clientProperties, timeout, "slipstream-operator-replay",
        Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
  }

  @Override
  public List<ReplayPlan.PartitionOffsets> offsets(List<String> topics, Instant windowStart, Duration warmUp) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        partitions.addAll(TopicReaders.partitions(consumer, topic, timeout));
      }
      Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, timeout);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Map<TopicPartition, OffsetAndTimestamp> atWindow = consumer.offsetsForTimes(at(partitions, windowStart), timeout);
      Map<TopicPartition, OffsetAndTimestamp> atWarmUp = consumer.offsetsForTimes(at(partitions, windowStart.minus(warmUp)),
          timeout);
      List<ReplayPlan.PartitionOffsets> offsets = new ArrayList<>();
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp window = atWindow.get(p);
        OffsetAndTimestamp warm = atWarmUp.get(p);
        offsets.add(new ReplayPlan.PartitionOffsets(p.topic(), p.partition(), start.get(p), end.get(p),
            window == null ? null : window.offset(), warm == null ? null : warm.offset(), warm == null ? null : warm.timestamp()));
      }
      return offsets;
    } catch (KafkaException | IllegalStateException e) {
      LOG.warn("could not read the offsets of {} for a replay: {}", topics, e.getMessage());
      return null;
    }
  }

  private static Map<TopicPartition, Long> at(List<TopicPartition> partitions, Instant time) {
    long millis = Math.max(0, time.toEpochMilli());
    return partitions.stream().collect(Collectors.toMap(p -> p, p -> millis));
  }

  @Override
  public String ends(String topic) {
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> partitions = TopicReaders.partitions(consumer, topic, timeout);
      if (partitions.isEmpty()) {
        return null;
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      return partitions.stream().map(p -> p.topic() + ":" + p.partition() + ":" + end.get(p)).collect(Collectors.joining(","));
    } catch (KafkaException | IllegalStateException e) {
      LOG.warn("could not read the ends of {}: {}", topic, e.getMessage());
      return null;
    }
  }

  @Override
  public boolean read(String replayTopic, String replayFrom, String outputTopic, Instant windowStart,
      ReplayJudgement judgement) {
    long deadline = System.nanoTime() + READ_LIMIT.toNanos();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      Map<TopicPartition, Long> from = offsets(replayFrom);
      TopicReaders.partitions(consumer, replayTopic, timeout).forEach(p -> from.putIfAbsent(p, 0L));
      if (!readAll(consumer, from, d -> judgement.replayed(d), () -> 1, deadline)) {
        return false;
      }
      List<TopicPartition> output = TopicReaders.partitions(consumer, outputTopic, timeout);
      Map<TopicPartition, OffsetAndTimestamp> atWindow = consumer.offsetsForTimes(at(output, windowStart), timeout);
      Map<TopicPartition, Long> end = consumer.endOffsets(output, timeout);
      Map<TopicPartition, Long> stableFrom = new HashMap<>();
      output.forEach(p -> stableFrom.put(p, atWindow.get(p) == null ? end.get(p) : atWindow.get(p).offset()));
      return readAll(consumer, stableFrom, d -> judgement.stable(d), judgement::waiting, deadline);
    } catch (KafkaException | IllegalStateException e) {
      LOG.warn("could not read the replay of {} or the decisions of {}: {}", replayTopic, outputTopic, e.getMessage());
      return false;
    }
  }

  /**
   * Every record from {@code from} to the partitions' ends as they are now, parsed, to {@code sink}; stops early once
   * {@code more} says nothing more is wanted. False when the deadline passed first.
   */
  private boolean readAll(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> from,
      Consumer<ReplayJudgement.Decision> sink, IntSupplier more, long deadline) {
    if (from.isEmpty()) {
      return true;
    }
    consumer.assign(from.keySet());
    from.forEach(consumer::seek);
    Map<TopicPartition, Long> end = consumer.endOffsets(from.keySet(), timeout);
    while (more.getAsInt() > 0 && from.keySet().stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
      if (System.nanoTime() > deadline) {
        LOG.warn("reading {} for a replay's verdict took longer than {}", from.keySet(), READ_LIMIT);
        return false;
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        ReplayJudgement.Decision d = decision(r.value());
        if (d != null) {
          sink.accept(d);
        }
      }
    }
    return true;
  }

  /** {@code topic:partition:offset,...} as the status keeps it. */
  static Map<TopicPartition, Long> offsets(String offsets) {
    Map<TopicPartition, Long> parsed = new HashMap<>();
    if (offsets == null || offsets.isBlank()) {
      return parsed;
    }
    for (String item : offsets.split(",")) {
      int last = item.lastIndexOf(':');
      int first = item.lastIndexOf(':', last - 1);
      parsed.put(new TopicPartition(item.substring(0, first), Integer.parseInt(item.substring(first + 1, last))),
          Long.parseLong(item.substring(last + 1)));
    }
    return parsed;
  }

  /** A record of the job's output format; null for one that is not (foreign data). */
  static ReplayJudgement.Decision decision(String value) {
    try {
      JsonNode r = value == null ? null : JSON.readTree(value);
      return r == null || !r.isObject() || !r.has("kind") ? null : ReplayJudgement.Decision.of(r);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
