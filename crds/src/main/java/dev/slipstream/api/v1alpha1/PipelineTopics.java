package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.inputs.all(i, i.name != self.output.name)",
    message = "the output topic must not also be an input topic: the pipeline would read its own predictions",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.inputs.all(i, self.inputs.exists_one(j, j.name == i.name))",
    message = "input topic names must be unique",
    reason = "FieldValueDuplicate")
@ValidationRule(
    value = "!has(self.lateEvents) || (self.lateEvents.name != self.output.name && self.inputs.all(i, i.name != self.lateEvents.name))",
    message = "the late-events topic must differ from the input and output topics",
    reason = "FieldValueInvalid")
// Transition rule on this object, not on TopicSpec: inputs is a plain list, where oldSelf cannot correlate items.
@ValidationRule(
    value = "self.inputs.all(i, oldSelf.inputs.all(o, o.name != i.name || i.partitions >= o.partitions))"
        + " && (self.output.name != oldSelf.output.name || self.output.partitions >= oldSelf.output.partitions)"
        + " && (!has(self.lateEvents) || !has(oldSelf.lateEvents) || self.lateEvents.name != oldSelf.lateEvents.name"
        + " || self.lateEvents.partitions >= oldSelf.lateEvents.partitions)",
    message = "partitions may not decrease: Kafka cannot remove partitions from a topic",
    reason = "FieldValueForbidden")
public class PipelineTopics {
  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription("Topics the Flink job consumes events from.")
  public List<TopicSpec> inputs = new ArrayList<>();

  @Required
  @JsonPropertyDescription("Topic the predictions are written to.")
  public TopicSpec output;

  @JsonPropertyDescription("Topic for events later than the allowed lateness. Default: <output>.late, shaped like the output topic. Late events are never dropped silently.")
  public TopicSpec lateEvents;
}
