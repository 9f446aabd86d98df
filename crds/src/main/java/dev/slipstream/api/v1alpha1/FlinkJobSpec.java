package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.flinkConfiguration) || self.flinkConfiguration.all(k, !(k in [" + FlinkJobSpec.SPEC_OWNED_KEYS + "]) && !k.startsWith('kubernetes.pod-template-file'))",
    message = "flinkConfiguration may not set what the spec or the operator owns: the image (spec.flink.image), service accounts (spec.flink.serviceAccount), parallelism.default (spec.flink.parallelism), pipeline.jars (spec.flink.jarURI), memory and CPU (spec.flink.jobManager/taskManager) or kubernetes.pod-template-file*",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.flinkConfiguration) || self.flinkConfiguration.all(k, !k.startsWith('slipstream.'))",
    message = "flinkConfiguration keys starting with slipstream. are reserved for the job contract the operator writes",
    reason = "FieldValueForbidden")
public class FlinkJobSpec {
  /** Flink configuration keys set from the spec's own fields, as a CEL list's elements. */
  public static final String SPEC_OWNED_KEYS = "'kubernetes.container.image', 'kubernetes.container.image.ref', "
      + "'kubernetes.service-account', 'kubernetes.jobmanager.service-account', 'kubernetes.taskmanager.service-account', "
      + "'parallelism.default', 'pipeline.jars', 'jobmanager.memory.process.size', 'taskmanager.memory.process.size', "
      + "'kubernetes.jobmanager.cpu', 'kubernetes.jobmanager.cpu.amount', 'kubernetes.taskmanager.cpu', "
      + "'kubernetes.taskmanager.cpu.amount'";

  @Required
  @Size(min = 1, max = 512)
  @JsonPropertyDescription("Container image holding Flink and the job jar.")
  public String image;

  @Required
  @Size(min = 1, max = 2048)
  @Pattern("^(local|file|https?|s3|s3a|gs|abfss?)://.+$")
  @JsonPropertyDescription("URI of the job jar, for example local:///opt/flink/usrlib/job.jar.")
  public String jarURI;

  @Size(max = 512)
  @Pattern("^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*$")
  @JsonPropertyDescription("Main class of the job, when the jar's manifest does not name one.")
  public String entryClass;

  @Size(max = 64)
  @JsonPropertyDescription("Program arguments of the job.")
  public List<String> args = new ArrayList<>();

  @Default("2")
  @Min(1)
  @Max(1024)
  @JsonPropertyDescription("Parallelism of the job.")
  public Integer parallelism = 2;

  @Default("v2_2")
  @JsonPropertyDescription("Flink version of the image, as the Flink Kubernetes Operator names it.")
  public FlinkVersion flinkVersion = FlinkVersion.v2_2;

  @Default("savepoint")
  @JsonPropertyDescription("How the Flink Kubernetes Operator carries state across job upgrades: savepoint, last-state or stateless.")
  public UpgradeMode upgradeMode = UpgradeMode.SAVEPOINT;

  @Default("flink")
  @Size(min = 1, max = 253)
  @Pattern(ApiGroup.OBJECT_NAME_PATTERN)
  @JsonPropertyDescription("Service account of the Flink pods.")
  public String serviceAccount = "flink";

  @JsonPropertyDescription("Resources of the job manager.")
  public ProcessResources jobManager = new ProcessResources("1", "1600m");

  @JsonPropertyDescription("Resources of each task manager.")
  public ProcessResources taskManager = new ProcessResources("1", "2048m");

  @Default("exactly-once")
  @JsonPropertyDescription("exactly-once: outputs are written in Kafka transactions committed at each checkpoint, so readers with isolation.level=read_committed see every event's result once, after the checkpoint (execution.checkpointing.interval, 10s unless set) commits it. at-least-once: results are visible at once, and a restart may write some again (same eventId).")
  public DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;

  @JsonPropertyDescription("Event-time handling: out-of-order and late events.")
  public EventTimeSpec eventTime = new EventTimeSpec();

  @Size(max = 128)
  @JsonPropertyDescription("Further Flink configuration. Keys starting with slipstream. are reserved for the job contract; keys the spec sets from its own fields (image, service account, parallelism, jar, memory, CPU, pod template) are refused.")
  public Map<String, String> flinkConfiguration = new TreeMap<>();

  public enum FlinkVersion {
    v1_18, v1_19, v1_20, v2_0, v2_1, v2_2
  }

  public enum DeliveryGuarantee {
    @JsonProperty("exactly-once") EXACTLY_ONCE,
    @JsonProperty("at-least-once") AT_LEAST_ONCE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  public enum UpgradeMode {
    @JsonProperty("savepoint") SAVEPOINT,
    @JsonProperty("last-state") LAST_STATE,
    @JsonProperty("stateless") STATELESS;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ProcessResources {
    @Default("1")
    @Min(0.1)
    @Max(64)
    @JsonPropertyDescription("CPU cores.")
    public Double cpu;

    @Pattern("^[0-9]+(m|g|Mi|Gi)$")
    @JsonPropertyDescription("Memory in Flink's notation, for example 2048m or 2g.")
    public String memory;

    public ProcessResources() {
      this("1", "2048m");
    }

    public ProcessResources(String cpu, String memory) {
      this.cpu = Double.valueOf(cpu);
      this.memory = memory;
    }
  }
}
