package dev.slipstream.controllers.common;

import dev.slipstream.core.model.DesiredState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an owned object to its desired state by comparing it with the informer's copy: absent, it is
 * created; different in what we declare, it is replaced (PUT with the observed resourceVersion, so a
 * concurrent change gives a 409 and a retry); otherwise nothing is sent. Plain create and update work the
 * same on every API server, including the test server, so tests and production share this path.
 */
public final class OwnedWriter {
  private static final Logger LOG = LoggerFactory.getLogger(OwnedWriter.class);
  private final KubernetesClient client;

  public OwnedWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Result of one ensure: the object as the server now has it, and whether a write was sent. */
  public record Written<R>(R object, boolean changed) {}

  public <R extends HasMetadata, P extends HasMetadata> Written<R> ensure(
      R desired, InformerEventSource<R, P> source, ResourceDefinitionContext kind) {
    ResourceID id = ResourceID.fromResource(desired);
    Optional<R> actual = source.get(id);
    if (actual.isPresent() && DesiredState.isSatisfiedBy(desired, actual.get())) {
      return new Written<>(actual.get(), false);
    }
    R written;
    if (actual.isEmpty()) {
      written = operation(desired, kind).create();
      LOG.info("created {} {}/{}", desired.getKind(), id.getNamespace().orElse(""), id.getName());
      source.handleRecentResourceCreate(id, written);
    } else {
      R current = actual.get();
      R replacement = merge(desired, current);
      written = operation(replacement, kind).update();
      LOG.info("updated {} {}/{} to the declared spec", desired.getKind(), id.getNamespace().orElse(""), id.getName());
      source.handleRecentResourceUpdate(id, written, current);
    }
    return new Written<>(written, true);
  }

  /** Our labels, annotations, ownerReferences and spec over the observed object; everything else as observed. */
  private static <R extends HasMetadata> R merge(R desired, R current) {
    R copy = io.fabric8.kubernetes.client.utils.Serialization.clone(desired);
    var meta = copy.getMetadata();
    var seen = current.getMetadata();
    meta.setResourceVersion(seen.getResourceVersion());
    var annotations = new java.util.LinkedHashMap<String, String>();
    if (seen.getAnnotations() != null) {
      annotations.putAll(seen.getAnnotations());
    }
    if (meta.getAnnotations() != null) {
      annotations.putAll(meta.getAnnotations());
    }
    meta.setAnnotations(annotations);
    var labels = new java.util.LinkedHashMap<String, String>();
    if (seen.getLabels() != null) {
      labels.putAll(seen.getLabels());
    }
    labels.putAll(meta.getLabels());
    meta.setLabels(labels);
    meta.setFinalizers(seen.getFinalizers());
    return copy;
  }

  @SuppressWarnings("unchecked")
  private <R extends HasMetadata> io.fabric8.kubernetes.client.dsl.Resource<R> operation(R object, ResourceDefinitionContext kind) {
    if (object instanceof GenericKubernetesResource generic) {
      return (io.fabric8.kubernetes.client.dsl.Resource<R>) client.genericKubernetesResources(kind)
          .inNamespace(generic.getMetadata().getNamespace()).resource(generic);
    }
    return client.resource(object);
  }
}
