package dev.slipstream.core.validation;

import dev.slipstream.api.v1alpha1.ModelFormat;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.core.model.OperatorDefaults;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A ModelVersion's consistency, the same rules as the CRD's CEL, for clusters that do not evaluate CEL. */
public final class ModelVersionValidator {
  private static final java.util.regex.Pattern STORAGE_URI = java.util.regex.Pattern.compile("^(s3|gs|pvc)://.+");

  static final Set<ModelFormat> TRITON_FORMATS = EnumSet.of(
      ModelFormat.ONNX, ModelFormat.PYTORCH, ModelFormat.TENSORFLOW, ModelFormat.TENSORRT,
      ModelFormat.XGBOOST, ModelFormat.CUSTOM);

  private ModelVersionValidator() {}

  /** The longest ModelVersion name: it is the value of the label slipstream.dev/model-version on what serves it. */
  public static final int MAX_NAME = 63;

  public static List<String> validate(ModelVersion model) {
    return validate(model, OperatorDefaults.ResourceCeiling.STANDARD);
  }

  /** @param ceiling the most one replica may ask for (the operator's --max-model-* settings) */
  public static List<String> validate(ModelVersion model, OperatorDefaults.ResourceCeiling ceiling) {
    List<String> problems = new ArrayList<>();
    String name = model.getMetadata() == null ? null : model.getMetadata().getName();
    if (name != null && name.length() > MAX_NAME) {
      problems.add("metadata.name is " + name.length() + " characters; a ModelVersion's name is the value of the label "
          + "slipstream.dev/model-version on what serves it, which Kubernetes limits to " + MAX_NAME);
    }
    var spec = model.getSpec();
    if (spec == null || PipelineValidator.blank(spec.modelName) || PipelineValidator.blank(spec.version)
        || spec.format == null || PipelineValidator.blank(spec.storageUri)) {
      problems.add("spec.modelName, spec.version, spec.format and spec.storageUri are required");
      return problems;
    }
    if (spec.runtime == ServingRuntime.TRITON) {
      if (!TRITON_FORMATS.contains(spec.format)) {
        problems.add("spec.format " + spec.format.wireName() + " cannot be served by runtime triton; use runtime kserve");
      }
      if (!STORAGE_URI.matcher(spec.storageUri).matches()) {
        problems.add("spec.storageUri must be s3://, gs:// or pvc:// for runtime triton");
      }
    }
    if (spec.format == ModelFormat.CUSTOM && spec.runtime == ServingRuntime.KSERVE && spec.servingRuntime == null) {
      problems.add("spec.servingRuntime is required for format custom on kserve: name the ServingRuntime that serves it");
    }
    if (spec.minReplicas != null && spec.maxReplicas != null && spec.minReplicas > spec.maxReplicas) {
      problems.add("spec.minReplicas (" + spec.minReplicas + ") must not exceed spec.maxReplicas (" + spec.maxReplicas + ")");
    }
    if (spec.runtime != ServingRuntime.TRITON && spec.storage != null && spec.storage.secretRef != null) {
      problems.add("spec.storage.secretRef is for runtime triton: KServe reads storage credentials from the Secrets of"
          + " spec.storage.serviceAccountName");
    }
    if (spec.minReplicas != null && spec.minReplicas == 0 && spec.runtime == ServingRuntime.TRITON) {
      problems.add("spec.minReplicas 0 (scale to zero) needs runtime kserve; a Triton Deployment keeps at least 1");
    }
    if (spec.resources != null && spec.resources.gpuProduct != null && (spec.resources.gpu == null || spec.resources.gpu == 0)) {
      problems.add("spec.resources.gpuProduct is set but spec.resources.gpu is 0");
    }
    if (spec.resources != null) {
      above(problems, "cpu", spec.resources.cpu, ceiling.cpu(), "--max-model-cpu");
      above(problems, "memory", spec.resources.memory, ceiling.memory(), "--max-model-memory");
      if (spec.resources.gpu != null && spec.resources.gpu > ceiling.gpus()) {
        problems.add("spec.resources.gpu " + spec.resources.gpu + " is above the most this operator allows one replica ("
            + ceiling.gpus() + ", --max-model-gpus); ask the operator's admin to raise it if the model needs it");
      }
    }
    if (spec.batching != null) {
      PipelineValidator.bounded(problems, "spec.batching.maxQueueDelay", spec.batching.maxQueueDelay, java.time.Duration.ZERO,
          java.time.Duration.ofSeconds(1), "a request waiting longer for a batch is slower than the events it batches");
    }
    return problems;
  }

  private static void above(List<String> problems, String field, String asked, String max, String flag) {
    if (asked == null) {
      return;
    }
    try {
      if (OperatorDefaults.ResourceCeiling.amount(asked).compareTo(OperatorDefaults.ResourceCeiling.amount(max)) > 0) {
        problems.add("spec.resources." + field + " " + asked + " is above the most this operator allows one replica ("
            + max + ", " + flag + "); ask the operator's admin to raise it if the model needs it");
      }
    } catch (IllegalArgumentException e) {
      problems.add("spec.resources." + field + ": " + e.getMessage());
    }
  }
}
