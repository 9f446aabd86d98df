package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.LinkedHashMap;
import java.util.Map;

/** A Strimzi {@code KafkaTopic} for one of the pipeline's topics (topicManagement: strimzi). */
public final class KafkaTopicModel {
  public static final String COMPONENT = "topic";
  public static final String STRIMZI_CLUSTER_LABEL = "strimzi.io/cluster";
  /** Strimzi stops managing (and so never deletes) a topic whose KafkaTopic carries {@code false} here. */
  public static final String STRIMZI_MANAGED_ANNOTATION = "strimzi.io/managed";

  private KafkaTopicModel() {}

  /** Kafka topic names allow '_', '.' and capitals; object names do not, so the real name goes in spec.topicName. */
  public static String objectName(String topicName) {
    return Names.join(topicName);
  }

  public static GenericKubernetesResource from(StreamingPipeline pipeline, DesiredTopic topic) {
    Map<String, String> labels = Labels.owned(pipeline.getMetadata().getName(), COMPONENT);
    labels.put(STRIMZI_CLUSTER_LABEL, pipeline.getSpec().kafka.strimziCluster);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("topicName", topic.name());
    spec.put("partitions", topic.partitions());
    spec.put("replicas", topic.replicationFactor());
    if (!topic.configs().isEmpty()) {
      spec.put("config", new LinkedHashMap<>(topic.configs()));
    }
    return ThirdPartyKinds.KAFKA_TOPIC.object(Owned.meta(pipeline, objectName(topic.name()), labels), spec);
  }

  /** The Kafka topic a KafkaTopic stands for: spec.topicName, else (as Strimzi reads it) the object's name. */
  public static String topicName(GenericKubernetesResource kafkaTopic) {
    return kafkaTopic.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("topicName") instanceof String name
        ? name : kafkaTopic.getMetadata().getName();
  }
}
