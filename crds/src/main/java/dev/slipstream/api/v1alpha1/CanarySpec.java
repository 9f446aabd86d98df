package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.interval) || (duration(self.interval) >= duration('5s') && duration(self.interval) <= duration('1h'))",
    message = "canary.interval must be between 5s and 1h: a shorter check sees too few events to judge a version, a longer one leaves a bad version serving for hours",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.approvals) || self.approvals.all(a, a in self.steps)",
    message = "every weight in canary.approvals must be one of canary.steps: an approval holds the canary before it moves to that step",
    reason = "FieldValueInvalid")
public class CanarySpec {
  @Size(min = 1, max = 20)
  @JsonPropertyDescription("Traffic weights (percent) given to the candidate, in order; one step per passing check. Default [5, 25, 50, 100].")
  public List<@Min(1) @Max(100) Integer> steps = new ArrayList<>(List.of(5, 25, 50, 100));

  @Default("60s")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("Time between checks: each step lasts one interval with a passing check (5s to 1h).")
  public String interval = "60s";

  @Default("100")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Largest weight the candidate gets before promotion; steps above it are skipped.")
  public Integer maxWeight = 100;

  @Size(max = 20)
  @JsonPropertyDescription("Steps (by weight, each one of steps) the canary moves to only once a person approves: it holds at the step before, still checked, in phase AwaitingApproval, until the annotation slipstream.dev/rollout takes a new approve value (kubectl slipstream approve). Default none.")
  public List<@Min(1) @Max(100) Integer> approvals;
}
