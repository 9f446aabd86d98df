package dev.slipstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
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

  private static GenericKubernetesResource untyped(Map<String, Object> fields) {
    var object = new GenericKubernetesResourceBuilder().withApiVersion("serving.kserve.io/v1beta1")
        .withKind("InferenceService").withNewMetadata().withName("i").endMetadata().build();
    fields.forEach(object::setAdditionalProperty);
    return object;
  }

  @Test
  void anUntypedSpecIsSatisfiedByTheObservedMapsWithWhatAControllerAddedAndNumbersOfAnyWidth() {
    var desired = untyped(Map.of("spec", Map.of("predictor", Map.of("minReplicas", 2,
        "model", Map.of("storageUri", "s3://m/v1"), "args", List.of("--port", 8080)))));
    var observed = new LinkedHashMap<String, Object>();
    observed.put("spec", Map.of("predictor", Map.of("minReplicas", 2L, "timeout", 60,
        "model", Map.of("storageUri", "s3://m/v1", "runtime", "kserve-mlserver"), "args", List.of("--port", 8080.0))));
    observed.put("status", Map.of("url", "http://i"));
    assertThat(DesiredState.isSatisfiedBy(desired, untyped(observed))).isTrue();
  }

  @Test
  void anUntypedSpecIsNotSatisfiedByAChangedValueATypeChangeAShorterListOrAMissingKey() {
    var desired = untyped(Map.of("spec", Map.of("predictor", Map.of("minReplicas", 2,
        "model", Map.of("storageUri", "s3://m/v1"), "args", List.of("--port", "8080")))));
    var changed = untyped(Map.of("spec", Map.of("predictor", Map.of("minReplicas", 3,
        "model", Map.of("storageUri", "s3://m/v1"), "args", List.of("--port", "8080")))));
    var typeChanged = untyped(Map.of("spec", Map.of("predictor", Map.of("minReplicas", "2",
        "model", Map.of("storageUri", "s3://m/v1"), "args", List.of("--port", "8080")))));
    var shorter = untyped(Map.of("spec", Map.of("predictor", Map.of("minReplicas", 2,
        "model", Map.of("storageUri", "s3://m/v1"), "args", List.of("--port")))));
    var missing = untyped(Map.of("spec", Map.of("predictor", Map.of("minReplicas", 2,
        "model", Map.of("runtime", "kserve-mlserver"), "args", List.of("--port", "8080")))));
    var noSpec = untyped(Map.of("status", Map.of("url", "http://i")));
    assertThat(List.of(changed, typeChanged, shorter, missing, noSpec))
        .allSatisfy(observed -> assertThat(DesiredState.isSatisfiedBy(desired, observed)).isFalse());
  }

  @Test
  void untypedContentBesideTheSpecMustBeExactlyAsDesired() {
    var desired = untyped(Map.of("spec", Map.of("a", 1), "data", Map.of("mode", "normal", "limit", 5)));
    assertThat(DesiredState.isSatisfiedBy(desired,
        untyped(Map.of("spec", Map.of("a", 1), "data", Map.of("mode", "normal", "limit", 5L))))).isTrue();
    assertThat(DesiredState.isSatisfiedBy(desired,
        untyped(Map.of("spec", Map.of("a", 1), "data", Map.of("mode", "normal", "limit", 5, "extra", "x")))))
        .as("a key that went away must be removed").isFalse();
    assertThat(DesiredState.isSatisfiedBy(desired,
        untyped(Map.of("spec", Map.of("a", 1), "data", Map.of("mode", "normal"))))).isFalse();
  }

  @Test
  void aDesiredValueThatIsNotYetAJsonValueIsComparedAsTheJsonItWrites() {
    record Model(String storageUri) {}
    var desired = untyped(Map.of("spec", Map.of("model", new Model("s3://m/v1"))));
    assertThat(DesiredState.isSatisfiedBy(desired,
        untyped(Map.of("spec", Map.of("model", Map.of("storageUri", "s3://m/v1", "runtime", "r")))))).isTrue();
    assertThat(DesiredState.isSatisfiedBy(desired,
        untyped(Map.of("spec", Map.of("model", Map.of("storageUri", "s3://m/v2")))))).isFalse();
  }
}
