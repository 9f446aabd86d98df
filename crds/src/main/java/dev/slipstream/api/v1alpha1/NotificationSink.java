package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * An HTTP endpoint told about the pipeline's rollouts and shed levels. Its URL is held in a Secret (a webhook URL is
 * a credential), never in the spec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationSink {
  @Required
  @Size(min = 1, max = 63)
  @Pattern(ApiGroup.DNS_LABEL_PATTERN)
  @JsonPropertyDescription("A name for this sink, unique in the pipeline; it labels the delivery metric.")
  public String name;

  @Required
  @JsonPropertyDescription("The Secret, in the pipeline's namespace, whose key url holds the endpoint (http or https).")
  public ObjectReference urlSecretRef;

  @Default("CloudEvents")
  @JsonPropertyDescription("CloudEvents (default): CloudEvents 1.0 structured JSON; Slack: an incoming-webhook message {\"text\": ...}.")
  public Format format = Format.CloudEvents;

  public enum Format {
    CloudEvents,
    Slack
  }
}
