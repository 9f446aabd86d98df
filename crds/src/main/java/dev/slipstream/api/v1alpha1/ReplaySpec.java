package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Replay before exposure: the candidate scores the retained input of a recent window at the speed it can take, and its
 * decisions are compared with those the stable version made for the same events, before it sees one live event.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.window) || has(self.maxEvents)",
    message = "replay needs a window, a maxEvents, or both: which retained events to replay",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "!has(self.window) || (duration(self.window) >= duration('10s') && duration(self.window) <= duration('168h'))",
    message = "replay.window must be between 10s and 168h",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.deadline) || (duration(self.deadline) >= duration('30s') && duration(self.deadline) <= duration('24h'))",
    message = "replay.deadline must be between 30s and 24h",
    reason = "FieldValueInvalid")
public class ReplaySpec {
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("Replay the input retained over this last stretch of time (by record timestamp), e.g. 10m.")
  public String window;

  @Min(1)
  @Max(10000000)
  @JsonPropertyDescription("Replay at most this many events: the newest of the window (or of the retained input without one).")
  public Long maxEvents;

  @Default("99")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("At least this share (percent) of the replayed events must get the decision the stable version made for them live (scores within scoreTolerance; fallbacks are not decisions).")
  public Double minAgreementPercent = 99.0;

  @Default("0.05")
  @Min(0)
  @JsonPropertyDescription("Two scores agree when they differ by at most this much; results without a score agree when equal.")
  public Double scoreTolerance = 0.05;

  @Min(1)
  @Max(3600000)
  @JsonPropertyDescription("Largest acceptable p99 of the candidate's answer time under replay load, in milliseconds. Default: spec.serving.slo.p99LatencyMs.")
  public Integer p99LatencyMs;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Largest acceptable share of replayed events that fell back (timeouts, errors), in percent. Default: spec.serving.slo.maxErrorRatePercent.")
  public Double maxErrorRatePercent;

  @Default("10m")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("A replay without a verdict this long after it started fails the rollout (time paused while the pipeline is degraded does not count).")
  public String deadline = "10m";

  @Default("8")
  @Min(1)
  @Max(1024)
  @JsonPropertyDescription("Requests the replay job keeps in flight to the candidate, per task: its own bound, so that it never starves the live pipeline.")
  public Integer maxInFlight = 8;

  @Default("1")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Parallelism of the replay job.")
  public Integer parallelism = 1;
}
