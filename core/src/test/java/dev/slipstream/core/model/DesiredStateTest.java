package dev.slipstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredStateTest {
  @Test
  void aSpecIsSatisfiedByTheDefaultsAServerAdds() {
    var desired = new DeploymentBuilder().withNewMetadata().withName("d").endMetadata()
        .withNewSpec().withReplicas(3).endSpec().build();
    var actual = new DeploymentBuilder(desired).editSpec().withRevisionHistoryLimit(10).endSpec().build();
    assertThat(DesiredState.isSatisfiedBy(desired, actual)).isTrue();
    var scaled = new DeploymentBuilder(desired).editSpec().withReplicas(5).endSpec().build();
    assertThat(DesiredState.isSatisfiedBy(desired, scaled)).isFalse();
  }

  @Test
  void configMapDataMustBeExactlyAsDesired() {
    var desired = new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata()
        .withData(Map.of("mode", "normal")).build();
    assertThat(DesiredState.isSatisfiedBy(desired, new ConfigMapBuilder(desired).build())).isTrue();
    var changed = new ConfigMapBuilder(desired).withData(Map.of("mode", "shed")).build();
    assertThat(DesiredState.isSatisfiedBy(desired, changed)).isFalse();
    var extraKey = new ConfigMapBuilder(desired).withData(Map.of("mode", "normal", "fallback-result", "{}")).build();
    assertThat(DesiredState.isSatisfiedBy(desired, extraKey)).as("a key that went away must be removed").isFalse();
  }
}
