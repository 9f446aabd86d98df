package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.ConsumerLagSource;
import dev.slipstream.core.port.KafkaUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The lag source of a cluster shared by every pipeline on it. Calls that come together are answered by one
 * round ({@link AdminClientLagSource#positions}: the same few requests for one group or a thousand); an answer serves
 * every call for a second. At most every {@link #SWEEP_EVERY} a round also reads every group asked for before whose
 * answer is stale, so that when all pipelines are looked at again (a resync) the first call's round answers most of
 * them: requests grow with brokers, not pipelines. Only that often: while pipelines are reconciled one after
 * another (thousands being created), a sweep in every round read every group of the cluster each second, and at
 * 5,000 pipelines that was a third to a half of the operator's CPU. A group not asked for in ten minutes (its
 * pipeline gone) is dropped.
 */
final class BatchedLagSource implements ConsumerLagSource, AutoCloseable {
  static final long FRESH_NANOS = Duration.ofSeconds(1).toNanos();
  static final long FORGET_NANOS = Duration.ofMinutes(10).toNanos();
  /** How often, at most, a round reads the stale groups besides its callers'. */
  static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

  private record Answer(Optional<Position> position, long readAt) {}

  private final Function<List<AdminClientLagSource.Group>, List<Optional<Position>>> read;
  private final LongSupplier clock;
  private final RoundBatcher<AdminClientLagSource.Group, Optional<Position>> rounds;
  private final Map<AdminClientLagSource.Group, Long> askedAt = new ConcurrentHashMap<>();
  private final Map<AdminClientLagSource.Group, Answer> answers = new ConcurrentHashMap<>();
  /** When the last sweep was; rounds are one at a time. */
  private long sweptAt;
  private boolean swept;

  BatchedLagSource(AdminClientLagSource admin, Duration timeout) {
    this(admin::positions, timeout, System::nanoTime);
  }

  /** @param read one round of requests: the positions of the groups, in their order */
  BatchedLagSource(Function<List<AdminClientLagSource.Group>, List<Optional<Position>>> read, Duration timeout,
      LongSupplier clock) {
    this.read = read;
    this.clock = clock;
    this.rounds = new RoundBatcher<>("consumer-lag", timeout, this::round);
  }

  @Override
  public Optional<Position> position(String group, Collection<String> topics) {
    AdminClientLagSource.Group key = new AdminClientLagSource.Group(group, List.copyOf(topics));
    long now = clock.getAsLong();
    askedAt.put(key, now);
    Answer fresh = answers.get(key);
    if (fresh != null && now - fresh.readAt() < FRESH_NANOS) {
      return fresh.position();
    }
    try {
      return rounds.ask(key);
    } catch (KafkaUnavailableException e) {
      return Optional.empty();
    }
  }

  /** The callers' groups, and at most every {@link #SWEEP_EVERY} every group asked for before whose answer is stale. */
  private List<Optional<Position>> round(List<AdminClientLagSource.Group> callers) {
    long now = clock.getAsLong();
    askedAt.entrySet().removeIf(e -> now - e.getValue() > FORGET_NANOS);
    answers.keySet().retainAll(askedAt.keySet());
    Set<AdminClientLagSource.Group> all = new LinkedHashSet<>(callers);
    if (!swept || now - sweptAt >= SWEEP_EVERY.toNanos()) {
      swept = true;
      sweptAt = now;
      askedAt.keySet().stream().filter(g -> {
        Answer a = answers.get(g);
        return a == null || now - a.readAt() >= FRESH_NANOS;
      }).forEach(all::add);
    }
    List<AdminClientLagSource.Group> groups = new ArrayList<>(all);
    List<Optional<Position>> positions = read.apply(groups);
    long readAt = clock.getAsLong();
    Map<AdminClientLagSource.Group, Optional<Position>> byGroup = new HashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      byGroup.put(groups.get(i), positions.get(i));
      answers.put(groups.get(i), new Answer(positions.get(i), readAt));
    }
    return callers.stream().map(byGroup::get).toList();
  }

  @Override
  public void close() {
    rounds.close();
  }
}
