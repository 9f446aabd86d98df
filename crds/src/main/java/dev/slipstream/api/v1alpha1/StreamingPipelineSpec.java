package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
@io.fabric8.generator.annotation.ValidationRule(
    value = "!has(self.notifications) || self.notifications.all(a, self.notifications.exists_one(b, b.name == a.name))",
    message = "spec.notifications[].name must be unique in the pipeline: it names the sink in the delivery metric",
    reason = "FieldValueDuplicate")
public class StreamingPipelineSpec {
  @Required
  @JsonPropertyDescription("How to reach the Kafka cluster and how its topics are managed.")
  public KafkaConnection kafka;

  @Required
  @JsonPropertyDescription("The topics this pipeline reads and writes; created and kept at the declared shape.")
  public PipelineTopics topics;

  @Required
  @JsonPropertyDescription("The Flink job that computes features and calls the model (a FlinkDeployment).")
  public FlinkJobSpec flink;

  @Required
  @JsonPropertyDescription("Which ModelVersion serves predictions, and the service levels it must hold.")
  public ServingSpec serving;

  @JsonPropertyDescription("Features computed per event by the job over event-time windows, the same in serving and training.")
  public FeaturesSpec features;

  @JsonPropertyDescription("How the job calls the model: requests in flight, timeout, retries, fallback result.")
  public InferenceSpec inference = new InferenceSpec();

  @JsonPropertyDescription("Progressive delivery of a new ModelVersion: shadow, canary and automatic rollback.")
  public RolloutSpec rollout;

  @io.fabric8.generator.annotation.Size(max = 5)
  @JsonPropertyDescription("HTTP endpoints told, in the background and with retries, about rollout phase changes, failed checks, rollbacks, promotions and shed level changes: the same decisions as the Warning and Normal Events, at most 5 sinks.")
  public java.util.List<NotificationSink> notifications;

  @Default("Retain")
  @JsonPropertyDescription("What happens to the Kafka topics when this pipeline is deleted: Retain (default) keeps them and their data; Delete removes only the topics Slipstream created (status.topics[].created) and that no other pipeline declares.")
  public DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

  @Default("Report")
  @JsonPropertyDescription("A topic deleted or replaced outside the pipeline while it runs: Report (default) sets TopicsReady=False with reason TopicLost and recreates nothing; Recreate creates it again, empty (or accepts the replacement), with a Warning Event.")
  public LostTopicPolicy lostTopicPolicy = LostTopicPolicy.Report;

  public enum LostTopicPolicy {
    Report,
    Recreate
  }

  public enum DeletionPolicy {
    Retain,
    Delete
  }
}
