package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.topicManagement != 'strimzi' || has(self.strimziCluster)",
    message = "topicManagement strimzi needs strimziCluster: the name of the Kafka resource the KafkaTopics belong to",
    reason = "FieldValueRequired")
public class KafkaConnection {
  @Required
  @Size(min = 3, max = 2048)
  @Pattern("^[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}(,[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5})*$")
  @JsonPropertyDescription("Kafka bootstrap servers, host:port[,host:port...].")
  public String bootstrapServers;

  @JsonPropertyDescription("Secret whose keys are Kafka client properties (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.*). Used by the operator and mounted into the Flink job; its values are never copied into status, events or logs.")
  public ObjectReference clientSecretRef;

  @Default("admin")
  @JsonPropertyDescription("Who creates the topics: admin (the operator, with the Kafka AdminClient) or strimzi (KafkaTopic resources for the Strimzi topic operator).")
  public TopicManagement topicManagement = TopicManagement.ADMIN;

  @Size(min = 1, max = 63)
  @Pattern(ApiGroup.DNS_LABEL_PATTERN)
  @JsonPropertyDescription("strimzi only: the Strimzi Kafka cluster name (label strimzi.io/cluster on the KafkaTopics, so a DNS label).")
  public String strimziCluster;

  @Size(min = 1, max = 249)
  @Pattern("^[a-zA-Z0-9._-]+$")
  @JsonPropertyDescription("Consumer group of the Flink job. Default: slipstream.<namespace>.<pipeline>.")
  public String consumerGroup;

  public enum TopicManagement {
    @JsonProperty("admin") ADMIN,
    @JsonProperty("strimzi") STRIMZI
  }
}
