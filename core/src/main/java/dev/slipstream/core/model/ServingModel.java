package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipeline;

/** Chooses the serving builder by the ModelVersion's runtime. */
public final class ServingModel {
  /** The component label of a ShedPolicy's fallback serving objects. */
  public static final String FALLBACK_COMPONENT = "fallback";

  private ServingModel() {}

  /** A ShedPolicy's fallback version, deployed beside the pipeline's serving and called at its own URL. */
  public static DesiredServing fallback(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    return model.getSpec().runtime == ServingRuntime.TRITON
        ? TritonDeploymentModel.fallback(pipeline, model, defaults)
        : InferenceServiceModel.fallback(pipeline, model, defaults);
  }

  /**
   * The serving objects with a ShedPolicy's capacity actions applied: replicas raised to {@code scaleOut}
   * (the ModelVersion's own minimum otherwise), and for KServe a container concurrency limit when shedding.
   */
  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults,
      Integer canaryTrafficPercent, Integer replicaPercent, Integer scaleOut, Integer containerConcurrency) {
    ModelVersion scaled = scaledOut(model, scaleOut);
    return scaled.getSpec().runtime == ServingRuntime.TRITON
        ? TritonDeploymentModel.from(pipeline, scaled, defaults)
        : InferenceServiceModel.from(pipeline, scaled, defaults, canaryTrafficPercent, replicaPercent, containerConcurrency);
  }

  /** A copy of {@code model} running at least {@code replicas} (its maximum raised to match); itself when null. */
  public static ModelVersion scaledOut(ModelVersion model, Integer replicas) {
    if (replicas == null || replicas <= model.getSpec().minReplicas) {
      return model;
    }
    ModelVersion copy = io.fabric8.kubernetes.client.utils.Serialization.clone(model);
    copy.getSpec().minReplicas = replicas;
    copy.getSpec().maxReplicas = Math.max(replicas, copy.getSpec().maxReplicas);
    return copy;
  }

  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    return from(pipeline, model, defaults, null, null);
  }

  /**
   * @param canaryTrafficPercent the candidate's share of traffic during a KServe rollout; null outside one
   * @param replicaPercent the share of its replicas the candidate runs; null for all
   */
  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults,
      Integer canaryTrafficPercent, Integer replicaPercent) {
    return model.getSpec().runtime == ServingRuntime.TRITON
        ? TritonDeploymentModel.from(pipeline, model, defaults)
        : InferenceServiceModel.from(pipeline, model, defaults, canaryTrafficPercent, replicaPercent);
  }
}
