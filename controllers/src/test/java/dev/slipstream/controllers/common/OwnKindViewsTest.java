package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class OwnKindViewsTest {
  private static final String PIPELINE = "{\"apiVersion\":\"slipstream.dev/v1alpha1\",\"kind\":\"StreamingPipeline\","
      + "\"metadata\":{\"name\":\"fraud-scoring\",\"namespace\":\"payments\",\"uid\":\"u1\",\"resourceVersion\":\"9\","
      + "\"generation\":2,\"labels\":{\"team\":\"risk\"},\"finalizers\":[\"slipstream.dev/topics\"]},"
      + "\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"}},"
      + "\"topics\":{\"output\":{\"name\":\"fraud-scores\"}}},"
      + "\"status\":{\"observedGeneration\":2,\"endpoint\":\"http://fraud-scoring.payments.svc\",\"phase\":\"Ready\","
      + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}";

  @Test
  void aPipelineReadUntypedIsReadAsItsReferenceAndReadsTheSameAsWhole() {
    GenericKubernetesResource projected = PrunedReads.viewsSerialization().unmarshal(PIPELINE, GenericKubernetesResource.class);
    GenericKubernetesResource whole = new KubernetesSerialization().unmarshal(PIPELINE, GenericKubernetesResource.class);

    assertThat(projected.getAdditionalProperties()).containsOnlyKeys("spec", "status");
    assertThat(projected.getAdditionalProperties().get("status")).isEqualTo(java.util.Map.of("observedGeneration", 2,
        "endpoint", "http://fraud-scoring.payments.svc"));
    assertThat(projected.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(projected.getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(projected.getMetadata().getUid()).isEqualTo("u1");
    assertThat(projected.getMetadata().getResourceVersion()).isEqualTo("9");
    assertThat(whole.getAdditionalProperties()).as("the twin: read whole").containsKey("spec").containsKey("status");
    assertThat(whole.getMetadata().getLabels()).containsEntry("team", "risk");

    for (GenericKubernetesResource p : java.util.List.of(projected, whole)) {
      assertThat(OwnKindViews.modelVersion(p)).isEqualTo("fraud-v2");
      assertThat(OwnKindViews.endpoint(p)).isEqualTo("http://fraud-scoring.payments.svc");
      assertThat(OwnKindViews.reported(p)).isTrue();
    }
  }

  @Test
  void theOperatorsOwnClientReadsAPipelineUntypedWhole() {
    // fabric8 reads a typed object untyped on its way at times and makes it typed again: it must not lose anything
    GenericKubernetesResource read = PrunedReads.serialization().unmarshal(PIPELINE, GenericKubernetesResource.class);
    assertThat(read.getMetadata().getLabels()).containsEntry("team", "risk");
    assertThat(read.getAdditionalProperties().get("spec")).asString().contains("fraud-scores");
    var typed = PrunedReads.serialization().convertValue(read, dev.slipstream.api.v1alpha1.StreamingPipeline.class);
    assertThat(typed.getSpec().topics.output.name).isEqualTo("fraud-scores");
  }

  @Test
  void aPipelineNotYetReportedAndNamingNoVersionReadsAsSuch() {
    String bare = "{\"apiVersion\":\"slipstream.dev/v1alpha1\",\"kind\":\"StreamingPipeline\",\"metadata\":{\"name\":\"p\","
        + "\"namespace\":\"n\"},\"spec\":{\"topics\":{\"output\":\"o\"}}}";
    GenericKubernetesResource projected = PrunedReads.viewsSerialization().unmarshal(bare, GenericKubernetesResource.class);
    assertThat(OwnKindViews.modelVersion(projected)).isNull();
    assertThat(OwnKindViews.endpoint(projected)).isNull();
    assertThat(OwnKindViews.reported(projected)).isFalse();
    assertThat(projected.getAdditionalProperties()).doesNotContainKey("status");
  }

  @Test
  void aModelVersionReadUntypedIsReadAsItsIdentityAndAnotherKindWhole() {
    String model = PIPELINE.replace("\"kind\":\"StreamingPipeline\"", "\"kind\":\"ModelVersion\"");
    GenericKubernetesResource read = PrunedReads.viewsSerialization().unmarshal(model, GenericKubernetesResource.class);
    assertThat(read.getMetadata().getName()).isEqualTo("fraud-scoring");
    assertThat(read.getMetadata().getNamespace()).isEqualTo("payments");
    assertThat(read.getAdditionalProperties()).isEmpty();
    assertThat(read.getMetadata().getLabels()).isNullOrEmpty();

    String other = PIPELINE.replace("\"apiVersion\":\"slipstream.dev/v1alpha1\"", "\"apiVersion\":\"example.com/v1\"");
    GenericKubernetesResource whole = PrunedReads.viewsSerialization().unmarshal(other, GenericKubernetesResource.class);
    assertThat(whole.getMetadata().getLabels()).as("the twin: another group's kind").containsEntry("team", "risk");
    assertThat(whole.getAdditionalProperties().get("spec")).asString().contains("fraud-scores");
  }
}
