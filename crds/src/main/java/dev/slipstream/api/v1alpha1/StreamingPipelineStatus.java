package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class StreamingPipelineStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("One word for kubectl: Pending, Provisioning, Ready, Degraded or Failed.")
  public String phase;

  @JsonPropertyDescription("TopicsReady, ServingReady, FlinkJobReady and Ready (all three true).")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The serving ModelVersion as <name>@<version>.")
  public String model;

  @JsonPropertyDescription("Inference endpoint (Open Inference Protocol v2 base URL) the Flink job calls.")
  public String endpoint;

  @JsonPropertyDescription("Consumer lag of the pipeline's consumer group, in messages summed over the input partitions; absent when unknown.")
  public Long consumerLag;

  @JsonPropertyDescription("The consumer group the Flink job commits offsets under.")
  public String consumerGroup;

  @JsonPropertyDescription("The topics as they exist on the broker.")
  public List<TopicStatus> topics = new ArrayList<>();

  @JsonPropertyDescription("State of the Flink job as its operator reports it (RUNNING, FAILED, ...).")
  public String flinkJobState;

  @JsonPropertyDescription("The rollout of a new ModelVersion: phase, weight, step and the checks that decided it.")
  public RolloutStatus rollout;

  @JsonPropertyDescription("The pipeline's place on its ShedPolicy's degradation ladder; absent without a ShedPolicy.")
  public ShedStatus shed;

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamingPipelineStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(phase, s.phase)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(model, s.model)
        && Objects.equals(endpoint, s.endpoint)
        && Objects.equals(consumerLag, s.consumerLag)
        && Objects.equals(consumerGroup, s.consumerGroup)
        && Objects.equals(topics, s.topics)
        && Objects.equals(flinkJobState, s.flinkJobState)
        && Objects.equals(rollout, s.rollout)
        && Objects.equals(shed, s.shed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, phase, conditions, model, endpoint, consumerLag, topics);
  }
}
