package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;
import java.util.TreeMap;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.name != '.' && self.name != '..'",
    message = "topic name may not be '.' or '..'",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!self.name.startsWith('__')",
    message = "topic names starting with __ are Kafka's own (__consumer_offsets, __transaction_state); Slipstream does not manage them",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.config) || self.config.all(k, k.matches('^[a-z0-9]+(\\\\.[a-z0-9]+)*$'))",
    message = "topic config keys are Kafka topic-level names such as retention.ms or cleanup.policy",
    reason = "FieldValueInvalid")
public class TopicSpec {
  @Required
  @Pattern(ApiGroup.TOPIC_NAME_PATTERN)
  @JsonPropertyDescription("Kafka topic name: letters, digits, '.', '_' and '-', at most 249 characters.")
  public String name;

  @Default("3")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Number of partitions. May be raised later, never lowered.")
  public Integer partitions = 3;

  @Default("1")
  @Min(1)
  @Max(32)
  @JsonPropertyDescription("Replication factor, set when the topic is created.")
  public Integer replicationFactor = 1;

  @Size(max = 64)
  @JsonPropertyDescription("Topic-level configs kept at these values, for example retention.ms: \"604800000\". Configs not named here are left as they are.")
  public Map<String, String> config = new TreeMap<>();

  public TopicSpec() {}

  public TopicSpec(String name, int partitions, int replicationFactor) {
    this.name = name;
    this.partitions = partitions;
    this.replicationFactor = replicationFactor;
  }
}
