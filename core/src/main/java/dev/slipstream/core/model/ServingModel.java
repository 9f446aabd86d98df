package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipeline;

/** Chooses the serving builder by the ModelVersion's runtime. */
public final class ServingModel {
  private ServingModel() {}

  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    return from(pipeline, model, defaults, null);
  }

  /** @param canaryTrafficPercent the candidate's share during a KServe rollout; null outside one */
  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults,
      Integer canaryTrafficPercent) {
    return model.getSpec().runtime == ServingRuntime.TRITON
        ? TritonDeploymentModel.from(pipeline, model, defaults)
        : InferenceServiceModel.from(pipeline, model, defaults, canaryTrafficPercent);
  }
}
