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

  /** This observation, with Kafka found unreachable. */
  public PipelineObservation withKafkaUnavailable(boolean unavailable) {
    return new PipelineObservation(problems, topics, topicStatuses, serving, flinkJob, policy, model, endpoint,
        flinkJobState, consumerGroup, consumerLag, rollout, shed, shedReason, unavailable);
  }
}
