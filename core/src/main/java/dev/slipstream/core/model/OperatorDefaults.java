package dev.slipstream.core.model;

import java.math.BigDecimal;

/**
 * Settings of the operator installation that the desired state depends on.
 *
 * @param tritonImage tritonserver image used when a ModelVersion names none
 * @param clusterDomain DNS suffix of Services, normally {@code cluster.local}
 * @param ceiling the most one model replica may ask for, set by the operator's admin
 * @param podMonitorLabels labels of each job's PodMonitor, for the Prometheus Operator's podMonitorSelector
 */
public record OperatorDefaults(String tritonImage, String clusterDomain, ResourceCeiling ceiling,
    java.util.Map<String, String> podMonitorLabels) {
  public static final OperatorDefaults STANDARD =
      new OperatorDefaults("nvcr.io/nvidia/tritonserver:25.01-py3", "cluster.local", ResourceCeiling.STANDARD);

  public OperatorDefaults {
    podMonitorLabels = java.util.Map.copyOf(podMonitorLabels);
  }

  public OperatorDefaults(String tritonImage, String clusterDomain, ResourceCeiling ceiling) {
    this(tritonImage, clusterDomain, ceiling, java.util.Map.of());
  }

  public OperatorDefaults(String tritonImage, String clusterDomain) {
    this(tritonImage, clusterDomain, ResourceCeiling.STANDARD);
  }

  /**
   * The most one model replica may ask for: a ModelVersion above it is not served (ModelVersionInvalid), so a typo
   * (a million CPUs) or a hostile spec does not reach the scheduler or the GPU quota.
   *
   * @param cpu cores, as a Kubernetes quantity
   * @param memory bytes, as a Kubernetes quantity
   * @param gpus NVIDIA GPUs
   */
  public record ResourceCeiling(String cpu, String memory, int gpus) {
    public static final ResourceCeiling STANDARD = new ResourceCeiling("64", "512Gi", 8);

    /** A quantity's amount (cores, bytes); throws IllegalArgumentException when it is not a quantity. */
    public static BigDecimal amount(String quantity) {
      try {
        return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(new io.fabric8.kubernetes.api.model.Quantity(quantity));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("'" + quantity + "' is not a Kubernetes quantity such as 500m, 2 or 4Gi", e);
      }
    }
  }
}
