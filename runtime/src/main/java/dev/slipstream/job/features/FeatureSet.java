package dev.slipstream.job.features;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The pipeline's features, computed the same way for serving (the streaming job, one event at a time) and for
 * training (the batch job over a recorded range of the topic): both call {@link #compute} on the key's
 * history, so the two cannot drift apart.
 *
 * <p>An event's features cover the key's events that were accepted before it (the job reads each partition
 * in order, so this is the order of the topic) and whose event time lies in the feature's window ending at the
 * event's own time, plus the event itself. Events from the event's future are never counted, so a feature
 * never holds what was not known when the decision was made.
 */
public final class FeatureSet implements Serializable {
  private final List<FeatureSpec> specs;
  private final List<String> fields;
  private final int[] fieldOf;
  private final long retentionMillis;

  public FeatureSet(List<FeatureSpec> specs, long allowedLatenessMillis) {
    this.specs = List.copyOf(specs);
    List<String> names = new ArrayList<>();
    fieldOf = new int[specs.size()];
    long longest = 0;
    for (int i = 0; i < specs.size(); i++) {
      FeatureSpec s = specs.get(i);
      if (s.field() == null) {
        fieldOf[i] = -1;
      } else {
        if (!names.contains(s.field())) {
          names.add(s.field());
        }
        fieldOf[i] = names.indexOf(s.field());
      }
      longest = Math.max(longest, s.sizeMillis());
    }
    this.fields = List.copyOf(names);
    // an event accepted later lies at most the allowed lateness behind the watermark, and looks back one window
    this.retentionMillis = longest + allowedLatenessMillis;
  }

  public List<FeatureSpec> specs() {
    return specs;
  }

  /** The event fields the features read, each once. */
  public List<String> fields() {
    return fields;
  }

  public boolean isEmpty() {
    return specs.isEmpty();
  }

  /** An entry of the key's history kept while the watermark is below {@code ts + retention}. */
  public long retentionMillis() {
    return retentionMillis;
  }

  public boolean expired(HistoryEntry e, long watermark) {
    return watermark != Long.MIN_VALUE && e.ts <= watermark - retentionMillis;
  }

  /**
   * The feature values of {@code current} over the key's earlier accepted events; null where a feature has no
   * value (the min, max or mean of no numbers).
   */
  public Double[] compute(Iterable<HistoryEntry> history, HistoryEntry current) {
    int n = specs.size();
    long[] count = new long[n];
    long[] numbers = new long[n];
    double[] sum = new double[n];
    double[] min = new double[n];
    double[] max = new double[n];
    List<Set<String>> distinct = new ArrayList<>(n);
    long[] start = new long[n];
    for (int i = 0; i < n; i++) {
      min[i] = Double.POSITIVE_INFINITY;
      max[i] = Double.NEGATIVE_INFINITY;
      distinct.add(specs.get(i).aggregate() == FeatureSpec.Aggregate.distinctCount ? new HashSet<>() : null);
      start[i] = specs.get(i).windowStart(current.ts);
    }
    for (HistoryEntry e : history) {
      add(e, current.ts, start, count, numbers, sum, min, max, distinct);
    }
    add(current, current.ts, start, count, numbers, sum, min, max, distinct);

    Double[] values = new Double[n];
    for (int i = 0; i < n; i++) {
      values[i] = switch (specs.get(i).aggregate()) {
        case count -> (double) count[i];
        case sum -> sum[i];
        case min -> numbers[i] == 0 ? null : min[i];
        case max -> numbers[i] == 0 ? null : max[i];
        case mean -> numbers[i] == 0 ? null : sum[i] / numbers[i];
        case distinctCount -> (double) distinct.get(i).size();
      };
    }
    return values;
  }

  private void add(HistoryEntry e, long t, long[] start, long[] count, long[] numbers, double[] sum, double[] min,
      double[] max, List<Set<String>> distinct) {
    if (e.ts > t) {
      return; // from the event's future: not known when it was decided
    }
    for (int i = 0; i < specs.size(); i++) {
      if (e.ts < start[i]) {
        continue;
      }
      int f = fieldOf[i];
      switch (specs.get(i).aggregate()) {
        case count -> {
          if (f < 0 || e.texts[f] != null || !Double.isNaN(e.numbers[f])) {
            count[i]++;
          }
        }
        case distinctCount -> {
          if (e.texts[f] != null) {
            distinct.get(i).add(e.texts[f]);
          }
        }
        default -> {
          double v = e.numbers[f];
          if (!Double.isNaN(v)) {
            numbers[i]++;
            sum[i] += v;
            min[i] = Math.min(min[i], v);
            max[i] = Math.max(max[i], v);
          }
        }
      }
    }
  }
}
