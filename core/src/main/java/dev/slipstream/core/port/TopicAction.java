package dev.slipstream.core.port;

import java.util.Map;

/** A change to make on the broker. There is deliberately no action that lowers partitions. */
public sealed interface TopicAction {
  String topic();

  record Create(String topic, int partitions, int replicationFactor, Map<String, String> configs) implements TopicAction {
    public Create {
      configs = Map.copyOf(configs);
    }
  }

  record IncreasePartitions(String topic, int from, int to) implements TopicAction {}

  /** Set these configs; configs not named are left as they are. */
  record SetConfigs(String topic, Map<String, String> configs) implements TopicAction {
    public SetConfigs {
      configs = Map.copyOf(configs);
    }
  }
}
