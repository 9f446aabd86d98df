package dev.slipstream.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.port.ObservedTopic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentTopicsTest {
  private static final long S = 1_000_000_000L;
  private static final ObservedTopic EVENTS = new ObservedTopic("events", 3, 1,
      Map.of("retention.ms", "604800000", "cleanup.policy", "delete"), "id-1");

  private static RecentTopics described() {
    RecentTopics recent = new RecentTopics(Duration.ofSeconds(5));
    recent.remember(Map.of("events", EVENTS), List.of("retention.ms", "cleanup.policy"), 100 * S);
    return recent;
  }

  @Test
  void aTopicDescribedWithinTheFreshTimeIsAnsweredWithTheKeysAskedFor() {
    assertThat(described().lookup(List.of("events"), List.of("retention.ms"), 104 * S))
        .containsExactly(Map.entry("events", new ObservedTopic("events", 3, 1, Map.of("retention.ms", "604800000"), "id-1")));
    assertThat(described().lookup(List.of("events"), List.of("retention.ms"), 106 * S)).as("older: Kafka is asked").isNull();
  }

  @Test
  void aTopicNeverDescribedOrAKeyNotDescribedIsAskedOfKafka() {
    assertThat(described().lookup(List.of("events", "scores"), List.of("retention.ms"), 101 * S)).isNull();
    assertThat(described().lookup(List.of("events"), List.of("min.insync.replicas"), 101 * S)).isNull();
    assertThat(described().lookup(List.of("events"), List.of("cleanup.policy"), 101 * S)).isNotNull();
  }

  @Test
  void aChangeForgetsItsTopicsAndADescribeAskedBeforeItIsNotKept() {
    RecentTopics recent = described();
    recent.forget(List.of("events"), 102 * S);
    assertThat(recent.lookup(List.of("events"), List.of("retention.ms"), 102 * S)).isNull();
    recent.remember(Map.of("events", EVENTS), List.of("retention.ms"), 101 * S);
    assertThat(recent.lookup(List.of("events"), List.of("retention.ms"), 103 * S))
        .as("asked before the change: what it found may be from before it").isNull();
    recent.remember(Map.of("events", EVENTS), List.of("retention.ms"), 103 * S);
    assertThat(recent.lookup(List.of("events"), List.of("retention.ms"), 104 * S)).as("asked after it").isNotNull();
  }
}
