package dev.slipstream.core.port;

import java.util.Optional;

/**
 * Sends notifications to HTTP sinks in the background (HTTP with retries in production). {@link #send} never blocks
 * and never throws: a full queue or a sink that stays down loses the notification and counts it.
 */
public interface Notifications {
  /**
   * One notification for one sink.
   *
   * @param namespace the pipeline's namespace
   * @param pipeline the pipeline's name
   * @param sink the sink's name in the pipeline
   * @param url where to POST it
   * @param contentType the body's media type
   * @param body the encoded notification
   */
  record Delivery(String namespace, String pipeline, String sink, String url, String contentType, String body) {}

  /**
   * A sink the operator's admin declared, told about every pipeline besides the pipeline's own sinks.
   *
   * @param url read when asked for (a rotated Secret needs no restart), or null when it cannot be read
   */
  record Sink(String name, dev.slipstream.api.v1alpha1.NotificationSink.Format format, String url) {}

  /** The admin's sinks, with their URLs as they are now; none by default. */
  default java.util.List<Sink> operatorSinks() {
    return java.util.List.of();
  }

  /** Queues a delivery; returns at once. */
  void send(Delivery delivery);

  /** Why this operator will not send to that URL (its scheme, a host its admin did not allow), or empty when it will. */
  default Optional<String> refuses(String url) {
    return Optional.empty();
  }

  Notifications NONE = delivery -> {};
}
