package dev.slipstream.job.inference;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gathers items into batches per route (a batch never mixes routes: a route is one model version on one side of a
 * split) and sends at most {@code maxInFlight} batches at once. A batch is due when it holds {@code maxSize} items
 * or when {@code maxWait} has passed since its first item (at once, for a maxWait of 0); a due batch is sent as soon
 * as a slot is free. While every slot is taken a batch keeps filling up to {@code maxSize}, so batches grow exactly
 * when the model is the bottleneck, and an event waits for its batch no longer than maxWait when it is not. Memory is bounded by the caller (Flink's async capacity: maxInFlight x maxSize
 * events), not here.
 *
 * @param <K> the route
 * @param <E> an item
 */
public final class Batcher<K, E> {
  /** Sends one batch; the stage completes (either way) when the batch's slot is free again. */
  public interface Sender<K, E> {
    CompletionStage<?> send(K route, List<E> batch);
  }

  private final int maxSize;
  private final long maxWaitNanos;
  private final int maxInFlight;
  private final Sender<K, E> sender;
  private final ScheduledExecutorService timer;
  private final Map<K, List<E>> open = new HashMap<>();
  /** Routes whose open batch has waited its maxWait, in the order they expired: sent as soon as a slot is free. */
  private final Set<K> expired = new LinkedHashSet<>();
  private final Deque<Sealed<K, E>> sealed = new ArrayDeque<>();
  private int inFlight;

  private record Sealed<K, E>(K route, List<E> items) {}

  public Batcher(int maxSize, Duration maxWait, int maxInFlight, Sender<K, E> sender, ScheduledExecutorService timer) {
    if (maxSize < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("maxSize and maxInFlight must be at least 1");
    }
    this.maxSize = maxSize;
    this.maxWaitNanos = maxWait.toNanos();
    this.maxInFlight = maxInFlight;
    this.sender = sender;
    this.timer = timer;
  }

  /** Adds an item to its route's open batch; sends whatever is due and has a free slot. */
  public void add(K route, E item) {
    List<Sealed<K, E>> toSend;
    synchronized (this) {
      List<E> batch = open.computeIfAbsent(route, r -> new ArrayList<>(Math.min(maxSize, 64)));
      batch.add(item);
      if (batch.size() >= maxSize) {
        expired.remove(route);
        sealed.add(new Sealed<>(route, open.remove(route)));
      } else if (batch.size() == 1) {
        if (maxWaitNanos == 0) {
          expired.add(route);
        } else {
          timer.schedule(() -> expire(route, batch), maxWaitNanos, TimeUnit.NANOSECONDS);
        }
      }
      toSend = takeSendable();
    }
    send(toSend);
  }

  /** The batch's wait is over: due, if it is still open (a full one was sealed already). */
  private void expire(K route, List<E> batch) {
    List<Sealed<K, E>> toSend;
    synchronized (this) {
      if (open.get(route) == batch) {
        expired.add(route);
      }
      toSend = takeSendable();
    }
    send(toSend);
  }

  /** Full batches first, in the order they filled; then batches whose wait is over, in the order it ended. */
  private List<Sealed<K, E>> takeSendable() {
    List<Sealed<K, E>> out = List.of();
    while (inFlight < maxInFlight && (!sealed.isEmpty() || !expired.isEmpty())) {
      if (out.isEmpty()) {
        out = new ArrayList<>();
      }
      if (sealed.isEmpty()) {
        K route = expired.iterator().next();
        expired.remove(route);
        sealed.add(new Sealed<>(route, open.remove(route)));
      }
      out.add(sealed.poll());
      inFlight++;
    }
    return out;
  }

  private void send(List<Sealed<K, E>> batches) {
    for (Sealed<K, E> b : batches) {
      CompletionStage<?> done;
      try {
        done = sender.send(b.route(), b.items());
      } catch (RuntimeException e) {
        released();
        throw e;
      }
      done.whenComplete((ignored, error) -> released());
    }
  }

  private void released() {
    List<Sealed<K, E>> toSend;
    synchronized (this) {
      inFlight--;
      toSend = takeSendable();
    }
    send(toSend);
  }

  /** Batches sent and not answered yet. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Items gathered and not sent yet, open or sealed. */
  public synchronized int waiting() {
    return open.values().stream().mapToInt(List::size).sum() + sealed.stream().mapToInt(s -> s.items().size()).sum();
  }
}
