package dev.slipstream.job.event;

/** An accepted event with its features, on its way to the model (a Flink POJO). */
public class FeaturedEvent extends SourceEvent {
  /** Feature values in the order of the pipeline's definitions; NaN where a feature has no value. */
  public double[] features;

  public FeaturedEvent() {}

  public static FeaturedEvent of(SourceEvent e, double[] features) {
    FeaturedEvent f = new FeaturedEvent();
    f.topic = e.topic;
    f.partition = e.partition;
    f.offset = e.offset;
    f.recordTimestamp = e.recordTimestamp;
    f.key = e.key;
    f.id = e.id;
    f.eventTime = e.eventTime;
    f.payload = e.payload;
    f.lateness = e.lateness;
    f.watermark = e.watermark;
    f.readAt = e.readAt;
    f.problem = e.problem;
    f.lateReason = e.lateReason;
    f.features = features;
    return f;
  }
}
