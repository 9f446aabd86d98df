package dev.slipstream.job.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a replay job reads: per input partition, where reading starts ({@code warmUpFrom}: events there only warm the
 * features), where its decisions start ({@code from}) and where it stops ({@code until}, exclusive: the end of the
 * partition when the replay began). Each is written {@code topic:partition:offset,...} in the contract.
 */
public record ReplayRange(Map<String, Long> warmUpFrom, Map<String, Long> from, Map<String, Long> until)
    implements Serializable {

  public ReplayRange {
    warmUpFrom = Map.copyOf(warmUpFrom);
    from = Map.copyOf(from);
    until = Map.copyOf(until);
  }

  /** {@code topic-partition}, as {@link dev.slipstream.job.event.SourceEvent#partitionName()} names it. */
  public static String partition(String topic, int partition) {
    return topic + "-" + partition;
  }

  /** Whether this event only warms the features: it lies before where the replay's decisions start. */
  public boolean warmingUp(String topic, int partition, long offset) {
    Long start = from.get(partition(topic, partition));
    return start != null && offset < start;
  }

  /** The partitions of {@code topic} and where reading them starts. */
  public Map<Integer, Long> start(String topic) {
    return offsets(topic, warmUpFrom.isEmpty() ? from : merged());
  }

  /** The partitions of {@code topic} and where reading them stops. */
  public Map<Integer, Long> stop(String topic) {
    return offsets(topic, until);
  }

  private Map<String, Long> merged() {
    Map<String, Long> start = new LinkedHashMap<>(from);
    warmUpFrom.forEach((p, o) -> start.merge(p, o, Math::min));
    return start;
  }

  private static Map<Integer, Long> offsets(String topic, Map<String, Long> byPartition) {
    Map<Integer, Long> offsets = new LinkedHashMap<>();
    String prefix = topic + "-";
    byPartition.forEach((p, o) -> {
      String rest = p.startsWith(prefix) ? p.substring(prefix.length()) : null;
      if (rest != null && !rest.isEmpty() && rest.chars().allMatch(Character::isDigit)) {
        offsets.put(Integer.parseInt(rest), o);
      }
    });
    return offsets;
  }

  /**
   * Reads {@code topic:partition:offset,...}; problems are added to {@code problems} naming {@code key}.
   *
   * @return partition name ({@code topic-partition}) to offset
   */
  static Map<String, Long> parse(String key, String text, List<String> problems) {
    Map<String, Long> offsets = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return offsets;
    }
    for (String item : text.split(",")) {
      String one = item.trim();
      int last = one.lastIndexOf(':');
      int first = last <= 0 ? -1 : one.lastIndexOf(':', last - 1);
      try {
        if (first <= 0) {
          throw new NumberFormatException();
        }
        int partition = Integer.parseInt(one.substring(first + 1, last));
        long offset = Long.parseLong(one.substring(last + 1));
        if (partition < 0 || offset < 0) {
          throw new NumberFormatException();
        }
        offsets.put(partition(one.substring(0, first), partition), offset);
      } catch (NumberFormatException e) {
        problems.add(key + " '" + one + "' is not topic:partition:offset");
      }
    }
    return offsets;
  }
}
