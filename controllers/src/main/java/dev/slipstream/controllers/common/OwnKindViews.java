package dev.slipstream.controllers.common;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slipstream's own kinds as a second controller watches them: untyped, and read ({@link PrunedReads}) as only what
 * that controller reads. The pipeline controller holds every pipeline and the ModelVersions they name whole, typed;
 * second and third whole copies were most of the operator's heap after those.
 * <ul>
 *   <li>A StreamingPipeline, as the ModelVersion controller reads it: its identity, the ModelVersion it names, its
 *       endpoint and whether the operator reported on it.</li>
 *   <li>A ModelVersion, as the ShedPolicy controller reads it: its identity only (a downgrade's target exists).</li>
 * </ul>
 * Without {@link PrunedReads} the objects are whole, and read the same.
 */
public final class OwnKindViews {
  public static final GroupVersionKind PIPELINE = gvk(StreamingPipeline.class);
  public static final GroupVersionKind MODEL_VERSION = gvk(ModelVersion.class);
  private static final String API_VERSION = HasMetadata.getApiVersion(StreamingPipeline.class);

  private static GroupVersionKind gvk(Class<? extends HasMetadata> type) {
    return new GroupVersionKind(HasMetadata.getGroup(type), HasMetadata.getVersion(type), HasMetadata.getKind(type));
  }

  private OwnKindViews() {}

  /** The ModelVersion the pipeline names ({@code spec.serving.modelVersionRef.name}), or null. */
  public static String modelVersion(GenericKubernetesResource pipeline) {
    return text(path(pipeline, "spec", "serving", "modelVersionRef"), "name");
  }

  /** Its {@code status.endpoint}, or null. */
  public static String endpoint(GenericKubernetesResource pipeline) {
    return text(path(pipeline, "status"), "endpoint");
  }

  /** Whether the operator wrote its status ({@code status.observedGeneration} set). */
  public static boolean reported(GenericKubernetesResource pipeline) {
    Map<?, ?> status = path(pipeline, "status");
    return status != null && status.get("observedGeneration") != null;
  }

  /** Leaves of an untyped object of Slipstream's kinds what the views above read; other objects as they are. */
  static void project(GenericKubernetesResource object) {
    if (!API_VERSION.equals(object.getApiVersion())) {
      return;
    }
    if (PIPELINE.getKind().equals(object.getKind())) {
      projectPipeline(object);
    } else if (MODEL_VERSION.getKind().equals(object.getKind())) {
      object.setMetadata(identity(object.getMetadata()));
      object.getAdditionalProperties().clear();
    }
  }

  private static ObjectMeta identity(ObjectMeta meta) {
    if (meta == null) {
      return null;
    }
    ObjectMeta kept = new ObjectMeta();
    kept.setName(meta.getName());
    kept.setNamespace(meta.getNamespace());
    kept.setUid(meta.getUid());
    kept.setResourceVersion(meta.getResourceVersion());
    kept.setGeneration(meta.getGeneration());
    kept.setCreationTimestamp(meta.getCreationTimestamp());
    kept.setDeletionTimestamp(meta.getDeletionTimestamp());
    return kept;
  }

  private static void projectPipeline(GenericKubernetesResource pipeline) {
    pipeline.setMetadata(identity(pipeline.getMetadata()));
    Map<String, Object> spec = new LinkedHashMap<>();
    String modelVersion = modelVersion(pipeline);
    if (modelVersion != null) {
      Map<String, Object> reference = new LinkedHashMap<>();
      reference.put("name", modelVersion);
      Map<String, Object> serving = new LinkedHashMap<>();
      serving.put("modelVersionRef", reference);
      spec.put("serving", serving);
    }
    Map<String, Object> status = new LinkedHashMap<>();
    String endpoint = endpoint(pipeline);
    if (endpoint != null) {
      status.put("endpoint", endpoint);
    }
    Map<?, ?> stored = path(pipeline, "status");
    if (stored != null && stored.get("observedGeneration") != null) {
      status.put("observedGeneration", stored.get("observedGeneration"));
    }
    pipeline.getAdditionalProperties().clear();
    pipeline.getAdditionalProperties().put("spec", spec);
    if (stored != null) {
      pipeline.getAdditionalProperties().put("status", status);
    }
  }

  private static Map<?, ?> path(GenericKubernetesResource object, String... keys) {
    Object at = object.getAdditionalProperties();
    for (String key : keys) {
      if (!(at instanceof Map<?, ?> map)) {
        return null;
      }
      at = map.get(key);
    }
    return at instanceof Map<?, ?> map ? map : null;
  }

  private static String text(Map<?, ?> map, String key) {
    return map != null && map.get(key) instanceof String text ? text : null;
  }
}
