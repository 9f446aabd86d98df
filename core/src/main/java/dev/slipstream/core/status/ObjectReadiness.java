package dev.slipstream.core.status;

import dev.slipstream.core.model.FlinkDeploymentModel;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads readiness from owned objects' status, the way their own controllers report it. */
public final class ObjectReadiness {
  private ObjectReadiness() {}

  /**
   * Gateway API: a route takes effect once every parent it names has accepted it and resolved its backends, as the
   * implementation (for a Service parent, the mesh) reports in {@code status.parents[].conditions}. No parent status
   * means no implementation has taken the route: its weights split nothing.
   */
  public static Readiness httpRoute(GenericKubernetesResource route) {
    if (route == null) {
      return Readiness.pending("RoutePending", "HTTPRoute not created yet");
    }
    String name = route.getMetadata().getName();
    Object parents = map(route.getAdditionalProperties().get("status")).get("parents");
    if (!(parents instanceof List<?> list) || list.isEmpty()) {
      return Readiness.pending("RouteNotAccepted", "HTTPRoute " + name + " has not been accepted by any mesh or gateway"
          + " (status.parents is empty), so its weights split nothing: install a Gateway API mesh (GAMMA) that"
          + " implements HTTPRoutes on Services, or set spec.rollout.split: key");
    }
    for (Object parent : list) {
      Map<String, Object> p = map(parent);
      for (String type : List.of("Accepted", "ResolvedRefs")) {
        Optional<Map<String, Object>> c = condition(p, type);
        if (c.isEmpty() || !"True".equals(c.get().get("status"))) {
          String by = Objects.toString(p.get("controllerName"), "its implementation");
          return Readiness.pending("RouteNotAccepted", "HTTPRoute " + name + " is not " + (type.equals("Accepted")
              ? "accepted" : "resolved") + " by " + by + c.map(x -> ": " + x.get("reason") + ", " + x.get("message"))
              .orElse(" yet"));
        }
      }
    }
    return Readiness.ready("RouteAccepted", "HTTPRoute " + name + " is accepted by " + list.size() + " parent(s)");
  }

  /** A part that needs a third-party kind whose CRD is not installed: it cannot be built until it is. */
  public static Readiness crdMissing(dev.slipstream.core.model.ThirdPartyKinds kind, String neededFor) {
    return Readiness.failed("CrdMissing", neededFor + " needs the " + kind.kind + " CRD (" + kind.crdName()
        + "), which is not installed in this cluster; install it: the operator looks for it every "
        + dev.slipstream.core.model.ThirdPartyKinds.RECHECK.toSeconds() + "s and uses it from then on");
  }

  /** A Deployment is ready when its current generation has all replicas available. */
  public static Readiness deployment(Deployment deployment) {
    if (deployment == null) {
      return Readiness.pending("ServingPending", "Deployment not created yet");
    }
    String name = deployment.getMetadata().getName();
    var status = deployment.getStatus();
    int wanted = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    if (status != null && status.getConditions() != null) {
      for (var c : status.getConditions()) {
        if ("Progressing".equals(c.getType()) && "False".equals(c.getStatus())
            && "ProgressDeadlineExceeded".equals(c.getReason())) {
          return Readiness.failed("ServingFailed", "Deployment " + name + " exceeded its progress deadline: " + c.getMessage());
        }
      }
    }
    long generation = Optional.ofNullable(deployment.getMetadata().getGeneration()).orElse(0L);
    boolean current = status != null && Optional.ofNullable(status.getObservedGeneration()).orElse(0L) >= generation;
    int available = status == null ? 0 : Optional.ofNullable(status.getAvailableReplicas()).orElse(0);
    if (current && available >= wanted) {
      return Readiness.ready("ServingReady", "Deployment " + name + " has " + available + "/" + wanted + " replicas available");
    }
    return Readiness.pending("ServingPending", "Deployment " + name + " has " + available + "/" + wanted + " replicas available");
  }

  /**
   * Whether the controller has not yet processed the object's current generation ({@code status.observedGeneration}
   * below {@code metadata.generation}, or absent): what its status says is about an earlier spec.
   */
  static boolean behind(GenericKubernetesResource object, Map<String, Object> status) {
    Long generation = object.getMetadata().getGeneration();
    Object observed = status.get("observedGeneration");
    return generation != null && (!(observed instanceof Number n) || n.longValue() < generation);
  }

  /**
   * Flink Kubernetes Operator: the job is ready when the operator has reconciled the spec as it is now
   * ({@code observedGeneration}), deployed it ({@code reconciliationStatus.state} DEPLOYED, not UPGRADING or rolling
   * back) and the job is RUNNING. FAILED, a reported error, or a rollback to the last stable spec is a failure; a
   * RUNNING job of an earlier spec, or one being upgraded, is a wait.
   */
  public static Readiness flinkDeployment(GenericKubernetesResource deployment) {
    if (deployment == null) {
      return Readiness.pending("JobPending", "FlinkDeployment not created yet");
    }
    String name = deployment.getMetadata().getName();
    Map<String, Object> status = map(deployment.getAdditionalProperties().get("status"));
    String state = jobState(deployment);
    Object error = status.get("error");
    if ("FAILED".equals(state) || (error != null && !"RUNNING".equals(state))) {
      return Readiness.failed("JobFailed", "Flink job " + name + " is " + (state == null ? "failing" : state)
          + (error == null ? "" : ": " + error));
    }
    Object reconciliation = path(status, "reconciliationStatus").map(r -> r.get("state")).orElse(null);
    if ("ROLLED_BACK".equals(reconciliation)) {
      return Readiness.failed("JobRolledBack", "the Flink operator rolled FlinkDeployment " + name
          + " back to its last stable spec" + (error == null ? "" : ": " + error));
    }
    if (behind(deployment, status)) {
      Long generation = deployment.getMetadata().getGeneration();
      return Readiness.pending("JobPending", "the Flink operator has not reconciled generation " + generation
          + " of FlinkDeployment " + name + " yet" + (state == null ? "" : " (the job of an earlier spec is " + state + ")"));
    }
    if ("UPGRADING".equals(reconciliation) || "ROLLING_BACK".equals(reconciliation)) {
      return Readiness.pending("JobUpgrading", "FlinkDeployment " + name + " is " + (reconciliation.equals("UPGRADING")
          ? "being upgraded to its new spec" : "being rolled back to its last stable spec") + " (lifecycle "
          + status.getOrDefault("lifecycleState", reconciliation) + ")");
    }
    if ("RUNNING".equals(state)) {
      return Readiness.ready("JobRunning", "Flink job " + name + " is RUNNING");
    }
    return Readiness.pending("JobPending", "Flink job " + name + " is " + (state == null ? "not started yet" : state));
  }

  /**
   * Whether a bounded job (a replay) has ended: FINISHED for the spec as it is now, and neither suspended (a suspended
   * job is cancelled, and the Flink operator may report it FINISHED too) nor asked to be.
   */
  public static boolean finished(GenericKubernetesResource deployment) {
    Map<String, Object> status = map(deployment.getAdditionalProperties().get("status"));
    return "FINISHED".equals(jobState(deployment)) && !behind(deployment, status)
        && !"SUSPENDED".equals(status.get("lifecycleState")) && !FlinkDeploymentModel.suspended(deployment);
  }

  public static String jobState(GenericKubernetesResource deployment) {
    if (deployment == null) {
      return null;
    }
    return path(map(deployment.getAdditionalProperties().get("status")), "jobStatus")
        .map(j -> (String) j.get("state")).orElse(null);
  }

  /**
   * Strimzi: a KafkaTopic is ready when its Ready condition is True for its current generation (the topic operator
   * writes {@code observedGeneration}; a Ready left from an earlier spec, say before partitions were raised, is a
   * wait). A paused one ({@code ReconciliationPaused} True, written instead of Ready) is not kept in step with its spec;
   * a refused one ({@code Ready} False) carries the topic operator's reason (NotSupported, KafkaError, ResourceConflict).
   */
  public static Readiness kafkaTopic(GenericKubernetesResource topic) {
    if (topic == null) {
      return Readiness.pending("TopicsPending", "KafkaTopic not created yet");
    }
    Map<String, Object> status = map(topic.getAdditionalProperties().get("status"));
    Optional<Map<String, Object>> ready = condition(status, "Ready");
    if (!status.isEmpty() && behind(topic, status)) {
      return Readiness.pending("TopicsPending", "the Strimzi topic operator has not reconciled generation "
          + topic.getMetadata().getGeneration() + " of KafkaTopic " + topic.getMetadata().getName() + " yet");
    }
    if (condition(status, "ReconciliationPaused").filter(c -> "True".equals(c.get("status"))).isPresent()) {
      return Readiness.failed("TopicPaused", "the Strimzi topic operator's reconciliation of KafkaTopic "
          + topic.getMetadata().getName() + " is paused (strimzi.io/pause-reconciliation): its spec is not applied to the"
          + " topic until the annotation is removed");
    }
    if (ready.isPresent() && "True".equals(ready.get().get("status"))) {
      return Readiness.ready("TopicsReady", "KafkaTopic " + topic.getMetadata().getName() + " is ready");
    }
    String detail = ready.map(c -> (c.get("reason") == null ? "" : c.get("reason") + ": ") + Objects.toString(c.get("message"), ""))
        .filter(d -> !d.isBlank()).orElse("waiting for the Strimzi topic operator");
    return ready.isPresent() && "False".equals(ready.get().get("status"))
        ? Readiness.failed("TopicError", "KafkaTopic " + topic.getMetadata().getName() + ": " + detail)
        : Readiness.pending("TopicsPending", "KafkaTopic " + topic.getMetadata().getName() + ": " + detail);
  }

  /**
   * KEDA: a ScaledObject scales its target once KEDA has checked it ({@code Ready} True); {@code Ready} False (reason
   * ScaledObjectCheckFailed, with KEDA's words) means it never will; {@code Unknown} or no status is a wait. A
   * {@code Fallback} True means KEDA cannot read the lag and holds the fallback replica count: said, not failed.
   */
  public static Readiness scaledObject(GenericKubernetesResource scaledObject) {
    if (scaledObject == null) {
      return Readiness.pending("ScalingPending", "ScaledObject not created yet");
    }
    String name = scaledObject.getMetadata().getName();
    Map<String, Object> status = map(scaledObject.getAdditionalProperties().get("status"));
    Optional<Map<String, Object>> ready = condition(status, "Ready");
    String state = ready.map(c -> Objects.toString(c.get("status"), "Unknown")).orElse("Unknown");
    if (state.equals("False")) {
      return Readiness.failed("ScalingFailed", "KEDA refused ScaledObject " + name + ": "
          + ready.get().getOrDefault("reason", "no reason given") + ", " + ready.get().getOrDefault("message", "no message")
          + "; the lag-driven scale-out is not in effect");
    }
    if (!state.equals("True")) {
      return Readiness.pending("ScalingPending", "KEDA has not checked ScaledObject " + name + " yet");
    }
    String fallback = condition(status, "Fallback").filter(c -> "True".equals(c.get("status")))
        .map(c -> "; KEDA holds its fallback replicas: " + c.getOrDefault("message", "its scaler fails")).orElse("");
    String active = condition(status, "Active").filter(c -> "True".equals(c.get("status"))).isPresent()
        ? "scaling on the consumer lag" : "ready, its trigger not active";
    return Readiness.ready("ScalingReady", "KEDA ScaledObject " + name + " is " + active + fallback);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  static Optional<Map<String, Object>> path(Map<String, Object> root, String... keys) {
    Map<String, Object> current = root;
    for (String key : keys) {
      Object next = current.get(key);
      if (!(next instanceof Map<?, ?>)) {
        return Optional.empty();
      }
      current = map(next);
    }
    return Optional.of(current);
  }

  static Optional<Map<String, Object>> condition(Map<String, Object> status, String type) {
    if (!(status.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream().map(ObjectReadiness::map).filter(c -> type.equals(c.get("type"))).findFirst();
  }
}
