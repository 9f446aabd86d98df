package dev.slipstream.core.shed;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.core.status.Readiness;

/**
 * Where the job sends its inference requests, told through the control ConfigMap: the pipeline's own serving,
 * or the ShedPolicy's fallback in force once it is ready (until then the pipeline's own, and a note says why).
 *
 * @param modelName the model's name in the inference path
 * @param modelVersion its version as the model server reports it (the job counts failed requests against it, since
 *     a failure names no version)
 * @param note why the fallback in force is not used yet, or null
 */
public record JobRouting(String endpoint, String modelName, String modelVersion, String note) {

  /** The pipeline's own serving: no fallback is in force, or it cannot be deployed (the ShedPolicy reports why). */
  public static JobRouting own(String endpoint, ModelVersion own) {
    return own(endpoint, own, own.getSpec().version);
  }

  /** The same, with the version that answers there: null when two versions share it (a split by request). */
  public static JobRouting own(String endpoint, ModelVersion own, String answering) {
    return new JobRouting(endpoint, own.getSpec().modelName, answering, null);
  }

  /**
   * @param answering the version that answers at the pipeline's own serving, or null
   * @param fallback the fallback ModelVersion in force
   * @param fallbackReadiness how its serving stands
   */
  public static JobRouting choose(String ownEndpoint, ModelVersion own, String answering, String fallbackEndpoint,
      ModelVersion fallback, Readiness fallbackReadiness) {
    if (fallbackReadiness.isReady()) {
      return own(fallbackEndpoint, fallback);
    }
    return new JobRouting(ownEndpoint, own.getSpec().modelName, answering, "waiting for fallback "
        + fallback.getMetadata().getName() + " to be ready before sending traffic to it (" + fallbackReadiness.message() + ")");
  }
}
