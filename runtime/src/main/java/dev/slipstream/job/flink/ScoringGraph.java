package dev.slipstream.job.flink;

import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.event.EventReader;
import dev.slipstream.job.event.FeaturedEvent;
import dev.slipstream.job.event.SourceEvent;
import dev.slipstream.job.output.Decision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The reference job's graph: Kafka events in, event-time features, one model call per event with bounded requests in
 * flight, one result per event out (or one late record). Configured only by the job contract.
 *
 * <pre>
 * KafkaSource (per-partition watermarks, idleness)
 *   -> LatenessJudge (partition clock; unreadable and too-late events marked late)
 *   -> keyBy(key) -> FeatureFunction (features over the key's history; late ones passed on untouched)
 *   -> InferenceFunction (async, max-in-flight, timeout -> fallback; shed/downgrade from the control; a late one's
 *      record at once)
 *   -> KafkaSink, chained (output topic, late-events topic; exactly-once by default)
 * </pre>
 */
public final class ScoringGraph {
  /** Checkpoints commit outputs (exactly-once) and consumer offsets (the lag the operator reads). */
  public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;

  private ScoringGraph() {}

  /**
   * Checkpointing as this job needs it, where the Flink configuration {@code conf} does not say otherwise:
   * every 10 s, and unaligned. The job back-pressures on purpose (bounded requests in flight), and an aligned
   * barrier would wait behind every buffered event: checkpoints, and with them committed results and the
   * consumer offsets the operator reads its lag from, would stall exactly when the pipeline is saturated.
   */
  public static void applyDefaults(StreamExecutionEnvironment env, Map<String, String> conf) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("execution.checkpointing.interval", DEFAULT_CHECKPOINT_INTERVAL_MS + " ms");
    defaults.put("execution.checkpointing.unaligned.enabled", "true");
    defaults.put("execution.buffer-timeout.interval", "5 ms");
    // records pass between chained operators without a copy: no function here keeps or changes a record it has
    // emitted, and the async operator copies what it holds
    defaults.put("pipeline.object-reuse", "true");
    defaults.keySet().removeAll(conf.keySet());
    env.configure(Configuration.fromMap(defaults));
  }

  /** Adds the job to {@code env}: source to sink. */
  public static void build(StreamExecutionEnvironment env, JobSettings settings) {
    decisions(env, settings).sinkTo(sink(settings)).name("results to " + settings.outputTopic()).uid("sink");
  }

  /** Every event's result or late record, before it is written. */
  public static DataStream<Decision> decisions(StreamExecutionEnvironment env, JobSettings settings) {
    DataStream<SourceEvent> events = null;
    for (String topic : settings.inputTopics()) {
      // one source per topic: the control can pause a low-priority topic while the others flow
      DataStream<SourceEvent> one = env.fromSource(source(settings, topic), watermarks(settings), "events from " + topic)
          .uid("source-" + topic);
      if (settings.controlDir() != null) {
        one = one.transform("pause gate " + topic, TypeInformation.of(SourceEvent.class), new TopicGate.Factory(settings, topic))
            .uid("gate-" + topic);
      }
      events = events == null ? one : events.union(one);
    }
    SingleOutputStreamOperator<SourceEvent> judged = events.process(new LatenessJudge(settings))
        .name("judge lateness").uid("lateness");
    SingleOutputStreamOperator<FeaturedEvent> featured = judged.keyBy(e -> e.key, org.apache.flink.api.common.typeinfo.Types.STRING)
        .process(new FeatureFunction(settings)).name("features").uid("features");
    // no timeout of Flink's (a timer per event): the function answers each event by its own deadline
    DataStream<Decision> results = AsyncDataStream.unorderedWait(featured, new InferenceFunction(settings),
        0, TimeUnit.MILLISECONDS, asyncCapacity(settings))
        .name("inference").uid("inference");
    // late records come through the inference step too (it writes them at once): with one input, the sink is
    // chained to it, and no result is serialized on its way to the sink
    return results;
  }

  /** The most events Flink holds waiting for answers, per task: every request slot with a full batch. */
  static final int MAX_ASYNC_CAPACITY = 65_536;

  static int asyncCapacity(JobSettings settings) {
    return (int) Math.min(MAX_ASYNC_CAPACITY, (long) settings.maxInFlight() * settings.batchMaxSize());
  }

  static WatermarkStrategy<SourceEvent> watermarks(JobSettings settings) {
    return WatermarkStrategy.<SourceEvent>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
        .withIdleness(settings.idleTimeout())
        // an unreadable event has no time of its own: it must not move the watermark
        .withTimestampAssigner((e, recordTs) -> e.problem == null ? e.eventTime : Long.MIN_VALUE);
  }

  static KafkaSource<SourceEvent> source(JobSettings settings, String topic) {
    var builder = KafkaSource.<SourceEvent>builder()
        .setBootstrapServers(settings.bootstrapServers())
        .setTopics(topic)
        .setGroupId(settings.consumerGroup())
        .setClientIdPrefix(settings.jobName());
    if (settings.replay() == null) {
      // a new group starts from the beginning: events written before the job started are scored too
      builder.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
    } else {
      // a replay reads its range of the retained input and ends: from the warm-up's start to the offsets the
      // partitions had when the replay began (a partition it does not name is read from its end: nothing)
      builder.setStartingOffsets(OffsetsInitializer.offsets(topicPartitions(topic, settings.replay().start(topic)),
              OffsetResetStrategy.LATEST))
          .setBounded(OffsetsInitializer.offsets(topicPartitions(topic, settings.replay().stop(topic)),
              OffsetResetStrategy.LATEST));
    }
    return builder
        .setDeserializer(new KafkaEventDeserializer(new EventReader(settings.timestampField(), settings.keyField(),
            settings.idField(), new dev.slipstream.job.features.FeatureSet(settings.features(), 0).fields())))
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setProperty("partition.discovery.interval.ms", "60000")
        .setProperty("isolation.level", "read_committed")
        .setProperties(clientProperties(settings))
        .build();
  }

  private static Map<org.apache.kafka.common.TopicPartition, Long> topicPartitions(String topic, Map<Integer, Long> offsets) {
    Map<org.apache.kafka.common.TopicPartition, Long> byPartition = new HashMap<>();
    offsets.forEach((p, o) -> byPartition.put(new org.apache.kafka.common.TopicPartition(topic, p), o));
    return byPartition;
  }

  static KafkaSink<Decision> sink(JobSettings settings) {
    var builder = KafkaSink.<Decision>builder()
        .setBootstrapServers(settings.bootstrapServers())
        .setRecordSerializer(new DecisionSerializer(settings))
        .setKafkaProducerConfig(clientProperties(settings));
    if (settings.exactlyOnce()) {
      builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
          .setTransactionalIdPrefix(settings.jobName())
          // reuses a small pool of transactional ids instead of a new one per checkpoint, which the broker
          // would keep for a week each; it needs read access to the output topics and Kafka 3.0 or later
          .setTransactionNamingStrategy(org.apache.flink.connector.kafka.sink.TransactionNamingStrategy.POOLING)
          // the broker's default upper bound (transaction.max.timeout.ms) is 15 minutes
          .setProperty("transaction.timeout.ms", "900000");
    } else {
      builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
    }
    return builder.build();
  }

  /** The Kafka client Secret, mounted one file per property (TLS, SASL): never logged, never in the configuration. */
  static Properties clientProperties(JobSettings settings) {
    Properties props = new Properties();
    if (settings.clientPropertiesDir() == null) {
      return props;
    }
    Path dir = Path.of(settings.clientPropertiesDir());
    if (!Files.isDirectory(dir)) {
      return props;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (!name.startsWith("..") && Files.isRegularFile(f)) {
          props.setProperty(name, Files.readString(f).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Kafka client properties in " + dir, e);
    }
    return props;
  }
}
