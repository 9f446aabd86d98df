package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.KafkaUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Turns concurrent calls of one kind into rounds: the calls that arrive while a round runs are answered together
 * by the next one, one batched AdminClient request per kind instead of one per pipeline (as a group commit does).
 * An idle batcher starts a round at once, so a lone call waits for nothing.
 *
 * @param <Q> a call's question
 * @param <A> its answer
 */
final class RoundBatcher<Q, A> implements AutoCloseable {
  private record Call<Q, A>(Q question, CompletableFuture<A> answer) {}

  private final Function<List<Q>, List<A>> round;
  private final Duration timeout;
  private final String what;
  private final ConcurrentLinkedQueue<Call<Q, A>> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final ExecutorService worker;

  /**
   * @param round answers a round's questions, in their order; an exception answers every call of the round with it
   * @param timeout how long a caller waits, its round included
   */
  RoundBatcher(String what, Duration timeout, Function<List<Q>, List<A>> round) {
    this.what = what;
    this.timeout = timeout;
    this.round = round;
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "slipstream-kafka-" + what);
      t.setDaemon(true);
      return t;
    });
  }

  /** Asks in the next round and waits for the answer; Kafka being unreachable throws {@link KafkaUnavailableException}. */
  A ask(Q question) {
    CompletableFuture<A> answer = new CompletableFuture<>();
    waiting.add(new Call<>(question, answer));
    if (running.compareAndSet(false, true)) {
      worker.execute(this::drain);
    }
    try {
      return answer.get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(what + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // the operator stopping (its reconciles are interrupted), not Kafka: nothing about Kafka may be reported
      throw new java.util.concurrent.CancellationException(what + " was interrupted: the operator is stopping");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new KafkaUnavailableException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** Calls waiting for the next round. */
  int queued() {
    return waiting.size();
  }

  private void drain() {
    while (true) {
      List<Call<Q, A>> calls = new ArrayList<>();
      for (Call<Q, A> c; (c = waiting.poll()) != null; ) {
        calls.add(c);
      }
      if (calls.isEmpty()) {
        running.set(false);
        // a call that came after the poll but before the flag went down starts no round of its own: take it here
        if (waiting.isEmpty() || !running.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      try {
        List<A> answers = round.apply(calls.stream().map(Call::question).toList());
        for (int i = 0; i < calls.size(); i++) {
          calls.get(i).answer().complete(answers.get(i));
        }
      } catch (RuntimeException e) {
        calls.forEach(c -> c.answer().completeExceptionally(e));
      }
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
