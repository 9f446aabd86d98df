package dev.slipstream.controllers.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one writer of status. Unchanged status is not written. A change is sent as a JSON merge patch of the
 * status subresource holding only what changed, with explicit nulls for fields that went away at any depth
 * (a field left out of a merge patch is kept, so a nested field that went away must be nulled), so it needs no
 * resourceVersion (no 409 on a stale cache) and never touches the spec a user owns. A resource deleted while it was
 * being reconciled (the API server answers 404) has no status to write: that is not an error to retry.
 */
public final class StatusRecorder {
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatusRecorder.class);
  private final KubernetesClient client;

  public StatusRecorder(KubernetesClient client) {
    this.client = client;
  }

  /** Writes {@code next} as the status of {@code resource} unless it equals the current status. Returns whether it wrote. */
  public <S, R extends CustomResource<?, S>> boolean record(R resource, S next) {
    return write(resource, next) != null;
  }

  /**
   * As {@link #record}, and the written resource goes into the controller's cache: the next reconcile, which
   * the writes of this one may trigger before the informer has seen the status, then starts from this
   * status and does not decide (and act, and record Events) a second time.
   */
  public <S, R extends CustomResource<?, S>> boolean record(R resource, S next, Context<R> context) {
    if (Objects.equals(resource.getStatus(), next)) {
      return false;
    }
    R written = write(resource, next);
    if (written != null) {
      // the cache reads only the resource version the write was sent on, which the write leaves as it was
      PrimaryCache.wrote(context, resource, written);
    }
    return written != null;
  }

  /** The resource as the server has it after the write, or null when nothing was written. */
  @SuppressWarnings("unchecked")
  private <S, R extends CustomResource<?, S>> R write(R resource, S next) {
    S current = resource.getStatus();
    if (Objects.equals(current, next)) {
      return null;
    }
    Map<String, Object> body = MAPPER.convertValue(next, Map.class);
    Map<String, Object> patch = current == null ? body
        : MergePatchDiff.between(MAPPER.convertValue(current, Map.class), body);
    Map<String, Object> whole = new LinkedHashMap<>();
    whole.put("status", patch);
    R written;
    try {
      // with the object in hand the client sends the patch alone; by name it would GET the object first
      written = client.resource(resource)
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), MAPPER.writeValueAsString(whole));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("status of " + resource.getMetadata().getName() + " cannot be serialised", e);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      // deleted while it was being reconciled (its finalizer already gone): no status to write, and nothing to retry
      LOG.debug("{} {}/{} is gone; its status is not written", resource.getKind(),
          resource.getMetadata().getNamespace(), resource.getMetadata().getName());
      return null;
    }
    resource.setStatus(next);
    return written;
  }
}
