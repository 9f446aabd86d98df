package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Progressive delivery of a new ModelVersion: optional shadow, canary steps, analysis and automatic rollback. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.progressDeadline) || (duration(self.progressDeadline) >= duration('10s') && duration(self.progressDeadline) <= duration('24h'))",
    message = "progressDeadline must be between 10s and 24h: a rollout must have time for one check, and a stuck one must not hold the pipeline for days",
    reason = "FieldValueInvalid")
public class RolloutSpec {
  /** Where a canary's traffic is split between the stable version and the candidate. */
  public enum Split {
    /** By the serving layer, per request: KServe's canaryTrafficPercent, or a Gateway API HTTPRoute for Triton. */
    request,
    /** By the job, per key: each key's bucket decides its version; the candidate has serving of its own. */
    key
  }

  @Default("false")
  @JsonPropertyDescription("Hold any rollout at its current step: no advance, no promotion, no failure counting.")
  public Boolean paused = false;

  @JsonPropertyDescription("Replay before exposure: before any shadow or canary, the candidate scores the retained input of a recent window (its own job and consumer group, writing to <output>.replay) and its decisions are compared, event by event, with those the stable version made for the same events live. A failing replay rolls the candidate back (reason ReplayFailed) before it sees one live event.")
  public ReplaySpec replay;

  @JsonPropertyDescription("Run the candidate in shadow first: its own Flink job and consumer group on the real input, writing to a shadow topic, before it gets real traffic.")
  public ShadowSpec shadow;

  @JsonPropertyDescription("How a canary's traffic is split. key: by the job, per event key (a stable hash into 10,000 buckets; the weight is the share of buckets), so a key stays on its version as the weight grows; the candidate gets serving of its own and the weights reach the running job through the control ConfigMap, with no Knative, no mesh and no job restart. request: by the serving layer, per request (KServe's canaryTrafficPercent in Serverless mode, or a Gateway API HTTPRoute for Triton, which needs a mesh). Unset: key when the job is the reference job (spec.flink.entryClass unset or dev.slipstream.job.ScoringJob), which follows the control ConfigMap; request otherwise. Under key the candidate has serving of its own: an InferenceService (kserve) or a Deployment and Service (triton).")
  public Split split;

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
