package dev.slipstream.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.job.local.LocalJob;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.ExampleContract;
import dev.slipstream.testkit.KafkaTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs the reference job in-process (Flink's MiniCluster) against the real broker, with the job contract the
 * operator writes for the fraud-scoring example, and reads what it wrote the way a downstream consumer would.
 */
final class JobHarness implements AutoCloseable {
  final EmbeddedKafka kafka;
  private final Admin admin;
  private final KafkaProducer<String, String> producer;
  private final List<LocalJob> jobs = new ArrayList<>();

  JobHarness() {
    kafka = EmbeddedKafka.start();
    admin = kafka.admin();
    producer = KafkaTopics.producer(kafka.bootstrapServers());
  }

  Map<String, String> contract(String namespace, String endpoint) {
    return ExampleContract.fraud(namespace, kafka.bootstrapServers(), endpoint);
  }

  /** The contract's topics, the inputs and output with {@code partitions} partitions, the late-events topic with one. */
  void createTopics(Map<String, String> contract, int partitions) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    for (String t : contract.get(JobContract.INPUT_TOPICS).split(",")) {
      topics.put(t, partitions);
    }
    topics.put(contract.get(JobContract.OUTPUT_TOPIC), partitions);
    topics.putIfAbsent(contract.get(JobContract.LATE_EVENTS_TOPIC), 1);
    KafkaTopics.create(admin, topics);
  }

  /** Starts the job with this contract on a MiniCluster of {@code parallelism} slots; checkpoints every 500 ms. */
  LocalJob start(Map<String, String> contract, int parallelism, Path checkpoints, String restoreFrom) {
    LocalJob job = LocalJob.start(contract, parallelism, checkpoints, Map.of("execution.checkpointing.interval", "500 ms"),
        restoreFrom);
    jobs.add(job);
    return job;
  }

  LocalJob start(Map<String, String> contract, int parallelism, Path checkpoints) {
    return start(contract, parallelism, checkpoints, null);
  }

  static Optional<Path> latestCheckpoint(Path dir) {
    return LocalJob.latestCheckpoint(dir);
  }

  void send(String topic, int partition, String key, String json) {
    producer.send(new ProducerRecord<>(topic, partition, key, json));
  }

  /** A record with its own Kafka timestamp, as a producer that stamps the moment of the event's arrival. */
  void send(String topic, int partition, long timestamp, String key, String json) {
    producer.send(new ProducerRecord<>(topic, partition, timestamp, key, json));
  }

  void flush() {
    producer.flush();
  }

  /** Every committed record of {@code topic} (isolation.level=read_committed), as JSON, in partition order. */
  List<JsonNode> read(String topic) {
    return KafkaTopics.read(kafka.bootstrapServers(), topic, true).stream().map(r -> Json.readOrText(r.value())).toList();
  }

  /** Every record of {@code topic}, partition by partition in offset order. */
  List<ConsumerRecord<String, String>> records(String topic) {
    return KafkaTopics.read(kafka.bootstrapServers(), topic, false);
  }

  long lag(String group, String topic) {
    return KafkaTopics.lag(admin, group, topic);
  }

  /** Stops every job started so far, so the next test has the model server to itself. */
  void stopAll() {
    jobs.forEach(LocalJob::close);
    jobs.clear();
  }

  @Override
  public void close() {
    stopAll();
    producer.close();
    admin.close();
    kafka.close();
  }
}
