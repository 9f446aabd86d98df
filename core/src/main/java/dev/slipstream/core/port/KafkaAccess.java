package dev.slipstream.core.port;

import java.util.Map;

/** Opens the gateways to a Kafka cluster for given client properties (bootstrap servers, security). */
public interface KafkaAccess {
  KafkaCluster connect(Map<String, String> clientProperties);

  /** The ports of one Kafka cluster. */
  interface KafkaCluster {
    TopicGateway topics();

    ConsumerLagSource lag();

    OutputSampleSource outputs();

    ReplaySource replay();
  }
}
