package dev.slipstream.core.port;

import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;

/** Where a consumer group stands on its topics: end offsets minus committed offsets, and how far it has read. */
public interface ConsumerLagSource {
  /**
   * @param lag end offsets minus committed offsets, summed over the partitions (a group that has committed
   *     nothing yet counts from the log start)
   * @param consumed the committed offsets summed over the partitions (log start where none): its growth over
   *     time is the group's consume rate
   */
  record Position(long lag, long consumed) {}

  /** The group's position on the topics, or empty when it cannot be known. */
  Optional<Position> position(String group, Collection<String> topics);

  /** The group's lag on the topics, or empty when it cannot be known. */
  default OptionalLong lag(String group, Collection<String> topics) {
    return position(group, topics).map(p -> OptionalLong.of(p.lag())).orElse(OptionalLong.empty());
  }
}
