package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.duration) || (duration(self.duration) >= duration('10s') && duration(self.duration) <= duration('168h'))",
    message = "shadow.duration must be between 10s and 168h: long enough to compare predictions, short enough that a shadow ends",
    reason = "FieldValueInvalid")
public class ShadowSpec {
  @Default("5m")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("How long the candidate runs in shadow, with every check passing, before the canary starts.")
  public String duration = "5m";

  @Default("true")
  @JsonPropertyDescription("true: failing shadow checks roll the candidate back. false: they are reported, and the canary starts after the duration anyway.")
  public Boolean mustPass = true;

  @Pattern(ApiGroup.TOPIC_NAME_PATTERN)
  @JsonPropertyDescription("Topic the shadow job writes to. Default: <output>.shadow. Real outputs are never written by the shadow.")
  public String outputTopic;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("When set, at least this share (percent) of sampled records must get the same prediction from the candidate as from the stable version: the latest agreementSample records of the output and the shadow topic are matched by eventId (fallbacks left out).")
  public Double minAgreementPercent;

  @Default("0.05")
  @Min(0)
  @JsonPropertyDescription("Two scores agree when they differ by at most this much; results without a score agree when equal.")
  public Double scoreTolerance = 0.05;

  @Default("1000")
  @Min(10)
  @Max(100000)
  @JsonPropertyDescription("How many of the latest records of each topic the agreement check reads.")
  public Integer agreementSample = 1000;
}
