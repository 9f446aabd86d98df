package dev.slipstream.job.features;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

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
  private final FeatureSpec.Aggregate[] aggregates;
  /** Per feature, the scratch table of a distinct count; null for the other aggregates. Made on first use. */
  private transient DistinctTexts[] distinctScratch;
  private final long retentionMillis;

  public FeatureSet(List<FeatureSpec> specs, long allowedLatenessMillis) {
    this.specs = List.copyOf(specs);
    List<String> names = new ArrayList<>();
    fieldOf = new int[specs.size()];
    aggregates = new FeatureSpec.Aggregate[specs.size()];
    long longest = 0;
    for (int i = 0; i < specs.size(); i++) {
      FeatureSpec s = specs.get(i);
      aggregates[i] = s.aggregate();
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
    double[] plain = new double[specs.size()];
    compute(history, current, plain);
    Double[] values = new Double[plain.length];
    for (int i = 0; i < plain.length; i++) {
      values[i] = Double.isNaN(plain[i]) ? null : plain[i];
    }
    return values;
  }

  /**
   * {@link #compute(Iterable, HistoryEntry)} into {@code values}, NaN where a feature has no value: what the job
   * calls for every event, with no boxing and no set allocated per event (a distinct count reuses this set's own
   * scratch table, so one FeatureSet serves one thread, as each Flink task opens its own).
   */
  public void compute(Iterable<HistoryEntry> history, HistoryEntry current, double[] values) {
    int n = specs.size();
    long[] count = new long[n];
    long[] numbers = new long[n];
    double[] sum = new double[n];
    double[] min = new double[n];
    double[] max = new double[n];
    long[] start = new long[n];
    DistinctTexts[] distinct = distinctScratch();
    for (int i = 0; i < n; i++) {
      min[i] = Double.POSITIVE_INFINITY;
      max[i] = Double.NEGATIVE_INFINITY;
      start[i] = specs.get(i).windowStart(current.ts);
      if (distinct[i] != null) {
        distinct[i].clear();
      }
    }
    for (HistoryEntry e : history) {
      add(e, current.ts, start, count, numbers, sum, min, max, distinct);
    }
    add(current, current.ts, start, count, numbers, sum, min, max, distinct);

    for (int i = 0; i < n; i++) {
      values[i] = switch (aggregates[i]) {
        case count -> (double) count[i];
        case sum -> sum[i];
        case min -> numbers[i] == 0 ? Double.NaN : min[i];
        case max -> numbers[i] == 0 ? Double.NaN : max[i];
        case mean -> numbers[i] == 0 ? Double.NaN : sum[i] / numbers[i];
        case distinctCount -> (double) distinct[i].size();
      };
    }
  }

  private DistinctTexts[] distinctScratch() {
    if (distinctScratch == null) {
      distinctScratch = new DistinctTexts[specs.size()];
      for (int i = 0; i < specs.size(); i++) {
        if (aggregates[i] == FeatureSpec.Aggregate.distinctCount) {
          distinctScratch[i] = new DistinctTexts();
        }
      }
    }
    return distinctScratch;
  }

  private void add(HistoryEntry e, long t, long[] start, long[] count, long[] numbers, double[] sum, double[] min,
      double[] max, DistinctTexts[] distinct) {
    if (e.ts > t) {
      return; // from the event's future: not known when it was decided
    }
    for (int i = 0; i < aggregates.length; i++) {
      if (e.ts < start[i]) {
        continue;
      }
      int f = fieldOf[i];
      switch (aggregates[i]) {
        case count -> {
          if (f < 0 || e.texts[f] != null || !Double.isNaN(e.numbers[f])) {
            count[i]++;
          }
        }
        case distinctCount -> {
          if (e.texts[f] != null) {
            distinct[i].add(e.texts[f]);
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

  /**
   * The distinct texts of one event's window: an open-addressing table emptied in O(1) by starting a new
   * generation, so counting a window allocates nothing once the table has grown to the key's history. A profile
   * of the job showed a new HashSet per event as the largest single cost of computing the example's features.
   */
  static final class DistinctTexts {
    private String[] texts = new String[16];
    private int[] generations = new int[16];
    private int generation = 1;
    private int size;

    void clear() {
      size = 0;
      if (++generation == Integer.MAX_VALUE) {
        java.util.Arrays.fill(generations, 0);
        generation = 1;
      }
    }

    void add(String text) {
      if (size * 2 >= texts.length) {
        grow();
      }
      int mask = texts.length - 1;
      int i = spread(text.hashCode()) & mask;
      while (generations[i] == generation) {
        if (texts[i].equals(text)) {
          return;
        }
        i = (i + 1) & mask;
      }
      generations[i] = generation;
      texts[i] = text;
      size++;
    }

    int size() {
      return size;
    }

    private void grow() {
      String[] oldTexts = texts;
      int[] oldGenerations = generations;
      texts = new String[oldTexts.length * 2];
      generations = new int[oldTexts.length * 2];
      size = 0;
      for (int j = 0; j < oldTexts.length; j++) {
        if (oldGenerations[j] == generation) {
          add(oldTexts[j]);
        }
      }
    }

    private static int spread(int h) {
      return h ^ (h >>> 16);
    }
  }
}
