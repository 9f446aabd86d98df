package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The serialisation format of a model artefact. */
public enum ModelFormat {
  @JsonProperty("onnx") ONNX,
  @JsonProperty("pytorch") PYTORCH,
  @JsonProperty("tensorflow") TENSORFLOW,
  @JsonProperty("tensorrt") TENSORRT,
  @JsonProperty("sklearn") SKLEARN,
  @JsonProperty("xgboost") XGBOOST,
  @JsonProperty("custom") CUSTOM;

  /** The name as written in YAML. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
