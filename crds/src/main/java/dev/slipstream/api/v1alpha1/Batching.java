package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.maxQueueDelay) || (duration(self.maxQueueDelay) <= duration('1s'))",
    message = "maxQueueDelay may be at most 1s: a request waiting longer for a batch is slower than the events it batches",
    reason = "FieldValueInvalid")
public class Batching {
  @Default("32")
  @Min(1)
  @Max(4096)
  @JsonPropertyDescription("Largest batch the server forms from queued requests.")
  public Integer maxBatchSize = 32;

  @Default("5ms")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("Longest time a request waits in the server's queue for a batch to fill (5ms, 100ms).")
  public String maxQueueDelay = "5ms";
}
