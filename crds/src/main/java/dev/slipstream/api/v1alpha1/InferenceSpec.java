package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** How the job calls the model: a bound on requests in flight, so back-pressure reaches Kafka, not a queue. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.timeout) || (duration(self.timeout) >= duration('1ms') && duration(self.timeout) <= duration('60s'))",
    message = "inference.timeout must be between 1ms and 60s: an event waits at most this for its answer and holds back the events behind it",
    reason = "FieldValueInvalid")
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.batch) || !has(self.batch.maxWait) || !has(self.timeout) || duration(self.batch.maxWait) < duration(self.timeout)",
    message = "inference.batch.maxWait must be shorter than inference.timeout: an event waiting that long for its batch would always time out",
    reason = "FieldValueInvalid")
public class InferenceSpec {
  @Default("64")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Most inference requests in flight per job task (each may carry a batch). When full, the job stops reading and lag grows instead of memory.")
  public Integer maxInFlight = 64;

  @JsonPropertyDescription("Micro-batching: events for the same model version gathered into one request.")
  public InferenceBatch batch;

  @Default("500ms")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("Time an event may wait for its answer, retries included; then its fallback result is written.")
  public String timeout = "500ms";

  @Default("2")
  @Min(0)
  @Max(10)
  @JsonPropertyDescription("Retries of a request failing with a transient error (connection refused, HTTP 429 or 5xx), with backoff.")
  public Integer retries = 2;

  @Default("'{\"decision\":\"review\"}'")
  @Size(min = 2, max = 4096)
  @JsonPropertyDescription("JSON result written, marked as a fallback, for an event whose answer did not come in time.")
  public String fallbackResult = "{\"decision\":\"review\"}";
}
