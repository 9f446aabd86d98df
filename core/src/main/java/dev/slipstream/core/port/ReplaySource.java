package dev.slipstream.core.port;

import dev.slipstream.core.replay.ReplayJudgement;
import dev.slipstream.core.replay.ReplayPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What a replay reads of Kafka: the retained input's offsets, a topic's ends, and the records to judge. */
public interface ReplaySource {
  /**
   * Every partition of {@code topics}: its log start and end, and the first offsets at or after {@code windowStart} and
   * {@code windowStart - warmUp} with the timestamp of the latter's record; null when Kafka cannot answer.
   */
  List<ReplayPlan.PartitionOffsets> offsets(List<String> topics, Instant windowStart, Duration warmUp);

  /** The ends of {@code topic}'s partitions now, {@code topic:partition:offset,...}; null when it cannot be read. */
  String ends(String topic);

  /**
   * Feeds {@code judgement} the replay topic's records from {@code replayFrom} to its end, then the output topic's from
   * {@code windowStart} on, until none of the replayed events waits for its stable decision or the topic ends.
   *
   * @return false when a topic could not be read (the judgement is then incomplete and must not be used)
   */
  boolean read(String replayTopic, String replayFrom, String outputTopic, Instant windowStart, ReplayJudgement judgement);
}
