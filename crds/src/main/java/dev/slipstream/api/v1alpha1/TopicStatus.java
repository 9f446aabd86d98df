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
        && Objects.equals(message, t.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, role, partitions, replicationFactor, ready, message);
  }
}
