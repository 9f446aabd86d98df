package dev.slipstream.job.features;

import java.util.Arrays;

/**
 * A key's accepted events as the features read them, in the order they were accepted: event times in one array, the
 * fields' values row after row in two more (numbers and texts, {@link FeatureSet#fields()} wide). A Flink POJO,
 * kept in keyed state as it is.
 *
 * <p>Kept as one list of {@link HistoryEntry} objects before: each event's features walk the whole window, and a walk
 * over objects that each point to two arrays of their own (the event time, then the numbers, then the texts) spent
 * its time waiting on memory. A profile of the job at 100,000 events over 1,000 keys had two thirds of the feature
 * tasks' time in that walk.
 */
public class KeyHistory {
  /** How many events are kept; the arrays may be longer. */
  public int size;
  /** How many fields each event keeps. */
  public int width;
  public long[] ts = new long[0];
  /** Event {@code i}'s value of field {@code f} is at {@code i * width + f}; NaN where it has none. */
  public double[] numbers = new double[0];
  /** As {@link #numbers}, as text; null where it has none. */
  public String[] texts = new String[0];

  public KeyHistory() {}

  public KeyHistory(int width) {
    this.width = width;
  }

  public int size() {
    return size;
  }

  /** Appends one event's time and values ({@code width} of each; missing ones have none). */
  public void add(long eventTime, double[] values, String[] valueTexts) {
    if (size == ts.length) {
      resize(Math.max(4, size * 2));
    }
    ts[size] = eventTime;
    int at = size * width;
    int n = values == null ? 0 : Math.min(width, values.length);
    if (n > 0) {
      System.arraycopy(values, 0, numbers, at, n);
    }
    Arrays.fill(numbers, at + n, at + width, Double.NaN);
    int t = valueTexts == null ? 0 : Math.min(width, valueTexts.length);
    if (t > 0) {
      System.arraycopy(valueTexts, 0, texts, at, t);
    }
    Arrays.fill(texts, at + t, at + width, null);
    size++;
  }

  public void add(HistoryEntry entry) {
    add(entry.ts, entry.numbers, entry.texts);
  }

  /**
   * Drops the events {@code set} says have expired at {@code watermark}, keeping the others in order; the arrays
   * shrink once at most a quarter of them is used.
   *
   * @return whether any was dropped
   */
  public boolean expire(FeatureSet set, long watermark) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if (set.expired(ts[i], watermark)) {
        continue;
      }
      if (kept != i) {
        ts[kept] = ts[i];
        System.arraycopy(numbers, i * width, numbers, kept * width, width);
        System.arraycopy(texts, i * width, texts, kept * width, width);
      }
      kept++;
    }
    boolean dropped = kept < size;
    Arrays.fill(texts, kept * width, size * width, null);
    size = kept;
    if (ts.length > 4 && size <= ts.length / 4) {
      resize(Math.max(4, size * 2));
    }
    return dropped;
  }

  /** Room for {@code capacity} events in all three arrays, the kept ones copied. */
  private void resize(int capacity) {
    ts = Arrays.copyOf(ts, capacity);
    numbers = Arrays.copyOf(numbers, capacity * width);
    texts = Arrays.copyOf(texts, capacity * width);
  }
}
