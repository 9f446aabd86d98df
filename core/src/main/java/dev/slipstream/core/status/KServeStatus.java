package dev.slipstream.core.status;

import dev.slipstream.core.model.InferenceServiceModel;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one reader of a KServe InferenceService: its readiness, its revisions and their URLs from the status
 * KServe writes, and the numbers its predictor runs with from the spec as stored.
 */
public final class KServeStatus {
  private KServeStatus() {}

  /** KServe: the Ready condition; a model that failed to load is a failure, not a wait. */
  public static Readiness readiness(GenericKubernetesResource isvc) {
    Optional<Readiness> absentOrFailed = absentOrFailed(isvc);
    if (absentOrFailed.isPresent()) {
      return absentOrFailed.get();
    }
    String name = isvc.getMetadata().getName();
    Map<String, Object> status = status(isvc);
    // aware (in absentOrFailed) of the generation where the model last changed, not of every generation: a canary
    // step or a shed level's scale change alters the spec while the revisions that carry the traffic stay ready
    Optional<Map<String, Object>> ready = ObjectReadiness.condition(status, "Ready");
    if (ready.isPresent() && "True".equals(ready.get().get("status"))) {
      return Readiness.ready("ServingReady", "InferenceService " + name + " is ready");
    }
    String detail = ready.map(c -> (String) c.get("message")).filter(Objects::nonNull)
        .orElse("waiting for KServe to report Ready");
    return Readiness.pending("ServingPending", "InferenceService " + name + " is not ready: " + detail);
  }

  /**
   * KServe during a rollout: whether the revision of the spec as it is now (the candidate) serves. That
   * is the latest created revision being also the latest ready one, for the generation KServe has seen.
   */
  public static Readiness latestRevision(GenericKubernetesResource isvc) {
    if (isvc != null && ObjectReadiness.behind(isvc, status(isvc))) {
      // stricter than the model's generation: every generation is a revision of its own
      return Readiness.pending("ServingPending", "InferenceService " + isvc.getMetadata().getName()
          + ": KServe has not processed generation " + isvc.getMetadata().getGeneration() + " yet");
    }
    Optional<Readiness> absentOrFailed = absentOrFailed(isvc);
    if (absentOrFailed.isPresent()) {
      return absentOrFailed.get();
    }
    String name = isvc.getMetadata().getName();
    Map<String, Object> status = status(isvc);
    Optional<Map<String, Object>> predictor = ObjectReadiness.path(status, "components", "predictor");
    String created = predictor.map(p -> (String) p.get("latestCreatedRevision")).orElse(null);
    String ready = predictor.map(p -> (String) p.get("latestReadyRevision")).orElse(null);
    if (created != null && created.equals(ready)) {
      return Readiness.ready("ServingReady", "revision " + created + " of InferenceService " + name + " is ready");
    }
    return Readiness.pending("ServingPending", "revision " + (created == null ? "(not created yet)" : created)
        + " of InferenceService " + name + " is not ready yet");
  }

  /**
   * The KServe revision of an InferenceService: its latest created one (a canary's candidate) or, with
   * {@code latest} false, the last one rolled out (the stable version); null while KServe has not said.
   */
  public static String revision(GenericKubernetesResource isvc, boolean latest) {
    return ObjectReadiness.path(ObjectReadiness.map(isvc.getAdditionalProperties().get("status")), "components", "predictor")
        .map(p -> (String) p.get(latest ? "latestCreatedRevision" : "latestRolledoutRevision")).orElse(null);
  }

  /** Not created yet (a wait), or a model KServe could not load (a failure); empty otherwise. */
  private static Optional<Readiness> absentOrFailed(GenericKubernetesResource isvc) {
    if (isvc == null) {
      return Optional.of(Readiness.pending("ServingPending", "InferenceService not created yet"));
    }
    Map<String, Object> status = status(isvc);
    return behindModel(isvc, status).or(() -> failedToLoad(isvc.getMetadata().getName(), status));
  }

  /**
   * A status KServe wrote before the generation where the model last changed is about another model: neither its
   * Ready nor its load failure counts. Unstamped, the object's own generation is the bar.
   */
  private static Optional<Readiness> behindModel(GenericKubernetesResource isvc, Map<String, Object> status) {
    Long generation = isvc.getMetadata().getGeneration();
    long since = InferenceServiceModel.modelGeneration(isvc).orElse(generation == null ? 0L : generation);
    long observed = status.get("observedGeneration") instanceof Number n ? n.longValue() : 0L;
    if (observed >= since) {
      return Optional.empty();
    }
    return Optional.of(Readiness.pending("ServingPending", "InferenceService " + isvc.getMetadata().getName()
        + ": KServe has not processed generation " + since + ", where the model changed (it reports generation "
        + observed + "); what it says is about the model before"));
  }

  private static Map<String, Object> status(GenericKubernetesResource isvc) {
    return ObjectReadiness.map(isvc.getAdditionalProperties().get("status"));
  }

  /** KServe reports a model that cannot load in modelStatus; that is a failure, not a wait. */
  private static Optional<Readiness> failedToLoad(String name, Map<String, Object> status) {
    Optional<Map<String, Object>> failure = ObjectReadiness.path(status, "modelStatus", "lastFailureInfo");
    String targetState = ObjectReadiness.path(status, "modelStatus", "states").map(s -> (String) s.get("targetModelState")).orElse(null);
    if ("FailedToLoad".equals(targetState) && failure.isPresent()) {
      return Optional.of(Readiness.failed("ServingFailed", "InferenceService " + name + " failed to load the model: "
          + failure.get().getOrDefault("message", failure.get().getOrDefault("reason", "no reason given"))));
    }
    return Optional.empty();
  }

  /** KServe's URL of the latest revision (tag routing), which reaches the candidate even at 0% of traffic; or null. */
  public static String latestUrl(GenericKubernetesResource isvc) {
    Optional<Map<String, Object>> predictor = ObjectReadiness.path(ObjectReadiness.map(
        isvc.getAdditionalProperties().get("status")), "components", "predictor");
    if (predictor.isEmpty() || !(predictor.get().get("traffic") instanceof List<?> traffic)) {
      return null;
    }
    return traffic.stream().map(ObjectReadiness::map).filter(t -> "latest".equals(t.get("tag")))
        .map(t -> t.get("url")).filter(String.class::isInstance).map(String.class::cast).findFirst().orElse(null);
  }

  /**
   * Why KServe cannot split this InferenceService's traffic by {@code canaryTrafficPercent}, or null when it can or
   * has not said: only a Knative revision can take a share; in RawDeployment (Standard) mode the Deployment is rolled
   * in place, so a candidate written with a weight would take all the traffic at once.
   */
  public static String requestSplitUnavailable(GenericKubernetesResource isvc) {
    Object mode = status(isvc).get("deploymentMode");
    if (!(mode instanceof String m) || m.equals("Serverless") || m.equals("Knative")) {
      return null;
    }
    return "KServe runs InferenceService " + isvc.getMetadata().getName() + " in " + m + " mode, which does not split"
        + " traffic by canaryTrafficPercent (the candidate would take all of it at once); set spec.rollout.split: key,"
        + " which splits in the job, or run KServe in Serverless mode";
  }

  /** A number the predictor runs with now ({@code spec.predictor.<key>}: minReplicas, containerConcurrency), or null. */
  public static Integer predictorNumber(GenericKubernetesResource isvc, String key) {
    return ObjectReadiness.path(ObjectReadiness.map(isvc.getAdditionalProperties().get("spec")), "predictor")
        .map(p -> p.get(key)).filter(Number.class::isInstance).map(n -> ((Number) n).intValue()).orElse(null);
  }
}
