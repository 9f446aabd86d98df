package dev.slipstream.job.event;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Judges each event against the watermark of its own Kafka partition: the largest event time seen on that
 * partition minus the allowed out-of-orderness, exactly as Flink's bounded-out-of-orderness generator computes
 * a split's watermark. Because it depends only on the partition's records in order, the same records give the
 * same verdicts in the streaming job, after a restart, and in the batch job that builds training features.
 */
public final class PartitionClock implements Serializable {
  private final long outOfOrdernessMillis;
  private final long allowedLatenessMillis;
  private final Map<String, Long> maxEventTime = new HashMap<>();

  public PartitionClock(long outOfOrdernessMillis, long allowedLatenessMillis) {
    this.outOfOrdernessMillis = outOfOrdernessMillis;
    this.allowedLatenessMillis = allowedLatenessMillis;
  }

  /** Sets {@link SourceEvent#lateness} and {@link SourceEvent#watermark} of a readable event, and moves the clock. */
  public void judge(SourceEvent e) {
    String partition = e.partitionName();
    Long max = maxEventTime.get(partition);
    long watermark = max == null ? Long.MIN_VALUE : max - outOfOrdernessMillis - 1;
    e.watermark = watermark;
    if (max == null || e.eventTime > watermark) {
      e.lateness = SourceEvent.ON_TIME;
    } else if (e.eventTime > watermark - allowedLatenessMillis) {
      e.lateness = SourceEvent.LATE;
    } else {
      e.lateness = SourceEvent.TOO_LATE;
    }
    if (max == null || e.eventTime > max) {
      maxEventTime.put(partition, e.eventTime);
    }
  }

  /** The largest event time seen per partition: what a checkpoint keeps. */
  public Map<String, Long> state() {
    return Map.copyOf(maxEventTime);
  }

  /** Restores the clock; where two subtasks knew a partition, the later time wins. */
  public void restore(String partition, long max) {
    maxEventTime.merge(partition, max, Math::max);
  }

  public long allowedLatenessMillis() {
    return allowedLatenessMillis;
  }
}
