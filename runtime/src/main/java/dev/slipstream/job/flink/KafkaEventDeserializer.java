package dev.slipstream.job.flink;

import dev.slipstream.job.event.EventReader;
import dev.slipstream.job.event.SourceEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Every Kafka record becomes one {@link SourceEvent}; a record that cannot be read carries its problem. */
final class KafkaEventDeserializer implements KafkaRecordDeserializationSchema<SourceEvent> {
  private final EventReader reader;

  KafkaEventDeserializer(EventReader reader) {
    this.reader = reader;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceEvent> out) {
    SourceEvent e = reader.read(record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(),
        record.value());
    e.readAt = System.currentTimeMillis();
    out.collect(e);
  }

  @Override
  public TypeInformation<SourceEvent> getProducedType() {
    return TypeInformation.of(SourceEvent.class);
  }
}
