package dev.slipstream.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.port.ConsumerLagSource.Position;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchedLagSourceTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * MS);
  /** The groups each round read, in order. */
  private final List<List<String>> rounds = new CopyOnWriteArrayList<>();
  private final BatchedLagSource lag = new BatchedLagSource(groups -> {
    rounds.add(groups.stream().map(AdminClientLagSource.Group::group).toList());
    return groups.stream().map(g -> Optional.of(new Position(7, 3))).toList();
  }, Duration.ofSeconds(5), now::get);

  @AfterEach
  void close() {
    lag.close();
  }

  private Optional<Position> ask(String group, long atMillis) {
    now.set((1_000 + atMillis) * MS);
    return lag.position(group, List.of(group + "-in"));
  }

  @Test
  void anAnswerServesEveryCallForASecond() {
    assertThat(ask("a", 0)).contains(new Position(7, 3));
    assertThat(ask("a", 500)).contains(new Position(7, 3));
    assertThat(rounds).containsExactly(List.of("a"));
    ask("a", 1_200);
    assertThat(rounds).containsExactly(List.of("a"), List.of("a"));
  }

  @Test
  void aRoundReadsTheStaleGroupsOfOthersAtMostEveryThirtySecondsNotEachSecond() {
    ask("a", 0);
    ask("b", 100);
    ask("c", 200);
    // pipelines reconciled one after another: each round reads its own group only
    ask("a", 2_000);
    ask("b", 3_000);
    assertThat(rounds).containsExactly(List.of("a"), List.of("b"), List.of("c"), List.of("a"), List.of("b"));
    // its twin, a resync half a minute later: the first call's round reads every stale group, and the others are answered
    ask("c", 31_000);
    assertThat(rounds.get(rounds.size() - 1)).containsExactlyInAnyOrder("c", "a", "b");
    int before = rounds.size();
    ask("a", 31_300);
    ask("b", 31_400);
    assertThat(rounds).hasSize(before);
  }
}
