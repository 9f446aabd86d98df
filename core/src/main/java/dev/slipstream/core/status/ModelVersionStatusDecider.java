package dev.slipstream.core.status;

import dev.slipstream.api.v1alpha1.ModelVersionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A ModelVersion's status: Ready says whether its own spec can be served (its state, which only its spec and the
 * operator's bounds change); {@code servedBy} and {@code endpoints} say where it serves, read from the pipelines that
 * name it. Whether serving is ready in each of those is the pipeline's state, reported there, so a pipeline
 * provisioning does not rewrite the ModelVersion. Pure: same inputs, same status.
 */
public final class ModelVersionStatusDecider {
  public static final String VALIDATED = "Validated";
  public static final String INVALID_SPEC = "InvalidSpec";

  private ModelVersionStatusDecider() {}

  /**
   * @param problems what makes the spec unservable; empty when valid
   * @param servedBy the pipelines naming it, sorted
   * @param endpoints their endpoints, distinct
   */
  public static ModelVersionStatus decide(ModelVersionStatus previous, List<String> problems, List<String> servedBy,
      List<String> endpoints, long generation, Instant now) {
    ModelVersionStatus next = new ModelVersionStatus();
    next.observedGeneration = generation;
    next.conditions = new ArrayList<>(previous == null || previous.conditions == null ? List.of() : previous.conditions);
    next.servedBy = List.copyOf(servedBy);
    next.endpoints = List.copyOf(endpoints);
    if (!problems.isEmpty()) {
      next.conditions = Conditions.with(next.conditions, Conditions.READY, false, INVALID_SPEC,
          "The spec cannot be served: " + String.join("; ", problems), generation, now);
    } else {
      next.conditions = Conditions.with(next.conditions, Conditions.READY, true, VALIDATED,
          servedBy.isEmpty() ? "Valid; no StreamingPipeline serves it yet"
              : "Valid; served by " + String.join(", ", servedBy) + " (each pipeline's status says whether it is ready)",
          generation, now);
    }
    return next;
  }
}
