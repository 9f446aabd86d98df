package dev.slipstream.core.port;

import java.util.Map;

/**
 * A topic as it exists on the broker; configs hold only the keys that were asked about.
 *
 * @param topicId the broker's id for this incarnation of the topic, null when the broker gives none
 */
public record ObservedTopic(String name, int partitions, int replicationFactor, Map<String, String> configs, String topicId) {
  public ObservedTopic {
    configs = Map.copyOf(configs);
  }

  public ObservedTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
    this(name, partitions, replicationFactor, configs, null);
  }
}
