package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.TopicAction;

/**
 * Hears what became of each topic change the pipelines planned: sent to Kafka (once per request, however many
 * pipelines asked for it in that round), refused by it, or not sent because Kafka accepted the same create moments
 * ago ({@link AcceptedCreates}); and how long after its create was accepted a topic showed.
 */
public interface TopicChanges {
  /** What became of a planned change. */
  enum Outcome {
    SENT, REFUSED, SKIPPED
  }

  TopicChanges NONE = (action, outcome) -> {};

  void counted(TopicAction action, Outcome outcome);

  /** A describe showed {@code topic}, this long after Kafka accepted its create. */
  default void shown(String topic, long nanosAfterAccepted) {}

  /** The change's kind as a metric label: create, partitions, configs. */
  static String kind(TopicAction action) {
    return action instanceof TopicAction.Create ? "create"
        : action instanceof TopicAction.IncreasePartitions ? "partitions" : "configs";
  }
}
