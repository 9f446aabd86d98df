package dev.slipstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl explain} has something to say for every field of every Slipstream resource. The fields
 * inside standard Kubernetes types (metav1.Condition, core/v1 Toleration) keep the Kubernetes API
 * reference as their documentation; the field holding them is described here.
 */
class CrdDescriptionsTest {
  private static final List<String> KUBERNETES_TYPES = List.of(".conditions[].", ".tolerations[].");

  private static final Path COMMITTED = Path.of(System.getProperty("committed.crds", "yaml"));

  @Test
  void everySpecAndStatusFieldHasADescription() throws IOException {
    List<String> undescribed = new ArrayList<>();
    int fields = 0;
    for (String plural : List.of("streamingpipelines", "modelversions", "shedpolicies")) {
      JsonNode crd = Serialization.jsonMapper().valueToTree(
          Serialization.unmarshal(Files.readString(COMMITTED.resolve(plural + ".slipstream.dev-v1.yml")), Object.class));
      JsonNode root = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema").path("properties");
      for (String part : List.of("spec", "status")) {
        fields += collect(root.path(part), plural + "." + part, undescribed);
      }
    }
    assertThat(fields).isGreaterThan(80);
    assertThat(undescribed).as("fields without a description").isEmpty();
  }

  private static int collect(JsonNode schema, String path, List<String> undescribed) {
    int[] count = {0};
    schema.path("properties").fields().forEachRemaining(f -> {
      count[0]++;
      String p = path + "." + f.getKey();
      boolean insideKubernetesType = KUBERNETES_TYPES.stream().anyMatch(p::contains);
      if (f.getValue().path("description").asText().isBlank() && !insideKubernetesType) {
        undescribed.add(p);
      }
      count[0] += collect(f.getValue(), p, undescribed);
      count[0] += collect(f.getValue().path("items"), p + "[]", undescribed);
    });
    return count[0];
  }
}
