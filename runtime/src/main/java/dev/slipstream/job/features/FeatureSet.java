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
    return expired(e.ts, watermark);
  }

  /** Whether an event of time {@code ts} is kept no longer at {@code watermark}. */
  public boolean expired(long ts, long watermark) {
    return watermark != Long.MIN_VALUE && ts <= watermark - retentionMillis;
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
    KeyHistory kept = new KeyHistory(fields.size());
    history.forEach(kept::add);
    compute(kept, current, values);
  }

  /** {@link #compute(Iterable, HistoryEntry, double[])} over a key's history as the job keeps it. */
  public void compute(KeyHistory history, HistoryEntry current, double[] values) {
    Window w = open(current.ts);
    long[] ts = history.ts;
    for (int i = 0, n = history.size; i < n; i++) {
      add(ts[i], history.numbers, history.texts, i * history.width, current.ts, w);
    }
    close(current, w, values);
  }

  /** One event's window being counted: per feature, its start and what has been added so far. */
  private record Window(long[] start, long[] count, long[] numbers, double[] sum, double[] min, double[] max,
      DistinctTexts[] distinct) {}

  private Window open(long t) {
    int n = specs.size();
    Window w = new Window(new long[n], new long[n], new long[n], new double[n], new double[n], new double[n],
        distinctScratch());
    for (int i = 0; i < n; i++) {
      w.min[i] = Double.POSITIVE_INFINITY;
      w.max[i] = Double.NEGATIVE_INFINITY;
      w.start[i] = specs.get(i).windowStart(t);
      if (w.distinct[i] != null) {
        w.distinct[i].clear();
      }
    }
    return w;
  }

  /** Adds the event itself, then writes each feature's value. */
  private void close(HistoryEntry current, Window w, double[] values) {
    add(current.ts, current.numbers, current.texts, 0, current.ts, w);
    for (int i = 0; i < specs.size(); i++) {
      values[i] = switch (aggregates[i]) {
        case count -> (double) w.count[i];
        case sum -> w.sum[i];
        case min -> w.numbers[i] == 0 ? Double.NaN : w.min[i];
        case max -> w.numbers[i] == 0 ? Double.NaN : w.max[i];
        case mean -> w.numbers[i] == 0 ? Double.NaN : w.sum[i] / w.numbers[i];
        case distinctCount -> (double) w.distinct[i].size();
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

  /** One event of time {@code ts}, its values at {@code at} in {@code numbers} and {@code texts}, into the window. */
  private void add(long ts, double[] numbers, String[] texts, int at, long t, Window w) {
    if (ts > t) {
      return; // from the event's future: not known when it was decided
    }
    for (int i = 0; i < aggregates.length; i++) {
      if (ts < w.start[i]) {
        continue;
      }
      int f = fieldOf[i];
      switch (aggregates[i]) {
        case count -> {
          if (f < 0 || texts[at + f] != null || !Double.isNaN(numbers[at + f])) {
            w.count[i]++;
          }
        }
        case distinctCount -> {
          if (texts[at + f] != null) {
            w.distinct[i].add(texts[at + f]);
          }
        }
        default -> {
          double v = numbers[at + f];
          if (!Double.isNaN(v)) {
            w.numbers[i]++;
            w.sum[i] += v;
            w.min[i] = Math.min(w.min[i], v);
            w.max[i] = Math.max(w.max[i], v);
          }
        }
      }
    }
  }

  /**
   * The distinct texts of one event's window: an open-addressing table emptied in O(1) by starting a new
   * generation, so counting a window allocates nothing once the table has grown to the key's history. A profile
   * of the job showed a new HashSet per event as the largest single cost of computing the example's features.
   *
   * <p>Each slot keeps its text's hash, compared before the text, and a text's slot is taken from the high bits of
   * its hash times a large odd constant, so texts with consecutive hashes (merchant ids "m1", "m2"...) do not fill
   * one run of adjacent slots. In a profile with the history kept in arrays ({@link KeyHistory}) this table was half
   * of the feature tasks' samples; see DESIGN.md for what changing it did and did not do.
   */
  static final class DistinctTexts {
    private String[] texts = new String[16];
    private int[] hashes = new int[16];
    private int[] generations = new int[16];
    /** 32 minus the table's size in bits: the multiplied hash's top bits pick the slot. */
    private int shift = 32 - 4;
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
      int h = text.hashCode();
      int mask = texts.length - 1;
      int i = (h * 0x9E3779B9) >>> shift;
      while (generations[i] == generation) {
        if (hashes[i] == h && texts[i].equals(text)) {
          return;
        }
        i = (i + 1) & mask;
      }
      generations[i] = generation;
      texts[i] = text;
      hashes[i] = h;
      size++;
    }

    int size() {
      return size;
    }

    private void grow() {
      String[] oldTexts = texts;
      int[] oldGenerations = generations;
      texts = new String[oldTexts.length * 2];
      hashes = new int[oldTexts.length * 2];
      generations = new int[oldTexts.length * 2];
      shift--;
      size = 0;
      for (int j = 0; j < oldTexts.length; j++) {
        if (oldGenerations[j] == generation) {
          add(oldTexts[j]);
        }
      }
    }
  }
}
