package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipeline;

/** Chooses the serving builder by the ModelVersion's runtime. */
public final class ServingModel {
  private ServingModel() {}

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
