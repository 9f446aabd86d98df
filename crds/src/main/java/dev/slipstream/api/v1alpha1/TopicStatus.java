package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TopicStatus {
  @JsonPropertyDescription("Topic name.")
  public String name;

  @JsonPropertyDescription("input, output or late-events.")
  public String role;

  @JsonPropertyDescription("Partitions on the broker; absent when the topic does not exist.")
  public Integer partitions;

  @JsonPropertyDescription("Replication factor on the broker.")
  public Integer replicationFactor;

  @JsonPropertyDescription("True when the topic exists with the declared partitions and configs.")
  public Boolean ready;

  @JsonPropertyDescription("Why the topic is not as declared.")
  public String message;

  @JsonPropertyDescription("The topic's id on the broker when last seen: a topic deleted and recreated under the same name has another.")
  public String topicId;

  @JsonPropertyDescription("True when Slipstream created this topic (this id); deletionPolicy Delete removes only such topics.")
  public Boolean created;

  @JsonPropertyDescription("True when the topic was deleted or replaced outside the pipeline; topicId is the lost one.")
  public Boolean lost;

  public TopicStatus() {}

  public TopicStatus(String name, String role, Integer partitions, Integer replicationFactor, boolean ready, String message) {
    this.name = name;
    this.role = role;
    this.partitions = partitions;
    this.replicationFactor = replicationFactor;
    this.ready = ready;
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicStatus t
        && Objects.equals(name, t.name)
        && Objects.equals(role, t.role)
        && Objects.equals(partitions, t.partitions)
        && Objects.equals(replicationFactor, t.replicationFactor)
        && Objects.equals(ready, t.ready)
        && Objects.equals(message, t.message)
        && Objects.equals(topicId, t.topicId)
        && Objects.equals(created, t.created)
        && Objects.equals(lost, t.lost);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, role, partitions, replicationFactor, ready, message, topicId, created, lost);
  }
}
