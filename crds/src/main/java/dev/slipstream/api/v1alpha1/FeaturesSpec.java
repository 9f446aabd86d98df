package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The features the job computes per event before calling the model. The same definitions run over a
 * recorded time range of the input topic to produce the training set, so training and serving see the
 * same numbers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.definitions) || self.definitions.all(d, self.definitions.exists_one(e, e.name == d.name))",
    message = "feature names must be unique",
    reason = "FieldValueDuplicate")
public class FeaturesSpec {
  @Size(min = 1, max = 128)
  @Pattern("^[A-Za-z_][A-Za-z0-9_.-]*$")
  @JsonPropertyDescription("Field of the event (JSON) whose value groups events, for example cardId. Default: the Kafka record key.")
  public String keyField;

  @Default("id")
  @Size(min = 1, max = 128)
  @Pattern("^[A-Za-z_][A-Za-z0-9_.-]*$")
  @JsonPropertyDescription("Field of the event holding its id, carried to the output. Events without it are named by topic, partition and offset.")
  public String idField = "id";

  @Size(max = 64)
  @JsonPropertyDescription("The features, in the order the model receives them.")
  public List<FeatureDefinition> definitions = new ArrayList<>();

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "self.aggregate == 'count' || has(self.field)",
      message = "every aggregate but count needs a field",
      reason = "FieldValueRequired")
  public static class FeatureDefinition {
    @io.fabric8.generator.annotation.Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z][a-z0-9_]*$")
    @JsonPropertyDescription("Name of the feature, for example txn_count_1m.")
    public String name;

    @io.fabric8.generator.annotation.Required
    @JsonPropertyDescription("How events of the key in the window are combined: count, sum, min, max, mean or distinctCount.")
    public Aggregate aggregate;

    @Size(min = 1, max = 128)
    @Pattern("^[A-Za-z_][A-Za-z0-9_.-]*$")
    @JsonPropertyDescription("Field of the event aggregated (numbers; any value for distinctCount).")
    public String field;

    @Default("sliding")
    @JsonPropertyDescription("sliding: the size before each event, the event included; tumbling: from the start of the fixed window holding the event up to the event.")
    public WindowType window = WindowType.sliding;

    @io.fabric8.generator.annotation.Required
    @Pattern(ApiGroup.DURATION_PATTERN)
    @JsonPropertyDescription("Length of the window in event time, for example 1m or 1h.")
    public String size;
  }

  public enum Aggregate {
    count, sum, min, max, mean, distinctCount
  }

  public enum WindowType {
    sliding, tumbling
  }
}
