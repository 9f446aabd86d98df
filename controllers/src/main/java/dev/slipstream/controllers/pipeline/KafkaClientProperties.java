package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** Client properties for a pipeline's Kafka cluster: bootstrap servers plus the keys of its client Secret. */
final class KafkaClientProperties {
  private KafkaClientProperties() {}

  static Map<String, String> of(StreamingPipeline pipeline, Secret secret) {
    Map<String, String> props = new TreeMap<>();
    if (secret != null) {
      if (secret.getData() != null) {
        secret.getData().forEach((k, v) -> props.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      if (secret.getStringData() != null) {
        props.putAll(secret.getStringData());
      }
    }
    props.put("bootstrap.servers", pipeline.getSpec().kafka.bootstrapServers);
    return props;
  }
}
