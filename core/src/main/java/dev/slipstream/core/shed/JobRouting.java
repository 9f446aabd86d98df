package dev.slipstream.core.shed;

import dev.slipstream.core.status.Readiness;

/**
 * Where the job sends its inference requests, told through the control ConfigMap: the pipeline's own serving,
 * or the ShedPolicy's fallback in force once it is ready (until then the pipeline's own, and a note says why).
 *
 * @param note why the fallback in force is not used yet, or null
 */
public record JobRouting(String endpoint, String modelName, String note) {

  /** The pipeline's own serving: no fallback is in force, or it cannot be deployed (the ShedPolicy reports why). */
  public static JobRouting own(String endpoint, String modelName) {
    return new JobRouting(endpoint, modelName, null);
  }

  /**
   * @param fallback the fallback ModelVersion in force
   * @param fallbackReadiness how its serving stands
   */
  public static JobRouting choose(String ownEndpoint, String ownModel, String fallback, String fallbackEndpoint,
      String fallbackModel, Readiness fallbackReadiness) {
    if (fallbackReadiness.isReady()) {
      return new JobRouting(fallbackEndpoint, fallbackModel, null);
    }
    return new JobRouting(ownEndpoint, ownModel, "waiting for fallback " + fallback
        + " to be ready before sending traffic to it (" + fallbackReadiness.message() + ")");
  }
}
