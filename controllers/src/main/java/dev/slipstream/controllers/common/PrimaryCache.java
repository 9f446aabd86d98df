package dev.slipstream.controllers.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * A primary resource this controller has just written, handed to the controller's own cache: the next reconcile,
 * which the write may trigger before the informer has seen it, starts from what was written and does not send the
 * same write again.
 */
final class PrimaryCache {
  private PrimaryCache() {}

  /**
   * {@code before} is the resource as the reconcile had it (the cache reads only its resource version), {@code written}
   * as the server answered the write.
   */
  static <R extends HasMetadata> void wrote(Context<R> context, R before, R written) {
    context.eventSourceRetriever().getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(written), written, before);
  }
}
