package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.port.ObservedTopic;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;

/**
 * Reconciles a pipeline as soon as the topics it waits for show in Kafka (the topic gateway's
 * {@code whenVisible}), rather than at its next look on its backoff. It holds no resources of its own.
 */
final class TopicsShown extends AbstractEventSource<ObservedTopic, StreamingPipeline> {
  TopicsShown() {
    super(ObservedTopic.class, "topics-shown");
  }

  /** The pipeline's topics show: reconcile it (once the operator runs; before, its first reconcile looks anyway). */
  void shown(ResourceID pipeline) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(pipeline));
    }
  }

  @Override
  public Set<ObservedTopic> getSecondaryResources(StreamingPipeline primary) {
    return Set.of();
  }
}
