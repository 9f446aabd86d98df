package dev.slipstream.core.rollout;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the namespace's ResourceQuotas leave room for the GPUs a candidate needs, so that a rollout
 * says why it cannot start instead of leaving pods Pending.
 */
public final class GpuQuota {
  static final List<String> KEYS = List.of("requests.nvidia.com/gpu", "limits.nvidia.com/gpu");

  private GpuQuota() {}

  /** The first quota without room for {@code needed} more GPUs, in words an SRE can act on; empty when there is room. */
  public static Optional<String> shortfall(List<ResourceQuota> quotas, int needed, String candidate) {
    if (needed <= 0) {
      return Optional.empty();
    }
    for (ResourceQuota quota : quotas) {
      Map<String, Quantity> hard = quota.getStatus() != null && quota.getStatus().getHard() != null
          ? quota.getStatus().getHard() : quota.getSpec() == null ? Map.of() : quota.getSpec().getHard();
      Map<String, Quantity> used = quota.getStatus() == null || quota.getStatus().getUsed() == null
          ? Map.of() : quota.getStatus().getUsed();
      for (String key : KEYS) {
        if (hard == null || !hard.containsKey(key)) {
          continue;
        }
        BigDecimal left = hard.get(key).getNumericalAmount()
            .subtract(used.containsKey(key) ? used.get(key).getNumericalAmount() : BigDecimal.ZERO);
        if (left.compareTo(BigDecimal.valueOf(needed)) < 0) {
          return Optional.of("GPU quota " + quota.getMetadata().getName() + " (" + key + ") leaves "
              + left.stripTrailingZeros().toPlainString() + " GPU(s) but " + candidate + " needs " + needed
              + " to start; raise the quota, free GPUs, or lower the ModelVersion's minReplicas");
        }
      }
    }
    return Optional.empty();
  }
}
