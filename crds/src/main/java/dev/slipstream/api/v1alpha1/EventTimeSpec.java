package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class EventTimeSpec {
  @Default("5s")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("How far out of order events may arrive; the watermark trails the largest event time by this much.")
  public String maxOutOfOrderness = "5s";

  @Default("1m")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("How long after a window closes a late event still updates it. Later events go to the late-events topic.")
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
