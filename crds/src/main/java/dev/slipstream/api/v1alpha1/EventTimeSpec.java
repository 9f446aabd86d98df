package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.allowedLateness) || duration(self.allowedLateness) <= duration('168h')",
    message = "allowedLateness may be at most 168h (7 days): every window's state is kept that long; correct older events with a batch backfill",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.maxOutOfOrderness) || duration(self.maxOutOfOrderness) <= duration('24h')",
    message = "maxOutOfOrderness may be at most 24h: every result waits that long for the watermark",
    reason = "FieldValueInvalid")
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.idleTimeout) || (duration(self.idleTimeout) >= duration('1s') && duration(self.idleTimeout) <= duration('24h'))",
    message = "idleTimeout must be between 1s and 24h: shorter marks busy partitions idle, longer holds the watermark back for a day",
    reason = "FieldValueInvalid")
public class EventTimeSpec {
  @Default("5s")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("How far out of order events may arrive; the watermark trails the largest event time by this much. At most 24h.")
  public String maxOutOfOrderness = "5s";

  @Default("1m")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("How long after a window closes a late event still updates it. Later events go to the late-events topic. At most 168h.")
  public String allowedLateness = "1m";

  @Default("30s")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("A partition with no events for this long stops holding back the watermark.")
  public String idleTimeout = "30s";

  @Default("timestamp")
  @Size(min = 1, max = 128)
  @JsonPropertyDescription("Field of the event (JSON) holding its event time in epoch milliseconds or ISO-8601.")
  public String timestampField = "timestamp";
}
