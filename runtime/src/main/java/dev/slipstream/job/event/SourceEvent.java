package dev.slipstream.job.event;

/**
 * One record read from an input topic, with what the job needs of it. A record that cannot be scored (not JSON, no
 * event time, no key) carries a {@code problem} and goes to the late-events topic with it. Flink writes it with
 * {@link SourceEventSerializer}, which must learn of every field added here.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(SourceEventSerializer.SourceFactory.class)
public class SourceEvent {
  public static final int ON_TIME = 0;
  /** Behind its partition's watermark but within the allowed lateness: scored, and marked late. */
  public static final int LATE = 1;
  /** Behind its partition's watermark by more than the allowed lateness: written to the late-events topic. */
  public static final int TOO_LATE = 2;

  public String topic;
  public int partition;
  public long offset;
  /** The Kafka record's own timestamp. */
  public long recordTimestamp;
  public String key;
  public String id;
  public long eventTime;
  /** The record's value as it was read. */
  public String payload;
  /** The values of the features' fields, as {@link dev.slipstream.job.features.HistoryEntry} keeps them. */
  public double[] numbers;
  public String[] texts;
  /** Why the record cannot be scored; null for a readable event. */
  public String problem;
  /**
   * Set once the event is judged to go to the late-events topic (unreadable, or beyond the allowed lateness): why,
   * in words. Such an event still flows on to the inference step, untouched by the features and the model, which
   * writes its late record: every record leaves the job through the one sink chained to that step.
   */
  public String lateReason;
  public int lateness;
  /** The watermark of the record's partition when it was read. */
  public long watermark = Long.MIN_VALUE;
  /** When the job read it (processing time, ms). */
  public long readAt;

  public SourceEvent() {}

  /** The Kafka partition this came from, as one name: {@code topic-partition}. */
  public String partitionName() {
    return topic + "-" + partition;
  }
}
