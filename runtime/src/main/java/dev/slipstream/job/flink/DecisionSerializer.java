package dev.slipstream.job.flink;

import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.job.output.Decision;
import dev.slipstream.job.output.OutputCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Results to the output topic, late records to the late-events topic; keyed by the event's key, so order per key holds. */
final class DecisionSerializer implements KafkaRecordSerializationSchema<Decision>, KafkaDatasetFacetProvider {
  private final JobSettings settings;
  private transient JobMetrics metrics;
  /** Each record is written through it in turn (a subtask's sink serializes on its one thread). */
  private transient java.io.ByteArrayOutputStream buffer;

  DecisionSerializer(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    metrics = JobMetrics.get(settings.metricsPort());
    buffer = new java.io.ByteArrayOutputStream(512);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Decision d, KafkaSinkContext context, Long timestamp) {
    metrics.produced.labelValues(settings.namespace(), settings.pipeline(), settings.role().name(), d.kind).inc();
    String topic = d.isLate() ? settings.lateTopic() : settings.outputTopic();
    byte[] key = d.key == null ? null : d.key.getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, null, d.decidedAt, key, OutputCodec.toJsonBytes(d, buffer));
  }

  /** The topics written, so the sink can find its own open transactions on them after a restart. */
  @Override
  public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
    List<String> topics = settings.outputTopic().equals(settings.lateTopic())
        ? List.of(settings.outputTopic()) : List.of(settings.outputTopic(), settings.lateTopic());
    return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(topics)));
  }
}
