package dev.slipstream.core.model;

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
 * StreamingPipeline; the operator steers a running job by changing them. Documented in README.md.
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
  public static final String ROLE = "slipstream.role";
  public static final String CONTROL_DIR = "slipstream.control.dir";

  /** Where the Secret named by kafka.clientSecretRef is mounted: one file per client property. */
  public static final String CLIENT_PROPERTIES_MOUNT = "/etc/slipstream/kafka";

  /**
   * Where the pipeline's control ConfigMap is mounted (optional: absent without a ShedPolicy). Kubernetes
   * refreshes a mounted ConfigMap in place, so the job follows level changes without a restart.
   */
  public static final String CONTROL_MOUNT = "/etc/slipstream/control";

  private JobContract() {}

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

  public static String shadowConsumerGroup(StreamingPipeline pipeline) {
    return consumerGroup(pipeline) + ".shadow";
  }

  public static String consumerGroup(StreamingPipeline pipeline) {
    String declared = pipeline.getSpec().kafka.consumerGroup;
    return declared != null ? declared
        : Names.consumerGroup(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName());
  }

  private static String joinNames(List<String> names) {
    return names.stream().collect(Collectors.joining(","));
  }
}
