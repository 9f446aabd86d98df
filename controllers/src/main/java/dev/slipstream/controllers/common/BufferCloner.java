package dev.slipstream.controllers.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.Cloner;

/**
 * The copy of a cached resource every reconcile works on, made through Jackson's token buffer with the client's own
 * serialization. The framework's default writes the resource as JSON text and parses it again (fabric8's
 * {@code clone}): the same deep copy, with every string and number encoded to text and read back, for each primary
 * on each reconcile.
 */
public final class BufferCloner implements Cloner {
  private final KubernetesSerialization serialization;

  public BufferCloner(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R extends HasMetadata> R clone(R object) {
    return object == null ? null : (R) serialization.convertValue(object, object.getClass());
  }
}
