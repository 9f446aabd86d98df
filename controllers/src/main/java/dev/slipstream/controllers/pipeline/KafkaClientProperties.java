package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.common.SecretValues;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;

/** Client properties for a pipeline's Kafka cluster: bootstrap servers plus the keys of its client Secret. */
final class KafkaClientProperties {
  private KafkaClientProperties() {}

  static Map<String, String> of(StreamingPipeline pipeline, Secret secret) {
    Map<String, String> props = SecretValues.of(secret);
    props.put("bootstrap.servers", pipeline.getSpec().kafka.bootstrapServers);
    return props;
  }
}
