package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Progressive delivery of a new ModelVersion: optional shadow, canary steps, analysis and automatic rollback. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {
  @Default("false")
  @JsonPropertyDescription("Hold any rollout at its current step: no advance, no promotion, no failure counting.")
  public Boolean paused = false;

  @JsonPropertyDescription("Run the candidate in shadow first: its own Flink job and consumer group on the real input, writing to a shadow topic, before it gets real traffic.")
  public ShadowSpec shadow;

  @JsonPropertyDescription("The canary: real traffic shifted to the candidate in steps, each checked against the SLOs.")
  public CanarySpec canary = new CanarySpec();

  @JsonPropertyDescription("How the SLO checks of a rollout are judged.")
  public AnalysisSpec analysis = new AnalysisSpec();

  @Default("600s")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("A rollout that makes no progress (no step advanced, candidate not ready) for this long is rolled back.")
  public String progressDeadline = "600s";

  @Default("1")
  @Min(0)
  @Max(5)
  @JsonPropertyDescription("How many previous versions stay deployed (scaled to their minimum) for an instant rollback: Triton keeps their Deployments beside the route; KServe keeps its last rolled-out revision, so only 0 or 1 apply there.")
  public Integer warmVersions = 1;
}
