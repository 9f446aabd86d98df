package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.gpuProduct) || self.gpu > 0",
    message = "gpuProduct is set but gpu is 0: ask for at least one GPU or remove gpuProduct",
    reason = "FieldValueInvalid")
public class ModelResources {
  @Default("1")
  @Pattern(ApiGroup.QUANTITY_PATTERN)
  @JsonPropertyDescription("CPU of one replica, requested and limited, as a Kubernetes quantity (500m, 2).")
  public String cpu = "1";

  @Default("2Gi")
  @Pattern(ApiGroup.QUANTITY_PATTERN)
  @JsonPropertyDescription("Memory of one replica, requested and limited, as a Kubernetes quantity (512Mi, 4Gi).")
  public String memory = "2Gi";

  @Default("0")
  @Min(0)
  @Max(16)
  @JsonPropertyDescription("NVIDIA GPUs of one replica (resource nvidia.com/gpu).")
  public Integer gpu = 0;

  @Size(min = 1, max = 63)
  @JsonPropertyDescription("GPU product to schedule on, as the node label nvidia.com/gpu.product (for example NVIDIA-A10G).")
  public String gpuProduct;

  @JsonPropertyDescription("Tolerations for the serving pods, for example for tainted GPU nodes.")
  public List<Toleration> tolerations = new ArrayList<>();
}
