package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which serving layer runs a model. */
public enum ServingRuntime {
  /** A KServe InferenceService. */
  @JsonProperty("kserve") KSERVE,
  /** A plain Deployment and Service of NVIDIA Triton Inference Server. */
  @JsonProperty("triton") TRITON;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
