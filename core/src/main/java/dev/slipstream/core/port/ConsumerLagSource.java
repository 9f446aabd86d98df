package dev.slipstream.core.port;

import java.util.Collection;
import java.util.OptionalLong;

/** Consumer lag: end offsets minus committed offsets, summed over the partitions of the topics. */
public interface ConsumerLagSource {
  /**
   * The group's lag on the topics, or empty when it cannot be known (the group has committed nothing yet
   * counts as lag from the log start).
   */
  OptionalLong lag(String group, Collection<String> topics);
}
