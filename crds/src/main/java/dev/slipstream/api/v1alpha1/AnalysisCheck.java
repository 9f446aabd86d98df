package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One check of a rollout: when, at which phase and weight, what every metric measured and the verdict. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisCheck {
  @JsonPropertyDescription("When the check ran.")
  public String at;

  @JsonPropertyDescription("The rollout's phase then: Replaying, Shadowing, Canary or AwaitingApproval.")
  public String phase;

  @JsonPropertyDescription("The candidate's share of real traffic (percent) during the check.")
  public Integer weight;

  @JsonPropertyDescription("The check's verdict over its metrics: Pass, Fail or NoData (before the noData policy and the failure threshold apply).")
  public String verdict;

  @JsonPropertyDescription("Each metric: measured value, threshold, verdict and the check in words.")
  public List<AnalysisResult> results = new ArrayList<>();

  public AnalysisCheck() {}

  public AnalysisCheck(String at, String phase, Integer weight, String verdict, List<AnalysisResult> results) {
    this.at = at;
    this.phase = phase;
    this.weight = weight;
    this.verdict = verdict;
    this.results = new ArrayList<>(results);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnalysisCheck c && Objects.equals(at, c.at) && Objects.equals(phase, c.phase)
        && Objects.equals(weight, c.weight) && Objects.equals(verdict, c.verdict) && Objects.equals(results, c.results);
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, phase, weight, verdict);
  }
}
