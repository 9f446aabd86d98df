package dev.slipstream.core.model;

/**
 * Settings of the operator installation that the desired state depends on.
 *
 * @param tritonImage tritonserver image used when a ModelVersion names none
 * @param clusterDomain DNS suffix of Services, normally {@code cluster.local}
 */
public record OperatorDefaults(String tritonImage, String clusterDomain) {
  public static final OperatorDefaults STANDARD =
      new OperatorDefaults("nvcr.io/nvidia/tritonserver:25.01-py3", "cluster.local");
}
