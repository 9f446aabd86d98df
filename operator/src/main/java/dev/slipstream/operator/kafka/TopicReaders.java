package dev.slipstream.operator.kafka;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consumers of the operator's own that read result topics as a downstream reader does: no group, nothing committed,
 * isolation.level=read_committed, with the cluster's client properties (the AdminClient's own settings left out).
 */
final class TopicReaders {
  private TopicReaders() {}

  static KafkaConsumer<String, String> open(Map<String, ?> clientProperties, Duration timeout, String clientId) {
    return open(clientProperties, timeout, clientId, Map.of());
  }

  /** @param settings further consumer settings, over the defaults (a reader of whole ranges asks for bigger polls) */
  static KafkaConsumer<String, String> open(Map<String, ?> clientProperties, Duration timeout, String clientId,
      Map<String, Object> settings) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.keySet().removeIf(k -> k.startsWith("default.api") || k.startsWith("reconnect"));
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.putAll(settings);
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }

  /** The partitions of {@code topic}, in order; empty when it has none the consumer can see. */
  static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String topic, Duration timeout) {
    return consumer.partitionsFor(topic, timeout).stream().map(p -> new TopicPartition(topic, p.partition()))
        .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
  }
}
