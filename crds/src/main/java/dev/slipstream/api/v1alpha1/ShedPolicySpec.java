package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.levels.all(l, self.levels.exists_one(m, m.name == l.name))",
    message = "level names must be unique",
    reason = "FieldValueDuplicate")
@ValidationRule(
    value = "!has(self.evaluationInterval) || (duration(self.evaluationInterval) >= duration('1s') && duration(self.evaluationInterval) <= duration('10m'))",
    message = "evaluationInterval must be between 1s and 10m: each evaluation reads every pipeline's lag from Kafka, and a saturated pipeline must not wait longer than that to shed",
    reason = "FieldValueInvalid")
public class ShedPolicySpec {
  @Default("15s")
  @Pattern(ApiGroup.DURATION_PATTERN)
  @JsonPropertyDescription("How often the triggers are evaluated for each pipeline (1s to 10m).")
  public String evaluationInterval = "15s";

  @Required
  @Size(min = 1, max = 8)
  @JsonPropertyDescription("Degradation levels, mildest first. A pipeline enters level n+1 only from level n, and steps back one level at a time.")
  public List<ShedLevel> levels = new ArrayList<>();

  @JsonPropertyDescription("How the pipeline comes back up the ladder.")
  public ShedRecovery recovery = new ShedRecovery();
}
