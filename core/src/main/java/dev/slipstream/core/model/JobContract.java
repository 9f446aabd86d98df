package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.FeaturesSpec;
import dev.slipstream.api.v1alpha1.InferenceBatch;
import dev.slipstream.api.v1alpha1.InferenceSpec;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.time.Durations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The job contract: the {@code slipstream.*} Flink configuration keys through which the operator tells a
 * job what to read, what to call and where to write. Any job that honours these keys can run in a
 * StreamingPipeline; the operator steers a running job by changing them. Documented in docs/job-contract.md.
 */
public final class JobContract {
  public static final String VERSION = "slipstream.contract-version";
  public static final String PIPELINE = "slipstream.pipeline";
  public static final String BOOTSTRAP_SERVERS = "slipstream.kafka.bootstrap-servers";
  public static final String CLIENT_PROPERTIES_DIR = "slipstream.kafka.client-properties-dir";
  public static final String CONSUMER_GROUP = "slipstream.kafka.consumer-group";
  public static final String INPUT_TOPICS = "slipstream.topics.inputs";
  public static final String OUTPUT_TOPIC = "slipstream.topics.output";
  public static final String LATE_EVENTS_TOPIC = "slipstream.topics.late-events";
  public static final String SERVING_ENDPOINT = "slipstream.serving.endpoint";
  public static final String SERVING_MODEL_NAME = "slipstream.serving.model-name";
  public static final String SERVING_PROTOCOL = "slipstream.serving.protocol";
  public static final String MAX_OUT_OF_ORDERNESS = "slipstream.event-time.max-out-of-orderness";
  public static final String ALLOWED_LATENESS = "slipstream.event-time.allowed-lateness";
  public static final String IDLE_TIMEOUT = "slipstream.event-time.idle-timeout";
  public static final String TIMESTAMP_FIELD = "slipstream.event-time.timestamp-field";
  public static final String KEY_FIELD = "slipstream.event.key-field";
  public static final String ID_FIELD = "slipstream.event.id-field";
  public static final String FEATURES = "slipstream.features";
  public static final String MAX_IN_FLIGHT = "slipstream.inference.max-in-flight";
  public static final String BATCH_MAX_SIZE = "slipstream.inference.batch.max-size";
  public static final String BATCH_MAX_WAIT = "slipstream.inference.batch.max-wait";
  public static final String INFERENCE_TIMEOUT = "slipstream.inference.timeout";
  public static final String INFERENCE_RETRIES = "slipstream.inference.retries";
  public static final String FALLBACK_RESULT = "slipstream.inference.fallback-result";
  public static final String DELIVERY_GUARANTEE = "slipstream.output.delivery-guarantee";
  public static final String METRICS_PORT = "slipstream.metrics.port";
  public static final String ROLE = "slipstream.role";
  public static final String CONTROL_DIR = "slipstream.control.dir";
  /** A replay's range, {@code topic:partition:offset,...}: warm-up from, decisions from, until (exclusive). */
  public static final String REPLAY_WARM_UP_FROM = "slipstream.replay.warm-up-from";
  public static final String REPLAY_FROM = "slipstream.replay.from";
  public static final String REPLAY_UNTIL = "slipstream.replay.until";

  /** Port of the job's Prometheus /metrics in each Flink process (Flink's own reporter, if any, keeps 9249). */
  public static final int DEFAULT_METRICS_PORT = 9400;

  /** Where the Secret named by kafka.clientSecretRef is mounted: one file per client property. */
  public static final String CLIENT_PROPERTIES_MOUNT = "/etc/slipstream/kafka";

  /**
   * Where the pipeline's control ConfigMap is mounted (optional: absent without a ShedPolicy). Kubernetes
   * refreshes a mounted ConfigMap in place, so the job follows level changes without a restart.
   */
  public static final String CONTROL_MOUNT = "/etc/slipstream/control";

  /** The reference job's main class (the job jar's Main-Class), which follows every key of the contract. */
  public static final String REFERENCE_ENTRY_CLASS = "dev.slipstream.job.ScoringJob";

  private JobContract() {}

  /**
   * Whether the pipeline runs the reference job, which follows the control ConfigMap (and so can split a canary by
   * key): no entry class (the jar's own Main-Class, the reference job's in its image) or the reference one.
   */
  public static boolean isReferenceJob(dev.slipstream.api.v1alpha1.FlinkJobSpec flink) {
    return flink == null || flink.entryClass == null || flink.entryClass.isBlank()
        || REFERENCE_ENTRY_CLASS.equals(flink.entryClass.trim());
  }

  /**
   * The contract keys for a pipeline served by a model. The model version is deliberately absent: the
   * job learns which version answered from each inference response, so a new version needs no job restart.
   */
  public static Map<String, String> keys(StreamingPipeline pipeline, ModelVersion model, String endpoint) {
    var spec = pipeline.getSpec();
    var eventTime = spec.flink.eventTime;
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(VERSION, "1");
    keys.put(ROLE, "primary");
    keys.put(PIPELINE, pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName());
    keys.put(BOOTSTRAP_SERVERS, spec.kafka.bootstrapServers);
    if (spec.kafka.clientSecretRef != null) {
      keys.put(CLIENT_PROPERTIES_DIR, CLIENT_PROPERTIES_MOUNT);
    }
    keys.put(CONSUMER_GROUP, consumerGroup(pipeline));
    keys.put(INPUT_TOPICS, joinNames(spec.topics.inputs.stream().map(t -> t.name).toList()));
    keys.put(OUTPUT_TOPIC, spec.topics.output.name);
    keys.put(LATE_EVENTS_TOPIC, DesiredTopic.lateEvents(pipeline).name);
    keys.put(SERVING_ENDPOINT, endpoint);
    keys.put(SERVING_MODEL_NAME, model.getSpec().modelName);
    keys.put(SERVING_PROTOCOL, "v2");
    keys.put(MAX_OUT_OF_ORDERNESS, Durations.toFlink(eventTime.maxOutOfOrderness));
    keys.put(ALLOWED_LATENESS, Durations.toFlink(eventTime.allowedLateness));
    keys.put(IDLE_TIMEOUT, Durations.toFlink(eventTime.idleTimeout));
    keys.put(TIMESTAMP_FIELD, eventTime.timestampField);
    var features = spec.features;
    if (features != null && features.keyField != null) {
      keys.put(KEY_FIELD, features.keyField);
    }
    keys.put(ID_FIELD, features != null && features.idField != null ? features.idField : "id");
    if (features != null && features.definitions != null && !features.definitions.isEmpty()) {
      keys.put(FEATURES, features(features.definitions));
    }
    var inference = spec.inference != null ? spec.inference : new InferenceSpec();
    keys.put(MAX_IN_FLIGHT, String.valueOf(inference.maxInFlight));
    // the job batches as the model takes batches: the pipeline's own choice, or the batch the ModelVersion declares
    // its server forms; a model that declares none gets one event per request, as it may not take a batch dimension
    var batch = inference.batch != null ? inference.batch : new InferenceBatch();
    Integer batchSize = batch.maxSize != null ? batch.maxSize
        : model.getSpec().batching != null ? model.getSpec().batching.maxBatchSize : null;
    keys.put(BATCH_MAX_SIZE, String.valueOf(batchSize == null ? 1 : batchSize));
    keys.put(BATCH_MAX_WAIT, Durations.toFlink(batch.maxWait));
    keys.put(INFERENCE_TIMEOUT, Durations.toFlink(inference.timeout));
    keys.put(INFERENCE_RETRIES, String.valueOf(inference.retries));
    keys.put(FALLBACK_RESULT, inference.fallbackResult);
    keys.put(DELIVERY_GUARANTEE, spec.flink.deliveryGuarantee.wireName());
    keys.put(METRICS_PORT, String.valueOf(DEFAULT_METRICS_PORT));
    keys.put(CONTROL_DIR, CONTROL_MOUNT);
    return keys;
  }

  /** The keys of the shadow job: its own group, the candidate's endpoint, and the shadow topic for every output. */
  public static Map<String, String> shadowKeys(StreamingPipeline pipeline, ModelVersion candidate, String candidateEndpoint) {
    Map<String, String> keys = keys(pipeline, candidate, candidateEndpoint);
    String shadowTopic = DesiredTopic.shadowTopic(pipeline);
    keys.put(ROLE, "shadow");
    keys.remove(CONTROL_DIR); // the shadow job is not steered by the ShedPolicy: it sees the real load as it is
    keys.put(CONSUMER_GROUP, shadowConsumerGroup(pipeline));
    keys.put(OUTPUT_TOPIC, shadowTopic);
    keys.put(LATE_EVENTS_TOPIC, shadowTopic);
    return keys;
  }

  /**
   * The keys of a replay job: the shadow's (its own group, the candidate's endpoint, never the control), its range, its
   * own in-flight bound, and the replay topic for every output.
   */
  public static Map<String, String> replayKeys(StreamingPipeline pipeline, ModelVersion candidate, String candidateEndpoint,
      dev.slipstream.api.v1alpha1.ReplayStatus range) {
    Map<String, String> keys = keys(pipeline, candidate, candidateEndpoint);
    String replayTopic = DesiredTopic.replayTopic(pipeline);
    keys.put(ROLE, "replay");
    keys.remove(CONTROL_DIR);
    keys.put(CONSUMER_GROUP, consumerGroup(pipeline) + ".replay");
    keys.put(OUTPUT_TOPIC, replayTopic);
    keys.put(LATE_EVENTS_TOPIC, replayTopic);
    keys.put(MAX_IN_FLIGHT, String.valueOf(pipeline.getSpec().rollout.replay.maxInFlight));
    keys.put(DELIVERY_GUARANTEE, "at-least-once"); // compared by event id: a decision written twice counts once
    if (range.warmUpFrom != null && !range.warmUpFrom.isEmpty()) {
      keys.put(REPLAY_WARM_UP_FROM, range.warmUpFrom);
    }
    keys.put(REPLAY_FROM, range.from);
    keys.put(REPLAY_UNTIL, range.until);
    return keys;
  }

  /**
   * How long before a replay's window the features read: their longest window plus the allowed lateness (history
   * that old is still read live); zero without features.
   */
  public static java.time.Duration featureHistory(StreamingPipeline pipeline) {
    var spec = pipeline.getSpec();
    if (spec.features == null || spec.features.definitions == null || spec.features.definitions.isEmpty()) {
      return java.time.Duration.ZERO;
    }
    java.time.Duration longest = spec.features.definitions.stream().map(d -> Durations.parse(d.size))
        .max(java.util.Comparator.naturalOrder()).orElse(java.time.Duration.ZERO);
    String lateness = spec.flink == null || spec.flink.eventTime == null ? null : spec.flink.eventTime.allowedLateness;
    return longest.plus(lateness == null ? java.time.Duration.ZERO : Durations.parse(lateness));
  }

  public static String shadowConsumerGroup(StreamingPipeline pipeline) {
    return consumerGroup(pipeline) + ".shadow";
  }

  public static String consumerGroup(StreamingPipeline pipeline) {
    String declared = pipeline.getSpec().kafka.consumerGroup;
    return declared != null ? declared
        : Names.consumerGroup(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName());
  }

  /**
   * Feature definitions in one line a person can read in the FlinkDeployment:
   * {@code name=aggregate(field) window size}, separated by {@code ;}, with {@code *} as the field of count,
   * for example {@code txn_count_1m=count(*) sliding 60000 ms;amount_sum_1h=sum(amount) sliding 3600000 ms}.
   */
  public static String features(List<FeaturesSpec.FeatureDefinition> definitions) {
    return definitions.stream()
        .map(d -> d.name + "=" + d.aggregate.name() + "(" + (d.field == null ? "*" : d.field) + ") "
            + d.window.name() + " " + Durations.toFlink(d.size))
        .collect(Collectors.joining(";"));
  }

  private static String joinNames(List<String> names) {
    return names.stream().collect(Collectors.joining(","));
  }
}
