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

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.runtime != 'triton' || self.format in ['onnx', 'pytorch', 'tensorflow', 'tensorrt', 'xgboost', 'custom']",
    message = "runtime triton cannot serve this format: use onnx, pytorch, tensorflow, tensorrt, xgboost (FIL backend) or custom (python backend), or runtime kserve",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.runtime != 'triton' || self.storageUri.matches('^(s3|gs|pvc)://')",
    message = "runtime triton reads its model repository from s3://, gs:// or pvc:// storageUri only",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not be greater than maxReplicas",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.runtime != 'kserve' || !has(self.storage) || !has(self.storage.secretRef)",
    message = "storage.secretRef is for runtime triton: KServe reads storage credentials from the Secrets of"
        + " storage.serviceAccountName",
    reason = "FieldValueInvalid")
public class ModelVersionSpec {
  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the model as the serving runtime knows it (the {name} in /v2/models/{name}/infer).")
  public String modelName;

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("Version label of this artefact, for example 2 or 2024-11-01. Reported with every prediction.")
  public String version;

  @Required
  @JsonPropertyDescription("Serialisation format of the artefact: onnx, pytorch, tensorflow, tensorrt, sklearn, xgboost or custom.")
  public ModelFormat format;

  @Required
  @Size(min = 1, max = 2048)
  @Pattern("^(s3|gs|pvc|https?|oci|hf)://.+$")
  @JsonPropertyDescription("Where the artefact (or, for triton, the model repository) is stored: s3://, gs://, pvc://, http(s)://, oci:// or hf://.")
  public String storageUri;

  @Default("kserve")
  @JsonPropertyDescription("Serving layer: kserve (an InferenceService) or triton (a Deployment and Service of Triton Inference Server).")
  public ServingRuntime runtime = ServingRuntime.KSERVE;

  @Size(max = 253)
  @JsonPropertyDescription("kserve only: name of a ServingRuntime to use instead of KServe's automatic choice (needed for format custom).")
  public String servingRuntime;

  @Size(max = 512)
  @JsonPropertyDescription("triton only: the tritonserver image. Defaults to the operator's configured Triton image.")
  public String image;

  @JsonPropertyDescription("Compute resources of one serving replica.")
  public ModelResources resources = new ModelResources();

  @Default("1")
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription("Minimum number of serving replicas. 0 allows scale to zero (kserve only).")
  public Integer minReplicas = 1;

  @Default("1")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Maximum number of serving replicas.")
  public Integer maxReplicas = 1;

  @JsonPropertyDescription("Server-side request batching. Absent: no batching.")
  public Batching batching;

  @JsonPropertyDescription("Credentials for the storage at storageUri: a service account (kserve and triton) and/or a"
      + " Secret (triton). Absent: the serving pods run as the namespace's default service account.")
  public ModelStorage storage;
}
