package dev.slipstream.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slipstream.core.port.KafkaUnavailableException;
import dev.slipstream.core.port.TopicAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoundBatcherTest {
  @Test
  void callsThatArriveDuringARoundAreAnsweredTogetherByTheNext() throws Exception {
    CountDownLatch firstRoundHeld = new CountDownLatch(1);
    AtomicInteger waitingAtTheGate = new AtomicInteger();
    List<List<Integer>> rounds = new CopyOnWriteArrayList<>();
    try (RoundBatcher<Integer, Integer> batcher = new RoundBatcher<>("test", Duration.ofSeconds(10), questions -> {
      rounds.add(questions);
      if (rounds.size() == 1) {
        waitingAtTheGate.incrementAndGet();
        try {
          firstRoundHeld.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return questions.stream().map(q -> q * 2).toList();
    })) {
      ExecutorService callers = Executors.newFixedThreadPool(20);
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      answers.add(CompletableFuture.supplyAsync(() -> batcher.ask(0), callers));
      await().atMost(Duration.ofSeconds(5)).until(() -> waitingAtTheGate.get() == 1);
      for (int i = 1; i < 20; i++) {
        int q = i;
        answers.add(CompletableFuture.supplyAsync(() -> batcher.ask(q), callers));
      }
      // the 19 later calls queue up behind the first round (not timing: the queue is what the next round takes)
      await().atMost(Duration.ofSeconds(5)).until(() -> answers.stream().filter(CompletableFuture::isDone).count() == 0
          && callersQueued(batcher) == 19);
      firstRoundHeld.countDown();
      for (int i = 0; i < 20; i++) {
        assertThat(answers.get(i).get()).isEqualTo(i * 2);
      }
      assertThat(rounds).hasSize(2);
      assertThat(rounds.get(1)).hasSize(19);
      callers.shutdownNow();
    }
  }

  private static int callersQueued(RoundBatcher<?, ?> batcher) {
    return batcher.queued();
  }

  @Test
  void aFailedRoundFailsEveryCallOfIt() {
    try (RoundBatcher<Integer, Integer> batcher = new RoundBatcher<>("test", Duration.ofSeconds(10), q -> {
      throw new KafkaUnavailableException("broker gone", null);
    })) {
      assertThatThrownBy(() -> batcher.ask(1)).isInstanceOf(KafkaUnavailableException.class).hasMessage("broker gone");
    }
  }

  @Test
  void aCallInterruptedByTheOperatorStoppingIsNotKafkaUnavailable() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    try (RoundBatcher<Integer, Integer> batcher = new RoundBatcher<>("test", Duration.ofSeconds(10), q -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return q.stream().map(i -> i).toList();
    })) {
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      Thread caller = new Thread(() -> {
        try {
          batcher.ask(1);
          thrown.complete(null);
        } catch (RuntimeException e) {
          thrown.complete(e);
        }
      });
      caller.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
      caller.interrupt();
      // a reconcile interrupted as the operator stops must not report (and write) Kafka as unreachable
      assertThat(thrown.get()).isInstanceOf(java.util.concurrent.CancellationException.class)
          .isNotInstanceOf(KafkaUnavailableException.class).hasMessageContaining("the operator is stopping");
      never.countDown();
    }
  }

  @Test
  void changesOfARoundAreMergedTopicByTopic() {
    var merged = BatchedTopicGateway.merge(List.of(
        List.of(new TopicAction.Create("a", 3, 1, Map.of()), new TopicAction.IncreasePartitions("b", 2, 4)),
        List.of(new TopicAction.Create("a", 6, 1, Map.of()), new TopicAction.IncreasePartitions("b", 2, 8),
            new TopicAction.SetConfigs("c", Map.of("retention.ms", "1"))),
        List.of(new TopicAction.SetConfigs("c", Map.of("cleanup.policy", "delete")))));
    assertThat(merged).containsExactly(new TopicAction.Create("a", 3, 1, Map.of()), new TopicAction.IncreasePartitions("b", 2, 8),
        new TopicAction.SetConfigs("c", Map.of("retention.ms", "1", "cleanup.policy", "delete")));
  }
}
