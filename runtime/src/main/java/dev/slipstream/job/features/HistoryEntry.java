package dev.slipstream.job.features;

/**
 * What the features keep of one accepted event of a key: its event time and the values of the fields the
 * features read ({@link FeatureSet#fields()} order). A Flink POJO, so it is kept in keyed state as it is.
 */
public class HistoryEntry {
  public long ts;
  /** The field's value as a number; NaN where the event has none, or one that is not a number. */
  public double[] numbers;
  /** The field's value as text, for distinct counts and counts of a field; null where the event has none. */
  public String[] texts;

  public HistoryEntry() {}

  public HistoryEntry(long ts, double[] numbers, String[] texts) {
    this.ts = ts;
    this.numbers = numbers;
    this.texts = texts;
  }
}
