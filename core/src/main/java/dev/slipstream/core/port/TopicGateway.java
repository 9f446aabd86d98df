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

  /**
   * Asks to be told when every one of {@code names} exists: {@code visible} runs once, on a thread of the gateway's,
   * after a describe shows them all (described with {@code configKeys}, so that a describe asked just after is
   * answered without Kafka). A later call for the same {@code waiter} replaces the earlier. Kafka may show a topic
   * seconds after it accepted its creation; this tells the caller at once, instead of at its next look.
   *
   * @return whether the gateway will call back; the default never does (false), and its callers keep looking on
   *     their own schedule
   */
  default boolean whenVisible(String waiter, Collection<String> names, Collection<String> configKeys, Runnable visible) {
    return false;
  }
}
