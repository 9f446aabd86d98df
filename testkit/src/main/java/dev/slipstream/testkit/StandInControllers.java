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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    HTTP_ROUTE("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"),
    /** KEDA's operator: checks a ScaledObject and reports it Ready (or refused) with its trigger's activity. */
    SCALED_OBJECT("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects");

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
    /** A bounded Flink job that has ended: FINISHED, lifecycle STABLE, the job manager kept up. */
    Behaviour FINISHED = new Finished();

    static Behaviour fail(String message) {
      return new Fail(message);
    }

    record Ready() implements Behaviour {}

    record Hold() implements Behaviour {}

    record Upgrading() implements Behaviour {}

    record Finished() implements Behaviour {}

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
    if ((behaviour instanceof Behaviour.Upgrading || behaviour instanceof Behaviour.Finished) && kind != Kind.FLINK_DEPLOYMENT) {
      behaviour = Behaviour.READY; // only the Flink operator has that in-between state
    }
    Map<String, Object> status = switch (kind) {
      case INFERENCE_SERVICE -> StandInStatus.inferenceService(obj, behaviour,
          deploymentModes.getOrDefault(key(kind, obj.getMetadata().getNamespace(), obj.getMetadata().getName()), "Serverless"));
      case HTTP_ROUTE -> StandInStatus.httpRoute(obj, behaviour);
      case FLINK_DEPLOYMENT -> StandInStatus.flinkDeployment(obj, behaviour);
      case KAFKA_TOPIC -> StandInStatus.kafkaTopic(obj, behaviour);
      case DEPLOYMENT -> StandInStatus.deployment((Deployment) obj, behaviour);
      case SCALED_OBJECT -> StandInStatus.scaledObject(obj, behaviour);
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

  /**
   * Only the keys we set count, and transition times are not compared, so an unchanged report writes nothing. Both
   * sides are compared as JSON reads them back: the status built here holds the generation as a Long where the one
   * read from the server holds an Integer, and a comparison of the maps as built found every report changed, so each
   * stand-in patched its objects again at every event, its own patches included, for as long as it ran.
   */
  static boolean sameAs(Map<String, Object> current, Map<String, Object> wanted) {
    Map<String, Object> a = asJsonReadsIt(wanted);
    Map<String, Object> b = asJsonReadsIt(current);
    stripTimes(a);
    stripTimes(b);
    return a.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(), b.get(e.getKey())));
  }

  /** A deep copy, with numbers as JSON reads them. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> asJsonReadsIt(Map<String, Object> map) {
    try {
      return MAPPER.readValue(MAPPER.writeValueAsBytes(map), Map.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
  static Map<String, Object> currentStatus(HasMetadata obj) {
    Object status = obj instanceof GenericKubernetesResource g ? g.getAdditionalProperties().get("status")
        : obj instanceof Deployment d ? d.getStatus() : null;
    return status == null ? Map.of() : MAPPER.convertValue(status, Map.class);
  }

  private static String key(Kind kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }
}
