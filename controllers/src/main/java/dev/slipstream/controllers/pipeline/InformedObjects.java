package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.common.OwnedWriter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Owned objects read from an informer's cache and written through {@link OwnedWriter}. */
final class InformedObjects<R extends HasMetadata> implements OwnedObjects<R> {
  private final InformerEventSource<R, StreamingPipeline> source;
  private final ResourceDefinitionContext kind;
  private final OwnedWriter writer;
  private final KubernetesClient client;

  /** @param kind the API coordinates of a third-party kind, or null for a built-in one */
  InformedObjects(InformerEventSource<R, StreamingPipeline> source, ResourceDefinitionContext kind, OwnedWriter writer,
      KubernetesClient client) {
    this.source = source;
    this.kind = kind;
    this.writer = writer;
    this.client = client;
  }

  @Override
  public boolean installed() {
    return true;
  }

  @Override
  public Optional<R> get(String namespace, String name) {
    return source.get(new ResourceID(name, namespace));
  }

  /**
   * Looked up in the source's index of owners (a scan of the whole cache per reconcile made a fan-out quadratic),
   * then checked against the pipeline's uid.
   */
  @Override
  public List<R> ownedBy(StreamingPipeline pipeline) {
    String uid = pipeline.getMetadata().getUid();
    return source.getSecondaryResources(pipeline).stream()
        .filter(o -> o.getMetadata().getOwnerReferences().stream().anyMatch(r -> Objects.equals(uid, r.getUid())))
        .sorted(Comparator.comparing((R o) -> o.getMetadata().getName()))
        .toList();
  }

  @Override
  public R ensure(R desired) {
    return writer.ensure(desired, source, kind).object();
  }

  @Override
  public void delete(R object) {
    if (object instanceof GenericKubernetesResource) {
      client.genericKubernetesResources(kind).inNamespace(object.getMetadata().getNamespace())
          .withName(object.getMetadata().getName()).delete();
    } else {
      client.resource(object).delete();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void edit(R object, UnaryOperator<R> change) {
    if (object instanceof GenericKubernetesResource) {
      client.genericKubernetesResources(kind).inNamespace(object.getMetadata().getNamespace())
          .withName(object.getMetadata().getName()).edit(o -> (GenericKubernetesResource) change.apply((R) o));
    } else {
      client.resource(object).edit(change);
    }
  }

  /** A kind whose CRD is not installed: nothing is found, and a write is a bug in the part that sent it. */
  static <R extends HasMetadata> OwnedObjects<R> absent() {
    return new OwnedObjects<>() {
      @Override
      public boolean installed() {
        return false;
      }

      @Override
      public Optional<R> get(String namespace, String name) {
        return Optional.empty();
      }

      @Override
      public List<R> ownedBy(StreamingPipeline pipeline) {
        return List.of();
      }

      @Override
      public R ensure(R desired) {
        throw new IllegalStateException(desired.getKind() + " is not installed; the part should have reported CrdMissing");
      }

      @Override
      public void delete(R object) {
        throw new IllegalStateException(object.getKind() + " is not installed");
      }

      @Override
      public void edit(R object, UnaryOperator<R> change) {
        throw new IllegalStateException(object.getKind() + " is not installed");
      }
    };
  }
}
