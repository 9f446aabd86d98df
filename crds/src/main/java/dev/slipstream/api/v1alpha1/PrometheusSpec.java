package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where the latency and error rate of a rollout's versions come from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSpec {
  @io.fabric8.generator.annotation.Default("job")
  @JsonPropertyDescription("Which metrics the default queries read. job: the job contract's slipstream_inference_* per model version that answered (any server). triton: Triton's own nv_inference_* per model and version (p99 needs tritonserver --metrics-config summary_latencies=true). kserve: Knative's queue-proxy revision_app_request_* of the version's KServe revision. A query given below replaces the preset's.")
  public Preset preset = Preset.job;

  public enum Preset {
    job, triton, kserve
  }

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
