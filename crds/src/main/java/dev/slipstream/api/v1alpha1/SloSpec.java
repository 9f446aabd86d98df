package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloSpec {
  @Default("10000")
  @Min(0)
  @Max(1000000000000L)
  @JsonPropertyDescription("Largest acceptable consumer lag of the pipeline's group, in messages summed over partitions.")
  public Long maxConsumerLag = 10_000L;

  @Default("250")
  @Min(1)
  @Max(3600000)
  @JsonPropertyDescription("Largest acceptable p99 inference latency, in milliseconds.")
  public Integer p99LatencyMs = 250;

  @Default("1")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Largest acceptable share of failed inference requests, in percent (0 to 100).")
  public Double maxErrorRatePercent = 1.0;
}
