package dev.slipstream.job.batch;

import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Which records of the input topic become training rows: those whose Kafka timestamp lies in [from, to). The
 * job reads from {@code warmup} earlier, so the first rows' windows and watermarks hold what the streaming job
 * had seen at that point: their features are the ones it served.
 */
public record TrainingRange(long from, long to, long warmupMillis) implements Serializable {
  public static final TrainingRange ALL = new TrainingRange(Long.MIN_VALUE, Long.MAX_VALUE, 0);

  public TrainingRange {
    if (from >= to) {
      throw new IllegalArgumentException("the range is empty: --from " + Instant.ofEpochMilli(from)
          + " is not before --to " + Instant.ofEpochMilli(to));
    }
  }

  public boolean contains(long recordTimestamp) {
    return recordTimestamp >= from && recordTimestamp < to;
  }

  /** Where reading starts: {@code from} less the warm-up. */
  public long readFrom() {
    return from == Long.MIN_VALUE ? Long.MIN_VALUE : Math.max(0, from - warmupMillis);
  }

  /** An instant as ISO-8601 ({@code 2026-11-30T00:00:00Z}) or epoch milliseconds. */
  public static long instant(String text, String what) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException notMillis) {
      try {
        return Instant.parse(text.trim()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(what + " '" + text + "' is neither ISO-8601 (2026-11-30T00:00:00Z) nor epoch milliseconds");
      }
    }
  }
}
