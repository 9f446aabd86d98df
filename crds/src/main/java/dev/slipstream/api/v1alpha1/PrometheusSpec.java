package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Where the latency and error rate of a rollout's versions come from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.address) || !self.address.matches('^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*@')",
    message = "a Prometheus address may not carry credentials (they would live in Git): the operator's admin declares a source with them (Helm values prometheus.sources) and the pipeline names it in source",
    reason = "FieldValueForbidden")
@io.fabric8.generator.annotation.ValidationRule(
    value = "!(has(self.address) && has(self.source))",
    message = "give source or address, not both",
    reason = "FieldValueInvalid")
public class PrometheusSpec {
  @io.fabric8.generator.annotation.Default("job")
  @JsonPropertyDescription("Which metrics the default queries read. job: the job contract's slipstream_inference_* per model version that answered (any server). triton: Triton's own nv_inference_* per model and version (p99 needs tritonserver --metrics-config summary_latencies=true). kserve: Knative's queue-proxy revision_app_request_* of the version's KServe revision. A query given below replaces the preset's.")
  public Preset preset = Preset.job;

  public enum Preset {
    job, triton, kserve
  }

  @Size(max = 63)
  @Pattern(ApiGroup.DNS_LABEL_PATTERN)
  @JsonPropertyDescription("A Prometheus source the operator's admin declared (Helm values prometheus.sources: URL, credentials, CA), instead of the operator's default (--prometheus-url).")
  public String source;

  @Size(max = 2048)
  @Pattern("^https?://[^\\s]+$")
  @JsonPropertyDescription("A Prometheus base URL of the pipeline's own, allowed only on hosts the operator's admin lists (--prometheus-allowed-hosts; none by default). It carries no credentials: those belong to a source.")
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
