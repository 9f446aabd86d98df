package dev.slipstream.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.port.KafkaUnavailableException;
import dev.slipstream.core.port.ObservedTopic;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicWatchTest {
  /** A broker as the watch sees it: the topics that show, every describe asked, and whether it answers. */
  private final Set<String> shown = new HashSet<>();
  private final List<String> asked = new ArrayList<>();
  private boolean unreachable;
  private final List<String> told = new ArrayList<>();
  private final TopicWatch watch = new TopicWatch(this::describe, null);

  private Map<String, ObservedTopic> describe(Collection<String> names, Collection<String> keys) {
    if (unreachable) {
      throw new KafkaUnavailableException("no broker", null);
    }
    asked.add(names.stream().sorted().collect(Collectors.joining(",")) + " with " + String.join(",", keys));
    return names.stream().filter(shown::contains)
        .collect(Collectors.toMap(n -> n, n -> new ObservedTopic(n, 1, 1, Map.of(), "id-" + n)));
  }

  private void await(String waiter, List<String> names, long atSeconds) {
    watch.await(waiter, names, List.of("retention.ms"), () -> told.add(waiter), TimeUnit.SECONDS.toNanos(atSeconds));
  }

  @Test
  void aWaiterIsToldOnceAllItsTopicsShowAndEveryWaiterIsLookedAtInOneDescribe() {
    await("a/p1", List.of("p1-in", "p1-out"), 0);
    await("a/p2", List.of("p2-in"), 0);
    shown.add("p1-in");
    shown.add("p2-in");
    watch.look(TimeUnit.SECONDS.toNanos(1));
    assertThat(asked).as("one describe for both").containsExactly("p1-in,p1-out,p2-in with retention.ms");
    assertThat(told).as("p1 still waits for p1-out").containsExactly("a/p2");
    shown.add("p1-out");
    watch.look(TimeUnit.SECONDS.toNanos(2));
    assertThat(asked).last().as("only p1's topics now").isEqualTo("p1-in,p1-out with retention.ms");
    assertThat(told).containsExactly("a/p2", "a/p1");
    watch.look(TimeUnit.SECONDS.toNanos(3));
    assertThat(asked).as("nobody waits: Kafka is not asked").hasSize(2);
    assertThat(told).as("each told once").hasSize(2);
  }

  @Test
  void aWaiterAskingAgainReplacesWhatItWaitedFor() {
    await("a/p1", List.of("old-in"), 0);
    await("a/p1", List.of("new-in"), 1);
    shown.add("old-in");
    watch.look(TimeUnit.SECONDS.toNanos(2));
    assertThat(told).isEmpty();
    shown.add("new-in");
    watch.look(TimeUnit.SECONDS.toNanos(3));
    assertThat(told).containsExactly("a/p1");
  }

  @Test
  void anUnreachableKafkaKeepsTheWaitersAndTheyAreToldWhenItAnswers() {
    await("a/p1", List.of("p1-in"), 0);
    shown.add("p1-in");
    unreachable = true;
    watch.look(TimeUnit.SECONDS.toNanos(1));
    assertThat(told).isEmpty();
    assertThat(watch.waiting()).isEqualTo(1);
    unreachable = false;
    watch.look(TimeUnit.SECONDS.toNanos(2));
    assertThat(told).containsExactly("a/p1");
  }

  @Test
  void aWaiterWhoseTopicsNeverShowIsDroppedAfterTheGiveUpTime() {
    await("a/gone", List.of("never"), 0);
    await("a/p1", List.of("p1-in"), 60);
    long giveUp = TopicWatch.GIVE_UP_AFTER.toSeconds();
    watch.look(TimeUnit.SECONDS.toNanos(giveUp));
    assertThat(watch.waiting()).as("within the time: both wait").isEqualTo(2);
    watch.look(TimeUnit.SECONDS.toNanos(giveUp + 1));
    assertThat(watch.waiting()).as("past it: only the later one").isEqualTo(1);
    assertThat(asked).last().isEqualTo("p1-in with retention.ms");
    assertThat(told).isEmpty();
  }
}
