package dev.slipstream.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stand-ins for the controllers that cannot run here (KServe, the Flink Kubernetes Operator, Strimzi's
 * topic operator, the Deployment controller). They report status in the shapes the real ones use, so the
 * operator's readiness logic reads real-shaped status. Each object is made ready unless a test asks for
 * it to hold (never ready) or fail.
 */
public final class StandInControllers implements AutoCloseable {
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  public enum Kind {
    INFERENCE_SERVICE("serving.kserve.io", "v1beta1", "InferenceService", "inferenceservices"),
    FLINK_DEPLOYMENT("flink.apache.org", "v1beta1", "FlinkDeployment", "flinkdeployments"),
    KAFKA_TOPIC("kafka.strimzi.io", "v1", "KafkaTopic", "kafkatopics"),
    DEPLOYMENT("apps", "v1", "Deployment", "deployments"),
    /** A Gateway API mesh (GAMMA) taking HTTPRoutes whose parent is a Service. */
    HTTP_ROUTE("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes");

    final ResourceDefinitionContext context;

    Kind(String group, String version, String kind, String plural) {
      this.context = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
          .withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    /** Group, version, kind and plural, for a generic client. */
    public ResourceDefinitionContext context() {
      return context;
    }
  }

  /** What a stand-in reports for an object. */
  public sealed interface Behaviour {
    Behaviour READY = new Ready();
    Behaviour HOLD = new Hold();
    /** The Flink operator upgrading the job to a new spec: the old job still RUNNING, reconciliation UPGRADING. */
    Behaviour UPGRADING = new Upgrading();

    static Behaviour fail(String message) {
      return new Fail(message);
    }

    record Ready() implements Behaviour {}

    record Hold() implements Behaviour {}

    record Upgrading() implements Behaviour {}

    record Fail(String message) implements Behaviour {}
  }

  private final KubernetesClient client;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, String> deploymentModes = new ConcurrentHashMap<>();

  private StandInControllers(KubernetesClient client, List<Kind> kinds) {
    this.client = client;
    for (Kind kind : kinds) {
      ResourceEventHandler<HasMetadata> handler = new ResourceEventHandler<>() {
        @Override
        public void onAdd(HasMetadata obj) {
          act(kind, obj);
        }

        @Override
        public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
          act(kind, newObj);
        }

        @Override
        public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {}
      };
      @SuppressWarnings({"unchecked", "rawtypes"})
      SharedIndexInformer<?> informer = kind == Kind.DEPLOYMENT
          ? client.apps().deployments().inAnyNamespace().inform((ResourceEventHandler) handler)
          : client.genericKubernetesResources(kind.context).inAnyNamespace().inform((ResourceEventHandler) handler);
      informers.add(informer);
    }
  }

  /** Stand-ins for the given kinds, watching all namespaces of the client's server. */
  public static StandInControllers start(KubernetesClient client, Kind... kinds) {
    return new StandInControllers(client, List.of(kinds));
  }

  public static StandInControllers startAll(KubernetesClient client) {
    return start(client, Kind.values());
  }

  /** Sets how the stand-in reports the object of that kind, namespace and name, and applies it now. */
  public void behave(Kind kind, String namespace, String name, Behaviour behaviour) {
    behaviours.put(key(kind, namespace, name), behaviour);
    HasMetadata current = kind == Kind.DEPLOYMENT
        ? client.apps().deployments().inNamespace(namespace).withName(name).get()
        : client.genericKubernetesResources(kind.context).inNamespace(namespace).withName(name).get();
    if (current != null) {
      act(kind, current);
    }
  }

  /**
   * The mode KServe runs the InferenceService in, as it reports it in {@code status.deploymentMode}: Serverless (the
   * default here) or RawDeployment, where it has no revisions and ignores canaryTrafficPercent.
   */
  public void deploymentMode(String namespace, String name, String mode) {
    deploymentModes.put(key(Kind.INFERENCE_SERVICE, namespace, name), mode);
    behave(Kind.INFERENCE_SERVICE, namespace, name,
        behaviours.getOrDefault(key(Kind.INFERENCE_SERVICE, namespace, name), Behaviour.READY));
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  private void act(Kind kind, HasMetadata obj) {
    Behaviour behaviour = behaviours.getOrDefault(key(kind, obj.getMetadata().getNamespace(), obj.getMetadata().getName()), Behaviour.READY);
    if (behaviour instanceof Behaviour.Hold) {
      return;
    }
    if (behaviour instanceof Behaviour.Upgrading && kind != Kind.FLINK_DEPLOYMENT) {
      behaviour = Behaviour.READY; // only the Flink operator has that in-between state
    }
    Map<String, Object> status = switch (kind) {
      case INFERENCE_SERVICE -> inferenceServiceStatus(obj, behaviour,
          deploymentModes.getOrDefault(key(kind, obj.getMetadata().getNamespace(), obj.getMetadata().getName()), "Serverless"));
      case HTTP_ROUTE -> httpRouteStatus(obj, behaviour);
      case FLINK_DEPLOYMENT -> flinkStatus(obj, behaviour);
      case KAFKA_TOPIC -> kafkaTopicStatus(obj, behaviour);
      case DEPLOYMENT -> deploymentStatus((Deployment) obj, behaviour);
    };
    if (sameAs(currentStatus(obj), status)) {
      return;
    }
    try {
      String body = MAPPER.writeValueAsString(Map.of("status", status));
      var patch = PatchContext.of(PatchType.JSON_MERGE);
      // the object in hand: by name the client would GET it before every patch
      if (kind == Kind.DEPLOYMENT) {
        client.apps().deployments().resource((Deployment) obj).subresource("status").patch(patch, body);
      } else {
        client.genericKubernetesResources(kind.context).resource((GenericKubernetesResource) obj).subresource("status")
            .patch(patch, body);
      }
    } catch (KubernetesClientException | com.fasterxml.jackson.core.JsonProcessingException e) {
      // deleted meanwhile, or a conflict: the next event brings it back here
    }
  }

  /** Only the keys we set count, and transition times are not compared, so an unchanged report writes nothing. */
  @SuppressWarnings("unchecked")
  private static boolean sameAs(Map<String, Object> current, Map<String, Object> wanted) {
    Map<String, Object> a = MAPPER.convertValue(wanted, Map.class);
    Map<String, Object> b = MAPPER.convertValue(current, Map.class);
    stripTimes(a);
    stripTimes(b);
    return a.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(), b.get(e.getKey())));
  }

  @SuppressWarnings("unchecked")
  private static void stripTimes(Object node) {
    if (node instanceof Map<?, ?> m) {
      ((Map<String, Object>) m).remove("lastTransitionTime");
      ((Map<String, Object>) m).remove("lastUpdateTime");
      ((Map<String, Object>) m).remove("reconciliationTimestamp");
      m.values().forEach(StandInControllers::stripTimes);
    } else if (node instanceof List<?> l) {
      l.forEach(StandInControllers::stripTimes);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> currentStatus(HasMetadata obj) {
    Object status = obj instanceof GenericKubernetesResource g ? g.getAdditionalProperties().get("status")
        : obj instanceof Deployment d ? d.getStatus() : null;
    return status == null ? Map.of() : MAPPER.convertValue(status, Map.class);
  }

  /**
   * KServe in serverless mode: each change of the predictor (other than canaryTrafficPercent) is a new
   * revision; with canaryTrafficPercent below 100 the new revision gets that share and the last rolled-out
   * revision keeps the rest; without it (or at 100) the new revision is rolled out.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> inferenceServiceStatus(HasMetadata isvc, Behaviour behaviour, String mode) {
    String now = now();
    String name = isvc.getMetadata().getName();
    String ns = isvc.getMetadata().getNamespace();
    boolean ok = behaviour instanceof Behaviour.Ready;
    Map<String, Object> spec = MAPPER.convertValue(((GenericKubernetesResource) isvc).getAdditionalProperties().get("spec"), Map.class);
    Map<String, Object> predictorSpec = new LinkedHashMap<>((Map<String, Object>) spec.getOrDefault("predictor", Map.of()));
    Object canary = predictorSpec.remove("canaryTrafficPercent");
    String revision = name + "-predictor-" + Integer.toHexString(MAPPER.valueToTree(predictorSpec).toString().hashCode());
    Map<String, Object> prior = (Map<String, Object>) ((Map<String, Object>) currentStatus(isvc)
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
        ok ? null : ((Behaviour.Fail) behaviour).message(), now));
    status.put("conditions", conditions);
    Map<String, Object> modelStatus = new LinkedHashMap<>();
    if (ok) {
      modelStatus.put("states", Map.of("activeModelState", "Loaded", "targetModelState", "Loaded"));
      modelStatus.put("transitionStatus", "UpToDate");
    } else {
      modelStatus.put("states", Map.of("activeModelState", "", "targetModelState", "FailedToLoad"));
      modelStatus.put("transitionStatus", "BlockedByFailedLoad");
      modelStatus.put("lastFailureInfo", Map.of("reason", "ModelLoadFailed", "message", ((Behaviour.Fail) behaviour).message()));
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
  private static Map<String, Object> httpRouteStatus(HasMetadata route, Behaviour behaviour) {
    boolean ok = behaviour instanceof Behaviour.Ready;
    Map<String, Object> spec = MAPPER.convertValue(((GenericKubernetesResource) route).getAdditionalProperties().get("spec"), Map.class);
    List<Map<String, Object>> parents = new ArrayList<>();
    for (Object ref : (List<Object>) spec.getOrDefault("parentRefs", List.of())) {
      Map<String, Object> parent = new LinkedHashMap<>();
      parent.put("parentRef", ref);
      parent.put("controllerName", "istio.io/gateway-controller");
      parent.put("conditions", List.of(
          condition("Accepted", ok, ok ? "Accepted" : "UnsupportedValue",
              ok ? "Route was valid" : ((Behaviour.Fail) behaviour).message(), now()),
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
  private static Map<String, Object> flinkStatus(HasMetadata deployment, Behaviour behaviour) {
    boolean ok = behaviour instanceof Behaviour.Ready;
    boolean upgrading = behaviour instanceof Behaviour.Upgrading;
    Map<String, Object> status = new LinkedHashMap<>();
    Map<String, Object> jobStatus = new LinkedHashMap<>();
    jobStatus.put("state", ok || upgrading ? "RUNNING" : "FAILED");
    jobStatus.put("jobName", "slipstream-job");
    status.put("jobStatus", jobStatus);
    status.put("observedGeneration", deployment.getMetadata().getGeneration());
    Map<String, Object> spec = MAPPER.convertValue(((GenericKubernetesResource) deployment).getAdditionalProperties()
        .get("spec"), Map.class);
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
    status.put("lifecycleState", ok ? "STABLE" : upgrading ? "UPGRADING" : "FAILED");
    status.put("jobManagerDeploymentStatus", ok || upgrading ? "READY" : "ERROR");
    if (!ok && !upgrading) {
      status.put("error", ((Behaviour.Fail) behaviour).message());
    }
    return status;
  }


  private static Map<String, Object> kafkaTopicStatus(HasMetadata topic, Behaviour behaviour) {
    boolean ok = behaviour instanceof Behaviour.Ready;
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", topic.getMetadata().getGeneration());
    Object spec = ((GenericKubernetesResource) topic).getAdditionalProperties().get("spec");
    if (spec instanceof Map<?, ?> m && m.get("topicName") != null) {
      status.put("topicName", m.get("topicName"));
    }
    status.put("conditions", List.of(condition("Ready", ok, ok ? null : "KafkaError",
        ok ? null : ((Behaviour.Fail) behaviour).message(), now())));
    return status;
  }

  private static Map<String, Object> deploymentStatus(Deployment deployment, Behaviour behaviour) {
    int replicas = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    boolean ok = behaviour instanceof Behaviour.Ready;
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", deployment.getMetadata().getGeneration());
    status.put("replicas", replicas);
    status.put("updatedReplicas", replicas);
    status.put("readyReplicas", ok ? replicas : 0);
    status.put("availableReplicas", ok ? replicas : 0);
    status.put("conditions", ok
        ? List.of(condition("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.", now()))
        : List.of(condition("Progressing", false, "ProgressDeadlineExceeded", ((Behaviour.Fail) behaviour).message(), now())));
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

  private static String key(Kind kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }
}
