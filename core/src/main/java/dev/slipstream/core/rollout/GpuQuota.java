package dev.slipstream.core.rollout;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the namespace's ResourceQuotas leave room for the GPUs a change needs (a candidate's first deployment, a
 * canary step, a scale-out, a fallback), so that the change is held and says why instead of leaving pods Pending.
 */
public final class GpuQuota {
  static final List<String> KEYS = List.of("requests.nvidia.com/gpu", "limits.nvidia.com/gpu");
  private static final String GPU = "nvidia.com/gpu";

  private GpuQuota() {}

  /** The first quota without room for {@code needed} more GPUs, in words an SRE can act on; empty when there is room. */
  public static Optional<String> shortfall(List<ResourceQuota> quotas, int needed, String candidate) {
    return tight(quotas, needed).map(t -> t + " but " + candidate + " needs " + needed
        + " to start; raise the quota, free GPUs, or lower the ModelVersion's minReplicas");
  }

  /**
   * Why a change to a GPU Deployment is held: the first quota without room for the GPUs it adds ({@code from} to
   * {@code to} replicas of {@code perPod} GPUs each); empty when there is room or it adds none.
   */
  public static Optional<String> held(List<ResourceQuota> quotas, String deployment, int from, int to, int perPod) {
    int needed = Math.max(0, to - from) * perPod;
    return tight(quotas, needed).map(t -> t + " but Deployment " + deployment + " needs " + needed + " more to go from "
        + from + " to " + to + " replicas; held at " + from + " until the quota has room");
  }

  /** The GPUs each pod of {@code deployment} asks for (requests, else limits, of nvidia.com/gpu over its containers). */
  public static int perPod(Deployment deployment) {
    if (deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getSpec() == null) {
      return 0;
    }
    int gpus = 0;
    for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
      var resources = c.getResources();
      if (resources == null) {
        continue;
      }
      Quantity q = resources.getRequests() != null && resources.getRequests().containsKey(GPU) ? resources.getRequests().get(GPU)
          : resources.getLimits() == null ? null : resources.getLimits().get(GPU);
      gpus += q == null ? 0 : q.getNumericalAmount().intValue();
    }
    return gpus;
  }

  /**
   * Whether a quota counts Slipstream's serving pods. Its scopes must all match them, as the API server's quota
   * admission decides: they ask for resources (NotBestEffort, not BestEffort), run without a deadline
   * (NotTerminating, not Terminating), name no priority class (a PriorityClass scope selector with In or Exists
   * does not match; NotIn and DoesNotExist do) and no cross-namespace affinity.
   */
  static boolean covers(ResourceQuota quota) {
    if (quota.getSpec() == null) {
      return true;
    }
    List<String> scopes = quota.getSpec().getScopes() == null ? List.of() : quota.getSpec().getScopes();
    for (String scope : scopes) {
      if (!scope.equals("NotBestEffort") && !scope.equals("NotTerminating")) {
        return false;
      }
    }
    var selector = quota.getSpec().getScopeSelector();
    if (selector != null && selector.getMatchExpressions() != null) {
      for (var e : selector.getMatchExpressions()) {
        boolean matches = switch (e.getScopeName()) {
          case "NotBestEffort", "NotTerminating" -> !"DoesNotExist".equals(e.getOperator());
          case "BestEffort", "Terminating", "CrossNamespacePodAffinity" -> "DoesNotExist".equals(e.getOperator());
          case "PriorityClass" -> "NotIn".equals(e.getOperator()) || "DoesNotExist".equals(e.getOperator());
          default -> false;
        };
        if (!matches) {
          return false;
        }
      }
    }
    return true;
  }

  /** "GPU quota Q (key) leaves N GPU(s)" for the first quota that covers the pods and lacks room for {@code needed}. */
  private static Optional<String> tight(List<ResourceQuota> quotas, int needed) {
    if (needed <= 0) {
      return Optional.empty();
    }
    for (ResourceQuota quota : quotas) {
      if (!covers(quota)) {
        continue;
      }
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
              + left.stripTrailingZeros().toPlainString() + " GPU(s)");
        }
      }
    }
    return Optional.empty();
  }
}
