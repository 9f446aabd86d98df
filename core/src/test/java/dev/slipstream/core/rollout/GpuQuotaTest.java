package dev.slipstream.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuQuotaTest {
  private static ResourceQuota quota(String hard, String used) {
    return new ResourceQuotaBuilder().withNewMetadata().withName("gpus").endMetadata()
        .withNewSpec().withHard(Map.of("requests.nvidia.com/gpu", new Quantity(hard))).endSpec()
        .withNewStatus().withHard(Map.of("requests.nvidia.com/gpu", new Quantity(hard)))
        .withUsed(Map.of("requests.nvidia.com/gpu", new Quantity(used))).endStatus().build();
  }

  @Test
  void roomLeftLetsTheRolloutStart() {
    assertThat(GpuQuota.shortfall(List.of(quota("4", "2")), 2, "embedder-v4")).isEmpty();
    assertThat(GpuQuota.shortfall(List.of(), 8, "embedder-v4")).as("no quota, no limit").isEmpty();
    assertThat(GpuQuota.shortfall(List.of(quota("0", "0")), 0, "cpu-model")).as("a CPU model needs none").isEmpty();
  }

  @Test
  void noRoomSaysWhichQuotaHowMuchIsLeftAndWhatToDo() {
    assertThat(GpuQuota.shortfall(List.of(quota("4", "3")), 2, "embedder-v4")).hasValueSatisfying(m -> assertThat(m)
        .contains("GPU quota gpus (requests.nvidia.com/gpu) leaves 1 GPU(s) but embedder-v4 needs 2")
        .contains("raise the quota"));
  }

  @Test
  void aQuotaCountsTheServingPodsOnlyWhenEveryScopeMatchesThem() {
    ResourceQuota plain = quota("1", "1");
    assertThat(GpuQuota.covers(plain)).isTrue();
    ResourceQuota notBestEffort = quota("1", "1");
    notBestEffort.getSpec().setScopes(List.of("NotBestEffort", "NotTerminating"));
    assertThat(GpuQuota.covers(notBestEffort)).isTrue();
    ResourceQuota bestEffort = quota("1", "1");
    bestEffort.getSpec().setScopes(List.of("BestEffort"));
    assertThat(GpuQuota.covers(bestEffort)).as("serving pods ask for resources").isFalse();
    ResourceQuota priority = quota("1", "1");
    priority.getSpec().setScopeSelector(new io.fabric8.kubernetes.api.model.ScopeSelectorBuilder().addNewMatchExpression()
        .withScopeName("PriorityClass").withOperator("In").withValues("high").endMatchExpression().build());
    assertThat(GpuQuota.covers(priority)).as("serving pods name no priority class").isFalse();
    priority.getSpec().getScopeSelector().getMatchExpressions().get(0).setOperator("NotIn");
    assertThat(GpuQuota.covers(priority)).isTrue();
    assertThat(GpuQuota.shortfall(List.of(bestEffort), 2, "embedder-v4")).as("a quota that does not count them").isEmpty();
  }
}
