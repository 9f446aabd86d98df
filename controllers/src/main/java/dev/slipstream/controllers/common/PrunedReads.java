package dev.slipstream.controllers.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.Map;

/**
 * What the operator's API client leaves out of every object it reads, so that its caches (one copy of every
 * pipeline, ModelVersion and owned object, several of some) hold only what a reconcile reads:
 * <ul>
 *   <li>{@code metadata.managedFields}, which a real API server keeps on every object, one entry per writer (the
 *       operator writes no managedFields, and an update that carries none keeps the server's);</li>
 *   <li>a FlinkDeployment's {@code status.reconciliationStatus.lastReconciledSpec} and {@code lastStableSpec}: the
 *       Flink operator's copies of the whole spec, as JSON text, in a status the operator never writes (it reads
 *       the reconciliation's {@code state});</li>
 *   <li>{@code kubectl.kubernetes.io/last-applied-configuration} on Slipstream's own kinds, a copy of the whole
 *       object that {@code kubectl apply} and client-side ArgoCD syncs leave. The operator never replaces these
 *       objects (status patches, and for the finalizer an apply of that one entry), so the annotation is never
 *       written back without it. Owned objects keep it: the operator replaces those, and the annotation must
 *       survive.</li>
 *   <li>with {@link #viewsSerialization}, of Slipstream's own kinds read untyped, all but what {@link OwnKindViews}
 *       reads (the ModelVersion controller's watch of pipelines, the ShedPolicy controller's of ModelVersions; the
 *       pipeline controller reads both typed, whole, through the other client).</li>
 * </ul>
 * What is kept of untyped objects, and every object's labels and annotations, is held in {@link CompactMap}s.
 */
public final class PrunedReads {
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final String OWN_GROUP = "slipstream.dev/";
  private static final String FLINK_GROUP = "flink.apache.org/";

  private PrunedReads() {}

  /** The serialization of the operator's client: fabric8's own, reading objects through {@code prune}. */
  public static KubernetesSerialization serialization() {
    return serialization(false);
  }

  /**
   * The same, and Slipstream's own kinds read untyped read as {@link OwnKindViews}: only for a client that serves
   * those views' watches and nothing else. fabric8 reads a typed object untyped on its way at times (a watch event
   * whose kind its serialization has not registered yet), and a view made typed again has lost what it left out.
   */
  public static KubernetesSerialization viewsSerialization() {
    return serialization(true);
  }

  private static KubernetesSerialization serialization(boolean views) {
    ObjectMapper mapper = new ObjectMapper();
    mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    mapper.registerModule(new SimpleModule("slipstream-pruned-reads").setDeserializerModifier(new BeanDeserializerModifier() {
      @Override
      public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
          JsonDeserializer<?> deserializer) {
        return HasMetadata.class.isAssignableFrom(description.getBeanClass()) ? new Pruning(deserializer, views) : deserializer;
      }
    }));
    // the views' client reads only untyped objects: its serialization need not look for typed classes on the class
    // path (a scan of every jar at start-up)
    return new KubernetesSerialization(mapper, !views);
  }

  /** Leaves out of {@code object} what the operator never reads (see the class), and with {@code views} makes it a view. */
  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> R prune(R object, boolean views) {
    ObjectMeta meta = object.getMetadata();
    if (meta != null) {
      meta.setManagedFields(null);
    }
    String apiVersion = object.getApiVersion() == null ? "" : object.getApiVersion();
    if (meta != null && meta.getAnnotations() != null && apiVersion.startsWith(OWN_GROUP)
        && meta.getAnnotations().containsKey(LAST_APPLIED)) {
      meta.getAnnotations().remove(LAST_APPLIED);
    }
    if (object instanceof GenericKubernetesResource generic) {
      if (views) {
        OwnKindViews.project(generic);
      }
      if (apiVersion.startsWith(FLINK_GROUP) && generic.getAdditionalProperties().get("status") instanceof Map<?, ?> status
          && status.get("reconciliationStatus") instanceof Map<?, ?> reconciliation) {
        ((Map<String, Object>) reconciliation).remove("lastReconciledSpec");
        ((Map<String, Object>) reconciliation).remove("lastStableSpec");
      }
      generic.getAdditionalProperties().replaceAll((key, value) -> CompactMap.compact(value));
    }
    if (meta != null) {
      meta.setLabels(CompactMap.of(meta.getLabels()));
      meta.setAnnotations(CompactMap.of(meta.getAnnotations()));
    }
    return object;
  }

  /** ObjectMeta read without its managedFields (never parsed); written as it is. */
  @JsonIgnoreProperties(value = "managedFields", allowGetters = true)
  private abstract static class WithoutManagedFields {}

  /** A resource's own deserializer, then {@code prune}. */
  private static final class Pruning extends DelegatingDeserializer {
    private final boolean views;

    Pruning(JsonDeserializer<?> delegate, boolean views) {
      super(delegate);
      this.views = views;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
      return new Pruning(delegate, views);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      return pruned(super.deserialize(parser, context));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object deserialize(JsonParser parser, DeserializationContext context, Object into) throws IOException {
      return pruned(((JsonDeserializer<Object>) _delegatee).deserialize(parser, context, into));
    }

    private Object pruned(Object read) {
      return read instanceof HasMetadata resource ? prune(resource, views) : read;
    }
  }
}
