package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * The candidate judged against the stable version over the same interval, beside the absolute SLO: a candidate
 * within the SLO but far slower or more failing than what it replaces is not promoted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StableComparison {
  @Min(0)
  @Max(600000)
  @JsonPropertyDescription("The candidate's p99 latency may exceed the stable version's by at most this many milliseconds.")
  public Integer maxP99IncreaseMs;

  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("The candidate's p99 latency may exceed the stable version's by at most this percentage of it.")
  public Integer maxP99IncreasePercent;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("The candidate's error rate may exceed the stable version's by at most this many percentage points.")
  public Double maxErrorRateIncreasePoints;
}
