package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where the latency and error rate of a rollout's versions come from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSpec {
  @Size(max = 2048)
  @Pattern("^https?://[^\\s]+$")
  @JsonPropertyDescription("Prometheus base URL for this pipeline, instead of the operator's --prometheus-url.")
  public String address;

  @Size(max = 4096)
  @JsonPropertyDescription("PromQL giving the p99 latency in milliseconds. Placeholders {{namespace}}, {{pipeline}}, {{model}} and {{version}} (the ModelVersion's modelName and version, as the model server reports them), {{modelVersion}} (the ModelVersion's name) and {{interval}}; values are escaped as PromQL string contents. Default: the job contract's slipstream_inference_latency_seconds histogram.")
  public String p99LatencyQuery;

  @Size(max = 4096)
  @JsonPropertyDescription("PromQL giving the error rate in percent, with the same placeholders. Default: slipstream_inference_requests_total with outcome=\"error\" over all outcomes.")
  public String errorRateQuery;

  @Size(max = 4096)
  @JsonPropertyDescription("PromQL giving the number of requests in the interval, compared with minSamples. Default: the increase of slipstream_inference_requests_total.")
  public String requestsQuery;
}
