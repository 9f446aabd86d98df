package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.ObservedTopic;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Topics of one cluster as last described, for {@link #FRESH_FOR}: a pipeline is reconciled several times within
 * seconds while it provisions (its InferenceService, then its job, report ready), and each reconcile described the same
 * topics again; within that time the describe is answered from here. Only topics that exist are kept, with the config
 * keys they were described with; a change this process sends forgets the topics it names before and after it is sent,
 * and a describe asked before a change of its topics is not kept, so a reconcile after its own change reads Kafka. A change made elsewhere (a topic deleted or altered by another
 * tool) is seen at most {@link #FRESH_FOR} later.
 */
final class RecentTopics {
  /** How long a description answers for a topic. */
  static final Duration FRESH_FOR = Duration.ofSeconds(5);

  /** A topic as described at a time, or (topic null) changed at that time. */
  private record Seen(ObservedTopic topic, Set<String> keys, long atNanos) {}

  private final Map<String, Seen> byName = new ConcurrentHashMap<>();
  private final long freshNanos;

  RecentTopics(Duration freshFor) {
    this.freshNanos = freshFor.toNanos();
  }

  /**
   * The topics as recently described, their configs limited to {@code configKeys}, when every one of {@code names} was
   * described within the fresh time with at least those keys; else null (Kafka is asked).
   */
  Map<String, ObservedTopic> lookup(Collection<String> names, Collection<String> configKeys, long nowNanos) {
    Map<String, ObservedTopic> found = new LinkedHashMap<>();
    for (String name : names) {
      Seen seen = byName.get(name);
      if (seen == null || seen.topic() == null || nowNanos - seen.atNanos() > freshNanos
          || !seen.keys().containsAll(configKeys)) {
        return null;
      }
      Map<String, String> configs = new LinkedHashMap<>(seen.topic().configs());
      configs.keySet().retainAll(configKeys);
      ObservedTopic t = seen.topic();
      found.put(name, new ObservedTopic(t.name(), t.partitions(), t.replicationFactor(), configs, t.topicId()));
    }
    return found;
  }

  /**
   * What a describe with {@code configKeys} found, asked at {@code askedNanos}; a topic changed since it was asked is
   * not kept.
   */
  void remember(Map<String, ObservedTopic> observed, Collection<String> configKeys, long askedNanos) {
    Set<String> keys = Set.copyOf(configKeys);
    observed.forEach((name, topic) -> byName.compute(name, (n, seen) ->
        seen != null && seen.atNanos() - askedNanos > 0 ? seen : new Seen(topic, keys, askedNanos)));
  }

  /** These topics are being changed (or deleted) at {@code nowNanos}: the next describe of them reads Kafka. */
  void forget(Collection<String> names, long nowNanos) {
    names.forEach(name -> byName.put(name, new Seen(null, Set.of(), nowNanos)));
  }
}
