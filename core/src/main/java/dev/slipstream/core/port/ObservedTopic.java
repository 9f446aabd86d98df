package dev.slipstream.core.port;

import java.util.Map;

/** A topic as it exists on the broker; configs hold only the keys that were asked about. */
public record ObservedTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
  public ObservedTopic {
    configs = Map.copyOf(configs);
  }
}
