package dev.slipstream.job;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.flink.ScoringGraph;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Runs the reference job in-process (Flink's MiniCluster) against the real broker, with the job contract the
 * operator writes for the fraud-scoring example, and reads what it wrote the way a downstream consumer would.
 */
final class JobHarness implements AutoCloseable {
  final EmbeddedKafka kafka;
  private final Admin admin;
  private final KafkaProducer<String, String> producer;
  private final List<JobClient> jobs = new ArrayList<>();

  JobHarness() {
    kafka = EmbeddedKafka.start();
    admin = kafka.admin();
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("linger.ms", "0");
    // a plain producer keeping order per partition: an idempotent one can wedge on OUT_OF_ORDER_SEQUENCE_NUMBER
    // when its first batch meets a partition whose leader is still being elected
    p.put("enable.idempotence", "false");
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("acks", "all");
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /**
   * The contract the operator writes for the fraud-scoring example in {@code namespace} (its topics prefixed
   * with the namespace), pointed at the test broker and the given model endpoint.
   */
  Map<String, String> contract(String namespace, String endpoint) {
    var objects = Manifests.withBootstrapServers(Manifests.moveTo(
        Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml")), namespace), kafka.bootstrapServers());
    StreamingPipeline pipeline = Manifests.find(objects, StreamingPipeline.class, "fraud-scoring");
    ModelVersion model = Manifests.find(objects, ModelVersion.class, "fraud-v1");
    Map<String, String> keys = new HashMap<>(JobContract.keys(pipeline, model, endpoint));
    keys.put(JobContract.METRICS_PORT, "0");
    keys.remove(JobContract.CONTROL_DIR);
    return keys;
  }

  /** The contract's topics, created with {@code partitions} partitions each. */
  void createTopics(Map<String, String> contract, int partitions) {
    Map<String, NewTopic> topics = new java.util.LinkedHashMap<>();
    for (String t : contract.get(JobContract.INPUT_TOPICS).split(",")) {
      topics.put(t, new NewTopic(t, partitions, (short) 1));
    }
    topics.put(contract.get(JobContract.OUTPUT_TOPIC), new NewTopic(contract.get(JobContract.OUTPUT_TOPIC), partitions, (short) 1));
    topics.putIfAbsent(contract.get(JobContract.LATE_EVENTS_TOPIC), new NewTopic(contract.get(JobContract.LATE_EVENTS_TOPIC), 1, (short) 1));
    try {
      admin.createTopics(topics.values()).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    await("leaders of " + topics.keySet()).atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        admin.describeTopics(topics.keySet()).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())));
  }

  /** Starts the job with this contract on a MiniCluster of {@code parallelism} slots; checkpoints every 500 ms. */
  JobClient start(Map<String, String> contract, int parallelism, Path checkpoints, String restoreFrom) {
    Map<String, String> conf = new HashMap<>();
    conf.put("execution.checkpointing.interval", "500 ms");
    conf.put("execution.checkpointing.dir", checkpoints.toUri().toString());
    conf.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.put("restart-strategy.type", "none");
    if (restoreFrom != null) {
      conf.put("execution.state-recovery.path", restoreFrom);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, Configuration.fromMap(conf));
    ScoringGraph.applyDefaults(env, conf);
    ScoringGraph.build(env, JobSettings.from(contract));
    try {
      JobClient job = env.executeAsync("slipstream-test");
      jobs.add(job);
      return job;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  JobClient start(Map<String, String> contract, int parallelism, Path checkpoints) {
    return start(contract, parallelism, checkpoints, null);
  }

  /** The newest completed checkpoint under {@code dir} (the one a restart resumes from). */
  static Optional<Path> latestCheckpoint(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .max((a, b) -> Long.compare(number(a), number(b)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static long number(Path chk) {
    return Long.parseLong(chk.getFileName().toString().replace("chk-", ""));
  }

  void send(String topic, int partition, String key, String json) {
    producer.send(new ProducerRecord<>(topic, partition, key, json));
  }

  /** A record with its own Kafka timestamp, as a producer that stamps the moment of the event's arrival. */
  void send(String topic, int partition, long timestamp, String key, String json) {
    producer.send(new ProducerRecord<>(topic, partition, timestamp, key, json));
  }

  /** Every record of {@code topic}, partition by partition in offset order. */
  List<ConsumerRecord<String, String>> records(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  void flush() {
    producer.flush();
  }

  /** Every committed record of {@code topic} (isolation.level=read_committed), as JSON, in partition order. */
  List<JsonNode> read(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<JsonNode> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(Json.readOrText(r.value()));
        }
      }
      return out;
    }
  }

  /** The consumer group's lag on {@code topic}: end offsets minus committed offsets (what the operator reads). */
  long lag(String group, String topic) {
    try {
      var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      long lag = 0;
      for (var e : ends.entrySet()) {
        var c = committed.get(e.getKey());
        lag += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fails at once if the job has failed, with its cause; for use inside Awaitility conditions. */
  static void alive(JobClient job) {
    var result = job.getJobExecutionResult();
    if (result.isCompletedExceptionally()) {
      result.join();
    }
  }

  static void stop(JobClient job) {
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already finished or failed: nothing to stop
    }
    try {
      job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // cancelled: the result is an exception; the MiniCluster has shut down either way
    }
  }

  /** Stops every job started so far, so the next test has the model server to itself. */
  void stopAll() {
    jobs.forEach(JobHarness::stop);
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
