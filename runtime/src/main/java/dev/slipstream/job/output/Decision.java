package dev.slipstream.job.output;

/**
 * What the job writes for one input event (a Flink POJO): the model's answer, the static fallback result
 * (marked as one, with the reason), or, on the late-events topic, the event itself with why it was not scored.
 * Every input event gets exactly one of these.
 */
public class Decision {
  public static final String SCORED = "scored";
  public static final String FALLBACK = "fallback";
  public static final String LATE = "late";

  public String kind;
  public String eventId;
  public String key;
  public String topic;
  public int partition;
  public long offset;
  /** The input record's Kafka timestamp. */
  public long recordTimestamp;
  public long eventTime;
  public String modelName;
  /** The version that answered, as the model server reported it. */
  public String modelVersion;
  /** The first value of the model's first output; NaN when there is none (fallbacks, late events). */
  public double score = Double.NaN;
  /** The model's outputs, or the fallback result, as JSON. */
  public String result;
  /** The features as JSON, name to value. */
  public String features;
  /** Scored although it came behind its partition's watermark (within the allowed lateness). */
  public boolean late;
  /** Why this is a fallback or a late record. */
  public String reason;
  /** The original event, on late records only. */
  public String payload;
  /** When the decision was made, and how long after the event's own time. */
  public long decidedAt;
  public long latencyMs;
  /** How long the model took to answer the request that carried this event (retries included); -1 without one. */
  public long modelMs = -1;

  public Decision() {}

  public boolean isLate() {
    return LATE.equals(kind);
  }
}
