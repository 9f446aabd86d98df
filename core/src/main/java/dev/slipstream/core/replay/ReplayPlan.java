package dev.slipstream.core.replay;

import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which retained events a replay reads, per input partition, from what the broker says of each partition: the
 * window's start (the first offset at or after its timestamp), the warm-up's start (the same, that much earlier
 * as the longest feature window needs, or the oldest retained record) and the end as the replay begins. A
 * maximum number of events keeps the newest of the window, taken from each partition in proportion to what it holds.
 * The job's decisions start at {@code from}; events between {@code warmUpFrom} and {@code from} only warm its
 * features, so a replayed event gets the features it got live.
 */
public record ReplayPlan(List<Range> ranges, long events, Instant windowStart, Instant warmedFrom, Duration warmUpNeeded,
    boolean warmUpComplete) {

  /**
   * One partition's offsets as the broker reported them: its log start (the oldest retained) and end, the first
   * offsets at or after the window's and the warm-up's start (null where no record is that new), and the timestamp
   * of the record at the latter.
   */
  public record PartitionOffsets(String topic, int partition, long logStart, long end, Long atWindowStart,
      Long atWarmUpStart, Long warmUpStartTimestamp) {
    /**
     * Whether the warm-up has every record the live job read before the window: a record older than the warm-up's
     * start is still retained, or none was ever deleted (the log starts at 0).
     */
    boolean warmUpRetained() {
      return atWarmUpStart != null && (logStart == 0 || logStart < atWarmUpStart);
    }
  }

  /** What the replay reads of one partition: warm-up from, decisions from, and until (exclusive). */
  public record Range(String topic, int partition, long warmUpFrom, long from, long until) {
    public long events() {
      return until - from;
    }
  }

  public ReplayPlan {
    ranges = List.copyOf(ranges);
  }

  /**
   * @param windowStart the oldest event time (record timestamp) the window replays
   * @param warmUp how much history before the window the features read (their longest window plus the allowed
   *     lateness); zero without features over time
   * @param maxEvents at most this many events, the newest of the window; null for all of it
   * @param offsets per partition, as the broker reports them for {@code windowStart} and {@code windowStart - warmUp}
   */
  public static ReplayPlan of(Instant windowStart, Duration warmUp, Long maxEvents, List<PartitionOffsets> offsets) {
    List<Range> ranges = new ArrayList<>();
    long total = 0;
    for (PartitionOffsets p : offsets) {
      long from = p.atWindowStart() == null ? p.end() : Math.min(p.atWindowStart(), p.end());
      total += p.end() - from;
      ranges.add(new Range(p.topic(), p.partition(), from, from, p.end()));
    }
    if (maxEvents != null && total > maxEvents) {
      ranges = newest(ranges, total, maxEvents);
      total = ranges.stream().mapToLong(Range::events).sum();
    }
    Instant warmedFrom = null;
    boolean complete = true;
    List<Range> warmed = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      Range r = ranges.get(i);
      PartitionOffsets p = offsets.get(i);
      long warmUpFrom = r.from();
      if (warmUp.isZero() || r.events() == 0) {
        warmed.add(r);
        continue;
      }
      if (p.atWarmUpStart() != null && p.atWarmUpStart() < r.from()) {
        warmUpFrom = p.atWarmUpStart();
      }
      if (!p.warmUpRetained()) {
        // records the live job read before the window are gone: the features start from the oldest retained one
        complete = false;
        Instant oldest = p.warmUpStartTimestamp() == null ? windowStart : Instant.ofEpochMilli(p.warmUpStartTimestamp());
        warmedFrom = warmedFrom == null || oldest.isAfter(warmedFrom) ? oldest : warmedFrom;
      }
      warmed.add(new Range(r.topic(), r.partition(), warmUpFrom, r.from(), r.until()));
    }
    return new ReplayPlan(warmed, total, windowStart, warmedFrom, warmUp, complete);
  }

  /** The newest {@code keep} of the ranges' {@code total} events, shared in proportion, the remainder to the largest. */
  private static List<Range> newest(List<Range> ranges, long total, long keep) {
    long[] kept = new long[ranges.size()];
    long given = 0;
    for (int i = 0; i < ranges.size(); i++) {
      kept[i] = ranges.get(i).events() * keep / total;
      given += kept[i];
    }
    for (int i = 0; given < keep; i = (i + 1) % ranges.size()) {
      if (kept[i] < ranges.get(i).events()) {
        kept[i]++;
        given++;
      }
    }
    List<Range> trimmed = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      Range r = ranges.get(i);
      long from = r.until() - kept[i];
      trimmed.add(new Range(r.topic(), r.partition(), from, from, r.until()));
    }
    return trimmed;
  }

  /** How far back the features were warmed, in words, for the status and the Event. */
  public String warmUpMessage() {
    if (warmUpNeeded.isZero()) {
      return "no feature reads history before the window";
    }
    if (warmUpComplete) {
      return "features warmed from " + Durations.format(warmUpNeeded) + " before the window, as they were live";
    }
    String reach = warmedFrom == null || !warmedFrom.isBefore(windowStart) ? "no retained event before the window"
        : "the retained input reaches only " + Durations.format(Duration.between(warmedFrom, windowStart).isNegative()
            ? Duration.ZERO : Duration.between(warmedFrom, windowStart)) + " before the window";
    return reach + " of the " + Durations.format(warmUpNeeded) + " the features read: features over longer windows"
        + " see less history than they did live";
  }

  /** {@code topic:partition:offset,...} of each range's warm-up start, decisions start and end, as the job reads them. */
  public Map<String, String> contract() {
    return Map.of(
        JobContract.REPLAY_WARM_UP_FROM, join(r -> r.warmUpFrom()),
        JobContract.REPLAY_FROM, join(r -> r.from()),
        JobContract.REPLAY_UNTIL, join(r -> r.until()));
  }

  private String join(java.util.function.ToLongFunction<Range> offset) {
    return ranges.stream().map(r -> r.topic() + ":" + r.partition() + ":" + offset.applyAsLong(r))
        .collect(Collectors.joining(","));
  }
}
