package dev.slipstream.core.port;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Kafka topics of one cluster. Every method is one batched round of requests, whatever the number of topics. */
public interface TopicGateway {
  /**
   * Topics that exist among {@code names}, with the values of {@code configKeys}; absent topics are not in the map.
   *
   * @throws KafkaUnavailableException when the cluster cannot be reached
   */
  Map<String, ObservedTopic> describe(Collection<String> names, Collection<String> configKeys);

  /**
   * Applies the actions. Returns, per topic, the broker's error message for actions it refused
   * (authorisation, policy); an empty map when all were applied.
   *
   * @throws KafkaUnavailableException when the cluster cannot be reached
   */
  Map<String, String> apply(List<TopicAction> actions);

  /**
   * Deletes topics by their ids (a topic recreated under the same name since has another id and is not touched);
   * only ever called for a pipeline with {@code deletionPolicy: Delete} being deleted.
   *
   * @param idsByName each topic's id, by topic name
   * @throws KafkaUnavailableException when the cluster cannot be reached
   */
  void delete(Map<String, String> idsByName);
}
