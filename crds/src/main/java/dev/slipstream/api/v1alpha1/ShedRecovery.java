package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.cooldown) || (duration(self.cooldown) <= duration('24h'))",
    message = "cooldown may be at most 24h: a pipeline must be able to leave a shed level within a day",
    reason = "FieldValueInvalid")
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.window) || (duration(self.window) <= duration('24h'))",
    message = "window may be at most 24h",
    reason = "FieldValueInvalid")
public class ShedRecovery {
  @Default("5m")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("Every trigger of the current level must stay clear this long before stepping back one level.")
  public String cooldown = "5m";

  @Default("4")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Most level changes allowed within one window, against flapping.")
  public Integer maxChangesPerWindow = 4;

  @Default("30m")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("The window maxChangesPerWindow counts over.")
  public String window = "30m";
}
