package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.port.ConsumerLagSource.Position;
import dev.slipstream.core.port.KafkaAccess;
import dev.slipstream.core.port.KafkaUnavailableException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Optional;

/** A pipeline's Kafka cluster: its client properties (with the Secret it names, read on demand) and the lag port. */
final class PipelineKafka {
  private final KubernetesClient client;
  private final KafkaAccess kafka;

  PipelineKafka(KubernetesClient client, KafkaAccess kafka) {
    this.client = client;
    this.kafka = kafka;
  }

  /**
   * The Secret named in {@code spec.kafka.clientSecretRef}; empty when none is named or it does not exist.
   *
   * @throws KafkaUnavailableException of kind SECRET_FORBIDDEN when the operator may not read it
   */
  Optional<Secret> clientSecret(StreamingPipeline pipeline) {
    var ref = pipeline.getSpec().kafka.clientSecretRef;
    if (ref == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(client.secrets().inNamespace(pipeline.getMetadata().getNamespace()).withName(ref.name).get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        throw new KafkaUnavailableException(KafkaUnavailableException.Kind.SECRET_FORBIDDEN,
            e.getStatus() == null || e.getStatus().getMessage() == null ? "forbidden" : e.getStatus().getMessage(), e);
      }
      throw e;
    }
  }

  /** Whether the pipeline names a client Secret that does not exist. */
  boolean secretMissing(StreamingPipeline pipeline, Optional<Secret> secret) {
    return pipeline.getSpec().kafka.clientSecretRef != null && secret.isEmpty();
  }

  KafkaAccess.KafkaCluster connect(StreamingPipeline pipeline, Optional<Secret> secret) {
    return kafka.connect(KafkaClientProperties.of(pipeline, secret.orElse(null)));
  }

  /** The pipeline's Kafka cluster; empty while the Secret it names does not exist. */
  Optional<KafkaAccess.KafkaCluster> cluster(StreamingPipeline pipeline) {
    Optional<Secret> secret = clientSecret(pipeline);
    return secretMissing(pipeline, secret) ? Optional.empty() : Optional.of(connect(pipeline, secret));
  }

  /** Where a consumer group of this pipeline stands on its input topics; empty while unknown. */
  Optional<Position> position(StreamingPipeline pipeline, String group) {
    List<String> inputs = pipeline.getSpec().topics.inputs.stream().map(t -> t.name).toList();
    try {
      return cluster(pipeline).flatMap(cluster -> cluster.lag().position(group, inputs));
    } catch (KafkaUnavailableException e) {
      return Optional.empty();
    }
  }
}
