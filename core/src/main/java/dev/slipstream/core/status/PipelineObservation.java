package dev.slipstream.core.status;

import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.TopicStatus;
import java.util.List;

/**
 * Everything the pipeline reconciler learned in one pass, as data; the status is computed from it alone.
 *
 * @param problems spec problems the schema could not catch; non-empty means InvalidSpec
 * @param topics readiness of the Kafka topics
 * @param topicStatuses the topics as they exist on the broker (kept from before when Kafka is unreachable)
 * @param serving readiness of the serving layer (includes a missing or invalid ModelVersion)
 * @param flinkJob readiness of the Flink job
 * @param policy readiness of the referenced ShedPolicy (ready when none is referenced)
 * @param model {@code <ModelVersion>@<version>}, or null when the ModelVersion is unknown
 * @param endpoint inference endpoint, or null
 * @param flinkJobState the job state as the Flink operator reports it
 * @param consumerGroup the job's consumer group
 * @param consumerLag lag of that group, or null when unknown
 * @param rollout the rollout status decided in this pass, or null to keep the previous one
 * @param shed the pipeline's place on its ShedPolicy's ladder, or null without a ShedPolicy
 * @param shedReason the Degraded reason for the actions in force at that place (ScaledOut, DowngradedToFallback, LoadShed)
 * @param kafkaUnavailable Kafka could not be reached in this pass: the pipeline is Degraded, not Provisioning
 */
public record PipelineObservation(
    List<String> problems,
    Readiness topics,
    List<TopicStatus> topicStatuses,
    Readiness serving,
    Readiness flinkJob,
    Readiness policy,
    String model,
    String endpoint,
    String flinkJobState,
    String consumerGroup,
    Long consumerLag,
    RolloutStatus rollout,
    ShedStatus shed,
    String shedReason,
    boolean kafkaUnavailable) {

  public PipelineObservation(List<String> problems, Readiness topics, List<TopicStatus> topicStatuses, Readiness serving,
      Readiness flinkJob, Readiness policy, String model, String endpoint, String flinkJobState, String consumerGroup,
      Long consumerLag, RolloutStatus rollout, ShedStatus shed, String shedReason) {
    this(problems, topics, topicStatuses, serving, flinkJob, policy, model, endpoint, flinkJobState, consumerGroup,
        consumerLag, rollout, shed, shedReason, false);
  }

  /** An observation of a spec that cannot be applied: only the problems count. */
  public static PipelineObservation invalid(List<String> problems) {
    return new PipelineObservation(problems, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** What only says "being created": the operator's own parts on their way, nothing for a user to act on. */
  private static final java.util.Set<String> CREATING = java.util.Set.of("TopicsPending", "ServingPending", "JobPending",
      "ScalingPending", "RoutePending");
  /** An object the spec names, not there yet: a typo, or one applied in the same sync that has not arrived yet. */
  private static final java.util.Set<String> NAMED_MISSING = java.util.Set.of("ModelVersionNotFound", "ShedPolicyNotFound",
      "KafkaSecretNotFound");

  /** What a pipeline that is not ready waits for, as far as how soon a user must hear of it goes. */
  public enum Waiting {
    /** Only for parts the operator creates (topics, serving, the job, scaling, the route). */
    ONLY_CREATING,
    /** Also for an object the spec names that does not exist (yet), and for nothing a user must act on otherwise. */
    NAMED_OBJECTS,
    /** Anything else: a failure, an invalid spec, Kafka unreachable, a rollout under way. */
    OTHER
  }

  /**
   * What the pipeline waits for: {@link Waiting#ONLY_CREATING} with a valid spec, Kafka reachable, no rollout under
   * way and every part that is not ready pending for a part the operator creates; {@link Waiting#NAMED_OBJECTS} when
   * some part also waits for a ModelVersion, ShedPolicy or Secret the spec names; else {@link Waiting#OTHER}.
   */
  public Waiting waiting() {
    if (!problems.isEmpty() || kafkaUnavailable
        || rollout != null && dev.slipstream.core.rollout.RolloutPhase.of(rollout.phase).isActive()) {
      return Waiting.OTHER;
    }
    Waiting w = Waiting.ONLY_CREATING;
    for (Readiness r : java.util.List.of(topics, serving, flinkJob, policy)) {
      if (r.isReady()) {
        continue;
      }
      if (r.state() != Readiness.State.PENDING) {
        return Waiting.OTHER;
      }
      if (NAMED_MISSING.contains(r.reason())) {
        w = Waiting.NAMED_OBJECTS;
      } else if (!CREATING.contains(r.reason())) {
        return Waiting.OTHER;
      }
    }
    return w;
  }

  /** This observation, with Kafka found unreachable. */
  public PipelineObservation withKafkaUnavailable(boolean unavailable) {
    return new PipelineObservation(problems, topics, topicStatuses, serving, flinkJob, policy, model, endpoint,
        flinkJobState, consumerGroup, consumerLag, rollout, shed, shedReason, unavailable);
  }
}
