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

/**
 * The lag source of a cluster shared by every pipeline on it. Calls that come together are answered by one
 * round ({@link AdminClientLagSource#positions}: the same few requests for one group or a thousand), and a round
 * also reads every group asked for before whose answer is more than a second old; an answer serves every call
 * for a second. So when all pipelines are looked at again (a resync), the first call's round answers them all:
 * requests grow with brokers, not pipelines. A group not asked for in ten minutes (its pipeline gone) is dropped.
 */
final class BatchedLagSource implements ConsumerLagSource, AutoCloseable {
  static final long FRESH_NANOS = Duration.ofSeconds(1).toNanos();
  static final long FORGET_NANOS = Duration.ofMinutes(10).toNanos();

  private record Answer(Optional<Position> position, long readAt) {}

  private final AdminClientLagSource admin;
  private final RoundBatcher<AdminClientLagSource.Group, Optional<Position>> rounds;
  private final Map<AdminClientLagSource.Group, Long> askedAt = new ConcurrentHashMap<>();
  private final Map<AdminClientLagSource.Group, Answer> answers = new ConcurrentHashMap<>();

  BatchedLagSource(AdminClientLagSource admin, Duration timeout) {
    this.admin = admin;
    this.rounds = new RoundBatcher<>("consumer-lag", timeout, this::round);
  }

  @Override
  public Optional<Position> position(String group, Collection<String> topics) {
    AdminClientLagSource.Group key = new AdminClientLagSource.Group(group, List.copyOf(topics));
    long now = System.nanoTime();
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

  /** The callers' groups and every group asked for before whose answer is stale, in one round of requests. */
  private List<Optional<Position>> round(List<AdminClientLagSource.Group> callers) {
    long now = System.nanoTime();
    askedAt.entrySet().removeIf(e -> now - e.getValue() > FORGET_NANOS);
    answers.keySet().retainAll(askedAt.keySet());
    Set<AdminClientLagSource.Group> all = new LinkedHashSet<>(callers);
    askedAt.keySet().stream().filter(g -> {
      Answer a = answers.get(g);
      return a == null || now - a.readAt() >= FRESH_NANOS;
    }).forEach(all::add);
    List<AdminClientLagSource.Group> groups = new ArrayList<>(all);
    List<Optional<Position>> positions = admin.positions(groups);
    long readAt = System.nanoTime();
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
