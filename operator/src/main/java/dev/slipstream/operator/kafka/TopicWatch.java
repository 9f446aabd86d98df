package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.KafkaUnavailableException;
import dev.slipstream.core.port.ObservedTopic;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, for every pipeline of a cluster at once, for topics Kafka accepted but does not show yet: each second that
 * someone waits, one describe of all their topics (batched with the describes of reconciles under way); a waiter is
 * called back once a describe shows all of its topics. On the test broker the last topics of 1,000 pipelines showed
 * up to 40 s after their create was accepted; a pipeline looking again on its own backoff saw them up to 10 s later
 * still. A waiter not called back within {@link #GIVE_UP_AFTER} is dropped (its pipeline keeps looking on its own).
 */
final class TopicWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicWatch.class);
  /** How often the waited-for topics are described. */
  static final Duration EVERY = Duration.ofSeconds(1);
  /** How long a waiter is kept without its topics showing. */
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

  private record Waiter(Set<String> names, Set<String> keys, Runnable visible, long sinceNanos) {}

  private final Map<String, Waiter> waiters = new ConcurrentHashMap<>();
  private final BiFunction<Collection<String>, Collection<String>, Map<String, ObservedTopic>> describe;
  private final ScheduledExecutorService timer;

  /**
   * @param describe the topics among the names that exist, described with the config keys
   * @param every how often to look while someone waits; null: never by itself ({@link #look} is called)
   */
  TopicWatch(BiFunction<Collection<String>, Collection<String>, Map<String, ObservedTopic>> describe, Duration every) {
    this.describe = describe;
    if (every == null) {
      this.timer = null;
      return;
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slipstream-topic-watch");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> look(System.nanoTime()), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code visible} runs once all of {@code names} show; replaces what {@code waiter} waited for before. */
  void await(String waiter, Collection<String> names, Collection<String> configKeys, Runnable visible, long nowNanos) {
    waiters.put(waiter, new Waiter(Set.copyOf(names), Set.copyOf(configKeys), visible, nowNanos));
  }

  /** Waiters not called back yet. */
  int waiting() {
    return waiters.size();
  }

  /** One look at every waited-for topic, in one describe; the waiters whose topics all show are called back. */
  void look(long nowNanos) {
    waiters.entrySet().removeIf(e -> nowNanos - e.getValue().sinceNanos() > GIVE_UP_AFTER.toNanos());
    if (waiters.isEmpty()) {
      return;
    }
    Set<String> names = new LinkedHashSet<>();
    Set<String> keys = new LinkedHashSet<>();
    waiters.values().forEach(w -> {
      names.addAll(w.names());
      keys.addAll(w.keys());
    });
    Map<String, ObservedTopic> seen;
    try {
      seen = describe.apply(names, keys);
    } catch (KafkaUnavailableException e) {
      return; // the waiters wait on; their pipelines say Kafka is unreachable on their own looks
    } catch (RuntimeException e) {
      LOG.warn("looking for topics being created failed; looking again in a while", e);
      return;
    }
    waiters.forEach((id, w) -> {
      if (seen.keySet().containsAll(w.names()) && waiters.remove(id, w)) {
        try {
          w.visible().run();
        } catch (RuntimeException e) {
          LOG.warn("telling {} its topics show failed", id, e);
        }
      }
    });
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    waiters.clear();
  }
}
