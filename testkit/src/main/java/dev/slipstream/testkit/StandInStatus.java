package dev.slipstream.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status each stand-in writes, in the shape its real controller writes it (KServe, the Flink Kubernetes Operator,
 * Strimzi's topic operator, the Deployment controller, a Gateway API mesh), in-between states included.
 */
final class StandInStatus {
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  private StandInStatus() {}

  /**
   * KServe in serverless mode: each change of the predictor (other than canaryTrafficPercent) is a new
   * revision; with canaryTrafficPercent below 100 the new revision gets that share and the last rolled-out
   * revision keeps the rest; without it (or at 100) the new revision is rolled out.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> inferenceService(HasMetadata isvc, StandInControllers.Behaviour behaviour, String mode) {
    String now = now();
    String name = isvc.getMetadata().getName();
    String ns = isvc.getMetadata().getNamespace();
    boolean ok = behaviour instanceof StandInControllers.Behaviour.Ready;
    Map<String, Object> spec = MAPPER.convertValue(((GenericKubernetesResource) isvc).getAdditionalProperties().get("spec"), Map.class);
    Map<String, Object> predictorSpec = new LinkedHashMap<>((Map<String, Object>) spec.getOrDefault("predictor", Map.of()));
    Object canary = predictorSpec.remove("canaryTrafficPercent");
    String revision = name + "-predictor-" + Integer.toHexString(MAPPER.valueToTree(predictorSpec).toString().hashCode());
    Map<String, Object> prior = (Map<String, Object>) ((Map<String, Object>) StandInControllers.currentStatus(isvc)
        .getOrDefault("components", Map.of())).getOrDefault("predictor", Map.of());
    String rolledOut = (String) prior.get("latestRolledoutRevision");
    String previous = (String) prior.get("previousRolledoutRevision");

    Map<String, Object> predictor = new LinkedHashMap<>();
    predictor.put("latestCreatedRevision", revision);
    predictor.put("url", "http://" + name + "-predictor." + ns + ".example.com");
    List<Map<String, Object>> traffic = new ArrayList<>();
    if (ok) {
      predictor.put("latestReadyRevision", revision);
      int percent = canary instanceof Number n ? n.intValue() : 100;
      if (percent >= 100 || rolledOut == null || rolledOut.equals(revision)) {
        if (rolledOut != null && !rolledOut.equals(revision)) {
          previous = rolledOut;
        }
        rolledOut = revision;
        traffic.add(trafficTarget(isvc, revision, 100, true, "latest"));
      } else {
        // with tag routing KServe keeps a latest- URL for the candidate even at 0%
        traffic.add(trafficTarget(isvc, revision, percent, true, "latest"));
        traffic.add(trafficTarget(isvc, rolledOut, 100 - percent, false, "prev"));
      }
    } else if (prior.get("latestReadyRevision") != null) {
      predictor.put("latestReadyRevision", prior.get("latestReadyRevision"));
    }
    if (rolledOut != null) {
      predictor.put("latestRolledoutRevision", rolledOut);
    }
    if (previous != null) {
      predictor.put("previousRolledoutRevision", previous);
    }
    predictor.put("traffic", traffic);

    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", isvc.getMetadata().getGeneration());
    status.put("deploymentMode", mode);
    status.put("url", "http://" + name + "." + ns + ".example.com");
    status.put("address", Map.of("url", "http://" + name + "." + ns + ".svc.cluster.local"));
    status.put("components", Map.of("predictor", predictor));
    List<Map<String, Object>> conditions = new ArrayList<>();
    conditions.add(condition("PredictorReady", ok, ok ? null : "ModelLoadFailed", null, now));
    conditions.add(condition("Ready", ok, ok ? null : "ModelLoadFailed",
        ok ? null : ((StandInControllers.Behaviour.Fail) behaviour).message(), now));
    status.put("conditions", conditions);
    Map<String, Object> modelStatus = new LinkedHashMap<>();
    if (ok) {
      modelStatus.put("states", Map.of("activeModelState", "Loaded", "targetModelState", "Loaded"));
      modelStatus.put("transitionStatus", "UpToDate");
    } else {
      modelStatus.put("states", Map.of("activeModelState", "", "targetModelState", "FailedToLoad"));
      modelStatus.put("transitionStatus", "BlockedByFailedLoad");
      modelStatus.put("lastFailureInfo", Map.of("reason", "ModelLoadFailed", "message", ((StandInControllers.Behaviour.Fail) behaviour).message()));
    }
    status.put("modelStatus", modelStatus);
    return status;
  }

  private static Map<String, Object> trafficTarget(HasMetadata isvc, String revision, int percent, boolean latest, String tag) {
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("revisionName", revision);
    target.put("percent", percent);
    target.put("latestRevision", latest);
    var annotations = isvc.getMetadata().getAnnotations();
    if (annotations != null && "true".equals(annotations.get("serving.kserve.io/enable-tag-routing"))) {
      target.put("tag", tag);
      target.put("url", "http://" + tag + "-" + isvc.getMetadata().getName() + "-predictor." + isvc.getMetadata().getNamespace()
          + ".svc.cluster.local");
    }
    return target;
  }

  /**
   * A mesh implementing GAMMA: each parentRef of the route gets its status with Accepted and ResolvedRefs, as
   * Gateway API requires (reason, message and time on every condition). A held route has no status: nobody took it.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> httpRoute(HasMetadata route, StandInControllers.Behaviour behaviour) {
    boolean ok = behaviour instanceof StandInControllers.Behaviour.Ready;
    Map<String, Object> spec = MAPPER.convertValue(((GenericKubernetesResource) route).getAdditionalProperties().get("spec"), Map.class);
    List<Map<String, Object>> parents = new ArrayList<>();
    for (Object ref : (List<Object>) spec.getOrDefault("parentRefs", List.of())) {
      Map<String, Object> parent = new LinkedHashMap<>();
      parent.put("parentRef", ref);
      parent.put("controllerName", "istio.io/gateway-controller");
      parent.put("conditions", List.of(
          condition("Accepted", ok, ok ? "Accepted" : "UnsupportedValue",
              ok ? "Route was valid" : ((StandInControllers.Behaviour.Fail) behaviour).message(), now()),
          condition("ResolvedRefs", true, "ResolvedRefs", "All references resolved", now())));
      parents.add(parent);
    }
    return Map.of("parents", parents);
  }

  /**
   * The Flink Kubernetes Operator: the generation it reconciled, the reconciliation state (DEPLOYED, or UPGRADING
   * while it moves the job to a new spec), the last reconciled spec as it serialises it, the lifecycle state and the
   * job's state; a failed job with its error.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> flinkDeployment(HasMetadata deployment, StandInControllers.Behaviour behaviour) {
    Map<String, Object> spec = MAPPER.convertValue(((GenericKubernetesResource) deployment).getAdditionalProperties()
        .get("spec"), Map.class);
    // a job asked to be suspended is cancelled (stateless): its lifecycle SUSPENDED, its last state FINISHED, as the
    // Flink operator reports a cancelled application; a bounded job that ended is FINISHED and STABLE
    boolean suspended = dev.slipstream.core.model.FlinkDeploymentModel.suspended((GenericKubernetesResource) deployment);
    boolean finished = behaviour instanceof StandInControllers.Behaviour.Finished || suspended;
    boolean ok = behaviour instanceof StandInControllers.Behaviour.Ready || finished;
    boolean upgrading = behaviour instanceof StandInControllers.Behaviour.Upgrading;
    Map<String, Object> status = new LinkedHashMap<>();
    Map<String, Object> jobStatus = new LinkedHashMap<>();
    jobStatus.put("state", finished ? "FINISHED" : ok || upgrading ? "RUNNING" : "FAILED");
    jobStatus.put("jobName", "slipstream-job");
    status.put("jobStatus", jobStatus);
    status.put("observedGeneration", deployment.getMetadata().getGeneration());
    String reconciled;
    try {
      reconciled = MAPPER.writeValueAsString(Map.of("spec", spec == null ? Map.of() : spec,
          "resource_metadata", Map.of("apiVersion", "flink.apache.org/v1beta1", "firstDeployment", false)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Object> reconciliation = new LinkedHashMap<>();
    reconciliation.put("reconciliationTimestamp", Instant.now().toEpochMilli() / 1000 * 1000);
    reconciliation.put("lastReconciledSpec", reconciled);
    if (!upgrading) {
      reconciliation.put("lastStableSpec", reconciled);
    }
    reconciliation.put("state", upgrading ? "UPGRADING" : "DEPLOYED");
    status.put("reconciliationStatus", reconciliation);
    status.put("lifecycleState", suspended ? "SUSPENDED" : ok ? "STABLE" : upgrading ? "UPGRADING" : "FAILED");
    status.put("jobManagerDeploymentStatus", suspended ? "MISSING" : ok || upgrading ? "READY" : "ERROR");
    if (!ok && !upgrading) {
      status.put("error", ((StandInControllers.Behaviour.Fail) behaviour).message());
    }
    return status;
  }


  static Map<String, Object> kafkaTopic(HasMetadata topic, StandInControllers.Behaviour behaviour) {
    boolean ok = behaviour instanceof StandInControllers.Behaviour.Ready;
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", topic.getMetadata().getGeneration());
    Object spec = ((GenericKubernetesResource) topic).getAdditionalProperties().get("spec");
    if (spec instanceof Map<?, ?> m && m.get("topicName") != null) {
      status.put("topicName", m.get("topicName"));
    }
    status.put("conditions", List.of(condition("Ready", ok, ok ? null : "KafkaError",
        ok ? null : ((StandInControllers.Behaviour.Fail) behaviour).message(), now())));
    return status;
  }

  /**
   * KEDA's ScaledObject status as its controller writes it: after a successful check Ready True (ScaledObjectReady), the
   * trigger's activity in Active, Fallback and Paused False, the target's kind and the HPA it made; a failed check
   * Ready False (ScaledObjectCheckFailed, with what failed) and Active Unknown. The Kafka trigger counts as active.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> scaledObject(HasMetadata scaledObject, StandInControllers.Behaviour behaviour) {
    boolean ok = behaviour instanceof StandInControllers.Behaviour.Ready;
    Map<String, Object> status = new LinkedHashMap<>();
    String time = now();
    if (ok) {
      status.put("scaleTargetKind", "apps/v1.Deployment");
      status.put("hpaName", "keda-hpa-" + scaledObject.getMetadata().getName());
      status.put("conditions", List.of(
          condition("Ready", true, "ScaledObjectReady", "ScaledObject is defined correctly and is ready for scaling", time),
          condition("Active", true, "ScalerActive", "Scaling is performed because triggers are active", time),
          condition("Fallback", false, "NoFallbackFound", "No fallbacks are active on this scaled object", time),
          condition("Paused", false, null, null, time)));
    } else {
      status.put("conditions", List.of(
          condition("Ready", false, "ScaledObjectCheckFailed", ((StandInControllers.Behaviour.Fail) behaviour).message(), time),
          unknown("Active", "UnknownState", "ScaledObject check failed", time),
          unknown("Fallback", null, null, time),
          unknown("Paused", null, null, time)));
    }
    // KEDA's conditions carry no transition time
    ((List<Map<String, Object>>) status.get("conditions")).forEach(c -> c.remove("lastTransitionTime"));
    return status;
  }

  private static Map<String, Object> unknown(String type, String reason, String message, String time) {
    Map<String, Object> c = new LinkedHashMap<>(condition(type, false, reason, message, time));
    c.put("status", "Unknown");
    return c;
  }

  static Map<String, Object> deployment(Deployment deployment, StandInControllers.Behaviour behaviour) {
    int replicas = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    boolean ok = behaviour instanceof StandInControllers.Behaviour.Ready;
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", deployment.getMetadata().getGeneration());
    status.put("replicas", replicas);
    status.put("updatedReplicas", replicas);
    status.put("readyReplicas", ok ? replicas : 0);
    status.put("availableReplicas", ok ? replicas : 0);
    status.put("conditions", ok
        ? List.of(condition("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.", now()))
        : List.of(condition("Progressing", false, "ProgressDeadlineExceeded", ((StandInControllers.Behaviour.Fail) behaviour).message(), now())));
    return status;
  }

  private static Map<String, Object> condition(String type, boolean ok, String reason, String message, String now) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", ok ? "True" : "False");
    if (reason != null) {
      c.put("reason", reason);
    }
    if (message != null) {
      c.put("message", message);
    }
    c.put("lastTransitionTime", now);
    return c;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
