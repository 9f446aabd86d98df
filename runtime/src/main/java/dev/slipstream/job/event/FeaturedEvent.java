package dev.slipstream.job.event;

/**
 * An accepted event with its features, on its way to the model. Flink writes it with {@link SourceEventSerializer},
 * which must learn of every field added here.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(SourceEventSerializer.FeaturedFactory.class)
public class FeaturedEvent extends SourceEvent {
  /** Feature values in the order of the pipeline's definitions; NaN where a feature has no value. */
  public double[] features;

  public FeaturedEvent() {}

  /** The event with its features, without the values they were computed from (the model needs only the features). */
  public static FeaturedEvent of(SourceEvent e, double[] features) {
    FeaturedEvent f = new FeaturedEvent();
    SourceEventSerializer.copyAllButFeatureValues(e, f);
    f.features = features;
    return f;
  }
}
