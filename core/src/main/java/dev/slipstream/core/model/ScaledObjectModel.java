package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A KEDA {@code ScaledObject} ({@code keda.sh/v1alpha1}) scaling a serving Deployment on the consumer lag of
 * the pipeline's group, for a ShedPolicy scale-out level with {@code keda: true}. KEDA then owns the
 * Deployment's replicas: the operator leaves them as observed while the ScaledObject exists.
 */
public final class ScaledObjectModel {
  public static final String COMPONENT = "autoscaling";
  /** Lag per replica when the scale-out level names no consumerLagAbove. */
  static final long DEFAULT_LAG_PER_REPLICA = 1000;

  private ScaledObjectModel() {}

  public static String name(StreamingPipeline pipeline) {
    return Names.join(pipeline.getMetadata().getName(), "serving");
  }

  /**
   * @param deployment the serving Deployment to scale
   * @param minReplicas the ModelVersion's own replicas, never scaled below
   * @param maxReplicas the scale-out level's maximum
   * @param scaleOutLag the level's consumerLagAbove: at that lag the replicas start to rise; null for the default
   * @param pollingSeconds how often KEDA reads the lag (the policy's evaluation interval)
   */
  public static GenericKubernetesResource from(StreamingPipeline pipeline, String deployment, int minReplicas,
      int maxReplicas, Long scaleOutLag, long pollingSeconds) {
    var spec = pipeline.getSpec();
    List<String> inputs = spec.topics.inputs.stream().map(t -> t.name).toList();
    long perReplica = scaleOutLag == null ? DEFAULT_LAG_PER_REPLICA : Math.max(1, scaleOutLag / Math.max(1, minReplicas));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("bootstrapServers", spec.kafka.bootstrapServers);
    metadata.put("consumerGroup", JobContract.consumerGroup(pipeline));
    if (inputs.size() == 1) {
      metadata.put("topic", inputs.get(0)); // several inputs: KEDA sums the lag over every topic of the group
    }
    metadata.put("lagThreshold", String.valueOf(perReplica));
    metadata.put("offsetResetPolicy", "earliest");

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("scaleTargetRef", Ordered.map("apiVersion", "apps/v1", "kind", "Deployment", "name", deployment));
    body.put("pollingInterval", (int) Math.max(1, pollingSeconds));
    body.put("minReplicaCount", Math.max(1, minReplicas));
    body.put("maxReplicaCount", Math.max(Math.max(1, minReplicas), maxReplicas));
    body.put("triggers", List.of(Ordered.map("type", "kafka", "metadata", metadata)));

    return ThirdPartyKinds.SCALED_OBJECT.object(Owned.meta(pipeline, name(pipeline), COMPONENT), body);
  }
}
