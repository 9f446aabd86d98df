package dev.slipstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipstream.api.v1alpha1.ModelVersion;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test API server behaves as a real one where the operator depends on it. */
class TestApiServerTest {
  private static TestApiServer api;

  @BeforeAll
  static void start() {
    api = TestApiServer.start(List.of());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static ModelVersion model(String name) {
    return Manifests.find(Manifests.parse("""
        apiVersion: slipstream.dev/v1alpha1
        kind: ModelVersion
        metadata: {name: %s, namespace: t}
        spec: {modelName: m, version: "1", format: onnx, storageUri: "s3://m/1"}
        """.formatted(name)), ModelVersion.class, name);
  }

  @Test
  void mergePatchOfStatusReplacesListsAndRemovesNullFieldsAsRfc7386Says() {
    api.client().resource(model("merge")).create();
    var models = api.client().resources(ModelVersion.class).inNamespace("t").withName("merge").subresource("status");
    models.patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"status\":{\"servedBy\":[\"a\",\"b\"],\"endpoints\":[\"http://x\"]}}");
    models.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"servedBy\":[\"c\"],\"endpoints\":null}}");

    ModelVersion stored = api.client().resources(ModelVersion.class).inNamespace("t").withName("merge").get();
    assertThat(stored.getStatus().servedBy).containsExactly("c");
    assertThat(stored.getStatus().endpoints).isEmpty();
    assertThat(stored.getSpec().storageUri).as("a status patch leaves the spec alone").isEqualTo("s3://m/1");
  }

  @Test
  void admissionRefusesWhatTheSchemaForbidsAndRecordsTheRefusal() {
    ModelVersion bad = model("bad");
    bad.getSpec().storageUri = "";
    assertThatThrownBy(() -> api.client().resource(bad).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.storageUri");
    assertThat(api.refusedWrites()).extracting(TestApiServer.Write::name).contains("bad");
  }

  @Test
  void mergePatchOfAMissingObjectIsNotFound() {
    assertThatThrownBy(() -> api.client().genericKubernetesResources("slipstream.dev/v1alpha1", "ModelVersion")
        .inNamespace("t").withName("absent").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{}}"))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
  }

  @Test
  void aMergePatchIsAdmittedAsTheObjectItWouldLeaveAndARefusedOneChangesNothing() {
    api.client().resource(model("patched")).create();
    var mv = api.client().resources(ModelVersion.class).inNamespace("t").withName("patched");
    assertThatThrownBy(() -> mv.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"storageUri\":\"\"}}"))
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.storageUri")
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
    assertThat(mv.get().getSpec().storageUri).as("nothing changed").isEqualTo("s3://m/1");
    // its healthy twin: a patch that leaves a valid object goes through
    mv.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"storageUri\":\"s3://m/2\"}}");
    assertThat(mv.get().getSpec().storageUri).isEqualTo("s3://m/2");
  }
}
