package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How the job gathers events into one request to the model: never more than maxSize, never waiting past maxWait. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.maxWait) || duration(self.maxWait) <= duration('1s')",
    message = "batch.maxWait may be at most 1s: every event in a batch waits up to this long before it is sent",
    reason = "FieldValueInvalid")
public class InferenceBatch {
  @Min(1)
  @Max(4096)
  @JsonPropertyDescription("Most events in one request to the model (a V2 tensor with the batch as its first dimension). Default: the ModelVersion's batching.maxBatchSize, or 1 (no batching) for a model that declares none.")
  public Integer maxSize;

  @Default("5ms")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("Longest an event waits for its batch to fill before the batch is sent (0s: never waits; batches then form only while every request slot is taken).")
  public String maxWait = "5ms";
}
