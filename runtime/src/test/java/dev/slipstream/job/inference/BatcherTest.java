package dev.slipstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batches per route, due when full or when their wait is over, and never more sent at once than the slots. */
class BatcherTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  /** What was sent, with the future that frees its slot. */
  private final List<Sent> sent = new CopyOnWriteArrayList<>();

  private record Sent(String route, List<Integer> items, CompletableFuture<Void> done) {}

  private Batcher<String, Integer> batcher(int maxSize, Duration maxWait, int maxInFlight) {
    return new Batcher<>(maxSize, maxWait, maxInFlight, (route, items) -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      sent.add(new Sent(route, List.copyOf(items), done));
      return done;
    }, timer);
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void aFullBatchGoesAtOnceAndNeverMixesRoutes() {
    Batcher<String, Integer> b = batcher(3, Duration.ofHours(1), 4);
    for (int i = 0; i < 6; i++) {
      b.add(i % 2 == 0 ? "stable" : "candidate", i);
    }
    assertThat(sent).extracting(Sent::route, Sent::items).containsExactly(
        org.assertj.core.groups.Tuple.tuple("stable", List.of(0, 2, 4)),
        org.assertj.core.groups.Tuple.tuple("candidate", List.of(1, 3, 5)));
    assertThat(b.waiting()).isZero();
  }

  @Test
  void aBatchThatDoesNotFillGoesWhenItsWaitIsOver() {
    Batcher<String, Integer> b = batcher(100, Duration.ofMillis(20), 4);
    b.add("stable", 1);
    b.add("stable", 2);
    assertThat(sent).as("not full, still waiting").isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
    assertThat(sent.get(0).items()).containsExactly(1, 2);
    b.add("stable", 3); // a new batch, with a wait of its own
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
    assertThat(sent.get(1).items()).containsExactly(3);
  }

  @Test
  void noMoreBatchesAreSentThanSlotsAndBatchesGrowWhileTheyAreTaken() {
    Batcher<String, Integer> b = batcher(8, Duration.ZERO, 2);
    for (int i = 0; i < 12; i++) {
      b.add("stable", i);
    }
    // no wait: the first two events go alone, each on a slot; the next ten wait and fill batches of up to 8
    assertThat(sent).extracting(Sent::items).containsExactly(List.of(0), List.of(1));
    assertThat(b.inFlight()).isEqualTo(2);
    assertThat(b.waiting()).isEqualTo(10);
    sent.get(0).done().complete(null);
    assertThat(sent).hasSize(3);
    assertThat(sent.get(2).items()).as("full batch first").containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
    sent.get(1).done().completeExceptionally(new IllegalStateException("a failed batch frees its slot too"));
    assertThat(sent).hasSize(4);
    assertThat(sent.get(3).items()).containsExactly(10, 11);
    assertThat(b.inFlight()).isEqualTo(2);
    sent.get(2).done().complete(null);
    sent.get(3).done().complete(null);
    assertThat(b.inFlight()).isZero();
    assertThat(b.waiting()).isZero();
  }

  @Test
  void withFreeSlotsAndNoWaitEveryEventGoesAtOnce() {
    Batcher<String, Integer> b = batcher(8, Duration.ZERO, 64);
    for (int i = 0; i < 5; i++) {
      b.add("stable", i);
    }
    assertThat(sent).extracting(s -> s.items().size()).containsExactly(1, 1, 1, 1, 1);
  }
}
