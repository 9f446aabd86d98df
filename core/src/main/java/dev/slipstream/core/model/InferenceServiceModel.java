package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelFormat;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.time.Durations;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import dev.slipstream.core.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The KServe InferenceService ({@code serving.kserve.io/v1beta1}) serving a pipeline's ModelVersion. */
public final class InferenceServiceModel {
  public static final String COMPONENT = "serving";
  public static final String TAG_ROUTING = "serving.kserve.io/enable-tag-routing";
  /**
   * The generation from which the InferenceService's spec has asked for the model it asks for now. KServe's status
   * is about the generation it last observed; one from before this generation is about another model, one from
   * after it (a scale or traffic change since) still about this one.
   */
  public static final String MODEL_GENERATION = "slipstream.dev/model-generation";
  /** Predictor fields that change how much serves, not what answers. */
  private static final Set<String> SCALE_FIELDS = Set.of("canaryTrafficPercent", "minReplicas", "maxReplicas",
      "containerConcurrency");

  private InferenceServiceModel() {}

  /** One InferenceService per pipeline, named after it: a new ModelVersion is a new revision of it. */
  public static String name(StreamingPipeline pipeline) {
    return pipeline.getMetadata().getName();
  }

  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    return from(pipeline, model, defaults, null, null);
  }

  /**
   * @param canaryTrafficPercent during a rollout, the share of traffic the revision of {@code model} gets;
   *     KServe keeps the rest on the last rolled-out revision. Null outside a rollout: the model takes it all.
   * @param replicaPercent the share of its replicas the revision runs: the canary's weight, so a canary does not
   *     double the GPU footprint; 0 scales a rolled-back candidate down; null for all of them
   */
  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults,
      Integer canaryTrafficPercent, Integer replicaPercent) {
    return build(pipeline, name(pipeline), COMPONENT, model, defaults, canaryTrafficPercent, replicaPercent, null);
  }

  /**
   * @param containerConcurrency KServe's limit on requests in flight per replica (a ShedPolicy's shed level), or null
   */
  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults,
      Integer canaryTrafficPercent, Integer replicaPercent, Integer containerConcurrency) {
    return build(pipeline, name(pipeline), COMPONENT, model, defaults, canaryTrafficPercent, replicaPercent,
        containerConcurrency);
  }

  /** The component label of a candidate's own serving under a canary split by key. */
  public static final String CANDIDATE_COMPONENT = "candidate";

  /**
   * A candidate's own InferenceService under a canary split by key: beside the pipeline's, named after both, running
   * {@code replicaPercent} of its replicas; the job sends it the keys in its share.
   */
  public static DesiredServing candidate(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults,
      Integer replicaPercent) {
    return build(pipeline, candidateName(pipeline, model.getMetadata().getName()), CANDIDATE_COMPONENT, model, defaults,
        null, replicaPercent, null);
  }

  /** The URL of the InferenceService {@code name} of the pipeline, inside the cluster. */
  public static String endpoint(StreamingPipeline pipeline, String name, OperatorDefaults defaults) {
    return "http://" + name + "." + pipeline.getMetadata().getNamespace() + ".svc." + defaults.clusterDomain();
  }

  public static String candidateName(StreamingPipeline pipeline, String modelVersion) {
    return Names.join(pipeline.getMetadata().getName(), modelVersion);
  }

  /** A ShedPolicy's fallback version: its own InferenceService beside the pipeline's, named after both. */
  public static DesiredServing fallback(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    return build(pipeline, Names.join(pipeline.getMetadata().getName(), model.getMetadata().getName()),
        ServingModel.FALLBACK_COMPONENT, model, defaults, null, null, null);
  }

  private static DesiredServing build(StreamingPipeline pipeline, String name, String component, ModelVersion model,
      OperatorDefaults defaults, Integer canaryTrafficPercent, Integer replicaPercent, Integer containerConcurrency) {
    var mv = model.getSpec();
    Map<String, String> labels = Labels.owned(pipeline.getMetadata().getName(), component);
    labels.put(Labels.MODEL_VERSION, model.getMetadata().getName());

    Map<String, Object> modelFormat = new LinkedHashMap<>();
    modelFormat.put("name", kserveFormat(mv.format));
    Map<String, Object> modelSpec = new LinkedHashMap<>();
    modelSpec.put("modelFormat", modelFormat);
    modelSpec.put("protocolVersion", "v2");
    if (mv.servingRuntime != null) {
      modelSpec.put("runtime", mv.servingRuntime);
    }
    modelSpec.put("storageUri", mv.storageUri);
    Map<String, String> amounts = Resources.amounts(mv.resources);
    modelSpec.put("resources", Ordered.map("requests", amounts, "limits", amounts));

    Map<String, Object> predictor = new LinkedHashMap<>();
    if (canaryTrafficPercent != null) {
      predictor.put("canaryTrafficPercent", canaryTrafficPercent);
    }
    predictor.put("minReplicas", share(mv.minReplicas, replicaPercent));
    predictor.put("maxReplicas", Math.max(1, share(mv.maxReplicas, replicaPercent)));
    if (containerConcurrency != null) {
      predictor.put("containerConcurrency", containerConcurrency);
    }
    predictor.put("model", modelSpec);
    if (mv.batching != null) {
      predictor.put("batcher", Ordered.map(
          "maxBatchSize", mv.batching.maxBatchSize,
          "maxLatency", Durations.parse(mv.batching.maxQueueDelay).toMillis()));
    }
    Map<String, String> nodeSelector = Resources.nodeSelector(mv.resources);
    if (!nodeSelector.isEmpty()) {
      predictor.put("nodeSelector", nodeSelector);
    }
    if (mv.resources.tolerations != null && !mv.resources.tolerations.isEmpty()) {
      predictor.put("tolerations", Json.MAPPER.convertValue(mv.resources.tolerations, List.class));
    }
    if (mv.storage != null && mv.storage.serviceAccountName != null) {
      // KServe's storage initializer takes the credentials of the Secrets this service account lists
      predictor.put("serviceAccountName", mv.storage.serviceAccountName);
    }

    GenericKubernetesResource isvc = ThirdPartyKinds.INFERENCE_SERVICE.object(Owned.meta(pipeline, name, labels),
        Map.of("predictor", predictor));
    var rollout = pipeline.getSpec().rollout;
    if (rollout != null && (rollout.shadow != null || rollout.replay != null)) {
      // the candidate's own URL (latest-...) for the shadow or replay job, while it takes no real traffic
      isvc.getMetadata().setAnnotations(Map.of(TAG_ROUTING, "true"));
    }
    return new DesiredServing(List.of(isvc), endpoint(pipeline, name, defaults));
  }

  /**
   * The desired InferenceService stamped with {@link #MODEL_GENERATION}: 1 for a new one; the stored one's value
   * when what answers is unchanged (only scale or traffic differ); the generation the write will make (the stored
   * generation + 1: a spec change increments it by one) when the model or how it is served changed.
   */
  public static GenericKubernetesResource stampModelGeneration(GenericKubernetesResource desired,
      GenericKubernetesResource current) {
    long since;
    if (current == null) {
      since = 1;
    } else {
      long stored = Optional.ofNullable(current.getMetadata().getGeneration()).orElse(1L);
      // as the writer judges a spec: satisfied by what is stored, server defaults included
      since = DesiredState.contains(Json.MAPPER.valueToTree(whatAnswers(current)), Json.MAPPER.valueToTree(whatAnswers(desired)))
          ? modelGeneration(current).orElse(stored)
          : stored + 1;
    }
    GenericKubernetesResource copy = Json.MAPPER.convertValue(desired, GenericKubernetesResource.class);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (copy.getMetadata().getAnnotations() != null) {
      annotations.putAll(copy.getMetadata().getAnnotations());
    }
    annotations.put(MODEL_GENERATION, String.valueOf(since));
    copy.getMetadata().setAnnotations(annotations);
    return copy;
  }

  /** The generation from which the stored InferenceService asks for its current model, if stamped. */
  public static Optional<Long> modelGeneration(GenericKubernetesResource isvc) {
    var annotations = isvc.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(MODEL_GENERATION);
    try {
      return value == null ? Optional.empty() : Optional.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return Optional.empty(); // edited by hand: judged on the generation itself
    }
  }

  /** The predictor without the fields that only scale it or split traffic. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> whatAnswers(GenericKubernetesResource isvc) {
    Map<String, Object> spec = Json.MAPPER.convertValue(isvc.getAdditionalProperties().get("spec"), Map.class);
    Map<String, Object> predictor = new LinkedHashMap<>(spec == null || spec.get("predictor") == null
        ? Map.of() : (Map<String, Object>) spec.get("predictor"));
    predictor.keySet().removeAll(SCALE_FIELDS);
    return predictor;
  }

  /** ceil(replicas x percent / 100): at least one replica for any share above 0, none for 0. */
  public static int share(int replicas, Integer percent) {
    if (percent == null || percent >= 100) {
      return replicas;
    }
    return percent <= 0 ? 0 : Math.max(1, (int) Math.ceil(replicas * percent / 100.0));
  }

  /** KServe's model format names; tensorrt is served by KServe's Triton runtime under the name tensorrt. */
  static String kserveFormat(ModelFormat format) {
    return format.wireName();
  }
}
