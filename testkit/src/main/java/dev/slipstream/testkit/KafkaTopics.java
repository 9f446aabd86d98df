package dev.slipstream.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics on a test broker as a downstream application sees them: created, written, read back, lag. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /** Creates the topics (name to partitions) and returns once every partition has a leader. */
  public static void create(Admin admin, Map<String, Integer> topics) {
    List<NewTopic> created = new ArrayList<>();
    topics.forEach((name, partitions) -> created.add(new NewTopic(name, partitions, (short) 1)));
    try {
      admin.createTopics(created).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not create " + topics.keySet(), e);
    }
    await("leaders of " + topics.keySet()).atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        admin.describeTopics(topics.keySet()).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())));
  }

  /**
   * A producer that keeps order per partition. Not idempotent: an idempotent producer can wedge on
   * OUT_OF_ORDER_SEQUENCE_NUMBER when its first batch meets a partition whose leader is still being elected.
   */
  public static KafkaProducer<String, String> producer(String bootstrapServers) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers);
    p.put("linger.ms", "0");
    p.put("enable.idempotence", "false");
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("acks", "all");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /**
   * Every record of {@code topic}, partition by partition in offset order; with {@code committedOnly}, as a
   * reader with isolation.level=read_committed sees them (records of open or aborted transactions left out).
   */
  public static List<ConsumerRecord<String, String>> read(String bootstrapServers, String topic, boolean committedOnly) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  /** The group's lag on {@code topic}: end offsets minus committed offsets, as the operator reads it. */
  public static long lag(Admin admin, String group, String topic) {
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
      throw new IllegalStateException("could not read the lag of " + group + " on " + topic, e);
    }
  }
}
