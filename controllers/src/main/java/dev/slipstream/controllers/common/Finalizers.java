package dev.slipstream.controllers.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.List;
import java.util.Map;

/**
 * Puts a finalizer on a resource, or takes it off, for the controllers that decide per resource whether they need
 * one. Adding is a server-side apply of that one finalizer (finalizers are a set there): one request, no
 * resourceVersion, so a cache that has not seen the resource's latest version yet cannot make it fail with 409, and
 * another controller's finalizer is kept. Removing is a JSON patch, retried on conflict. Either way the written
 * resource goes into the controller's cache, so the next reconcile does not send the same write again.
 */
public final class Finalizers {
  /** The field manager of the finalizer's apply, as managedFields shows it. */
  static final String FIELD_MANAGER = "slipstream";
  private final KubernetesClient client;

  public Finalizers(KubernetesClient client) {
    this.client = client;
  }

  /** Adds {@code finalizer} unless the resource has it or is being deleted. */
  public <R extends HasMetadata> void add(R resource, String finalizer, Context<R> context) {
    if (resource.hasFinalizer(finalizer) || resource.isMarkedForDeletion()) {
      return;
    }
    var meta = resource.getMetadata();
    Map<String, Object> applied = Map.of("apiVersion", resource.getApiVersion(), "kind", resource.getKind(),
        "metadata", Map.of("name", meta.getName(), "namespace", meta.getNamespace(), "finalizers", List.of(finalizer)));
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) resource.getClass();
    R written = client.resources(type).inNamespace(meta.getNamespace()).withName(meta.getName())
        .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager(FIELD_MANAGER)
            .withForce(true).build(), io.fabric8.kubernetes.client.utils.Serialization.asJson(applied));
    cached(resource, written, context);
  }

  /** Removes {@code finalizer} if the resource has it. */
  public <R extends HasMetadata> void remove(R resource, String finalizer, Context<R> context) {
    if (!resource.hasFinalizer(finalizer)) {
      return;
    }
    cached(resource, PrimaryUpdateAndCacheUtils.removeFinalizer(client, resource, finalizer), context);
  }

  private static <R extends HasMetadata> void cached(R before, R written, Context<R> context) {
    PrimaryCache.wrote(context, before, written);
    before.getMetadata().setFinalizers(written.getMetadata().getFinalizers());
    before.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
  }
}
