package dev.slipstream.operator.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipstream.core.port.OutputSampleSource;
import dev.slipstream.core.slo.PredictionAgreement.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the tail of a result topic with a consumer of its own (no group, nothing committed), as a downstream
 * reader with isolation.level=read_committed sees it: about {@code count} records, spread over the partitions.
 * Only a shadow's agreement check uses it, once per analysis interval.
 */
final class KafkaOutputSampler implements OutputSampleSource {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaOutputSampler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Object> clientProperties;
  private final Duration timeout;

  KafkaOutputSampler(Map<String, ?> clientProperties, Duration timeout) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.timeout = timeout;
  }

  @Override
  public List<Prediction> latest(String topic, int count) {
    List<Prediction> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = TopicReaders.open(clientProperties, timeout, "slipstream-operator-sample")) {
      List<TopicPartition> partitions = TopicReaders.partitions(consumer, topic, timeout);
      if (partitions.isEmpty()) {
        return List.of();
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
      long each = Math.max(1, (count + partitions.size() - 1) / partitions.size());
      for (TopicPartition tp : partitions) {
        consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - each));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          Prediction p = parse(r.value());
          if (p != null) {
            out.add(p);
          }
        }
      }
    } catch (KafkaException | IllegalStateException e) {
      LOG.warn("could not read the latest results of {}: {}", topic, e.getMessage());
      return List.of();
    }
    return out;
  }

  /** A result record of the job contract's output format; null for one that is not (a late record, foreign data). */
  static Prediction parse(String value) {
    try {
      JsonNode r = value == null ? null : JSON.readTree(value);
      if (r == null || !r.isObject() || !r.has("eventId") || "late".equals(r.path("kind").asText())) {
        return null;
      }
      JsonNode score = r.get("score");
      return new Prediction(r.path("eventId").asText(), score != null && score.isNumber() ? score.asDouble() : null,
          r.has("result") ? r.get("result").toString() : null, r.path("fallback").asBoolean(false));
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
