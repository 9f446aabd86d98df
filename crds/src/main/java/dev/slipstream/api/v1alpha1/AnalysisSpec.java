package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisSpec {
  /** What a metric without data means for a check. */
  public enum NoData {
    hold,
    fail,
    pass
  }

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Consecutive failed checks that roll the candidate back.")
  public Integer failureThreshold = 3;

  @Default("1")
  @Min(1)
  @Max(1000000)
  @JsonPropertyDescription("A latency or error-rate measurement over fewer requests than this counts as no data.")
  public Integer minSamples = 1;

  @Default("hold")
  @JsonPropertyDescription("A metric with no data: hold (neither advance nor fail until noDataTimeoutIntervals, then fail), fail, or pass.")
  public NoData noData = NoData.hold;

  @Default("5")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("With noData hold: after this many intervals without data, each check without data fails.")
  public Integer noDataTimeoutIntervals = 5;

  @JsonPropertyDescription("The candidate judged against the stable version over the same interval, beside the absolute SLO (latency and errors from the same queries, for each version).")
  public StableComparison comparedToStable;

  @JsonPropertyDescription("Latency and error-rate queries, and a Prometheus address for this pipeline.")
  public PrometheusSpec prometheus;
}
