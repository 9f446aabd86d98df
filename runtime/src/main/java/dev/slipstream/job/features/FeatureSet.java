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

  /**
   * {@link #compute(Iterable, HistoryEntry, double[])} over a key's history as the job keeps it: one feature at a
   * time, each a tight loop over the history's rows in order, then the event itself. The rows are added in the same
   * order as before, so sums are the same to the last bit. A loop over the rows that switched over every feature for
   * each row was most of the feature tasks' samples in a profile of the job.
   */
  public void compute(KeyHistory history, HistoryEntry current, double[] values) {
    long t = current.ts;
    long[] ts = history.ts;
    int n = history.size;
    int width = history.width;
    double[] numbers = history.numbers;
    String[] texts = history.texts;
    DistinctTexts[] distinct = distinctScratch();
    for (int i = 0; i < aggregates.length; i++) {
      long start = specs.get(i).windowStart(t);
      int f = fieldOf[i];
      switch (aggregates[i]) {
        case count -> {
          long count = 0;
          if (f < 0) {
            for (int r = 0; r < n; r++) {
              long at = ts[r];
              if (at >= start && at <= t) {
                count++;
              }
            }
            count++;
          } else {
            for (int r = 0, at = f; r < n; r++, at += width) {
              long when = ts[r];
              if (when >= start && when <= t && (texts[at] != null || !Double.isNaN(numbers[at]))) {
                count++;
              }
            }
            if (current.texts[f] != null || !Double.isNaN(current.numbers[f])) {
              count++;
            }
          }
          values[i] = count;
        }
        case distinctCount -> {
          DistinctTexts d = distinct[i];
          d.clear();
          for (int r = 0, at = f; r < n; r++, at += width) {
            long when = ts[r];
            if (when >= start && when <= t && texts[at] != null) {
              d.add(texts[at]);
            }
          }
          if (current.texts[f] != null) {
            d.add(current.texts[f]);
          }
          values[i] = d.size();
        }
        default -> values[i] = numeric(aggregates[i], ts, numbers, n, width, f, start, t, current.numbers[f]);
      }
    }
  }

  /** A sum, min, max or mean of field {@code f} over the rows in [start, t], then the event's own value. */
  private static double numeric(FeatureSpec.Aggregate aggregate, long[] ts, double[] numbers, int n, int width, int f,
      long start, long t, double own) {
    long count = 0;
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int r = 0, at = f; r < n; r++, at += width) {
      long when = ts[r];
      double v = numbers[at];
      if (when >= start && when <= t && !Double.isNaN(v)) {
        count++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (!Double.isNaN(own)) {
      count++;
      sum += own;
      min = Math.min(min, own);
      max = Math.max(max, own);
    }
    return switch (aggregate) {
      case sum -> sum;
      case min -> count == 0 ? Double.NaN : min;
      case max -> count == 0 ? Double.NaN : max;
      case mean -> count == 0 ? Double.NaN : sum / count;
      default -> throw new IllegalArgumentException(aggregate + " is not a numeric aggregate");
    };
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
