package dev.slipstream.core.status;

import dev.slipstream.api.v1alpha1.TopicStatus;
import java.util.List;
import java.util.stream.Collectors;

/** Summarises per-topic status into the TopicsReady condition. */
public final class TopicReadiness {
  private TopicReadiness() {}

  public static Readiness of(List<TopicStatus> topics, boolean anyRefused) {
    List<TopicStatus> notReady = topics.stream().filter(t -> !Boolean.TRUE.equals(t.ready)).toList();
    if (notReady.isEmpty()) {
      String notes = topics.stream().filter(t -> t.message != null)
          .map(t -> t.name + " " + t.message).collect(Collectors.joining("; "));
      return Readiness.ready("TopicsReady", topics.size() + " topics exist as declared" + (notes.isEmpty() ? "" : "; note: " + notes));
    }
    List<TopicStatus> lost = topics.stream().filter(t -> Boolean.TRUE.equals(t.lost)).toList();
    if (!lost.isEmpty()) {
      return Readiness.failed("TopicLost", lost.stream().map(t -> "topic " + t.name + " " + t.message)
          .collect(Collectors.joining("; ")));
    }
    String detail = notReady.stream().map(t -> t.name + ": " + t.message).collect(Collectors.joining("; "));
    return anyRefused
        ? Readiness.failed("TopicError", "Kafka refused a topic change: " + detail)
        : Readiness.pending("TopicsPending", detail);
  }
}
