package dev.slipstream.controllers.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThirdPartyObjectsTest {
  @Test
  void anObjectFirstSeenWithoutAStatusIsNoNewsWithOneItIs() {
    GenericKubernetesResource created = new GenericKubernetesResource();
    created.setAdditionalProperty("spec", Map.of("job", Map.of("state", "running")));
    assertThat(ThirdPartyObjects.hasStatus(created)).as("just created: its controller has not answered yet").isFalse();
    created.setAdditionalProperty("status", Map.of("jobStatus", Map.of("state", "RUNNING")));
    assertThat(ThirdPartyObjects.hasStatus(created)).as("the twin: a status to read").isTrue();
  }
}
