package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BufferClonerTest {
  private static final KubernetesSerialization SERIALIZATION = PrunedReads.serialization();
  private static final BufferCloner CLONER = new BufferCloner(SERIALIZATION);

  @Test
  void aPipelineIsCopiedWholeAndDeeplyAsTheFrameworksTextRoundTripCopiesIt() {
    StreamingPipeline example = dev.slipstream.core.Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    example.getMetadata().setFinalizers(new java.util.ArrayList<>(List.of("slipstream.dev/topics")));
    example.getMetadata().setLabels(new java.util.HashMap<>(Map.of("team", "risk")));
    example.setStatus(new dev.slipstream.api.v1alpha1.StreamingPipelineStatus());
    example.getStatus().endpoint = "http://fraud-scoring";
    StreamingPipeline cached = SERIALIZATION.unmarshal(SERIALIZATION.asJson(example), StreamingPipeline.class);
    StreamingPipeline copy = CLONER.clone(cached);
    assertThat(copy).isNotSameAs(cached);
    assertThat(SERIALIZATION.asJson(copy)).isEqualTo(SERIALIZATION.asJson(SERIALIZATION.clone(cached)));

    copy.getMetadata().getFinalizers().add("another");
    copy.getMetadata().getLabels().put("team", "fraud");
    copy.getStatus().endpoint = "http://elsewhere";
    assertThat(cached.getMetadata().getFinalizers()).as("the cache's copy is untouched").containsExactly("slipstream.dev/topics");
    assertThat(cached.getMetadata().getLabels()).containsEntry("team", "risk");
    assertThat(cached.getStatus().endpoint).isEqualTo("http://fraud-scoring");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anUntypedObjectIsCopiedDeeply() {
    GenericKubernetesResource cached = SERIALIZATION.unmarshal("{\"apiVersion\":\"serving.kserve.io/v1beta1\","
        + "\"kind\":\"InferenceService\",\"metadata\":{\"name\":\"i\",\"namespace\":\"n\"},"
        + "\"spec\":{\"predictor\":{\"minReplicas\":2}}}", GenericKubernetesResource.class);
    GenericKubernetesResource copy = CLONER.clone(cached);
    ((Map<String, Object>) ((Map<String, Object>) copy.getAdditionalProperties().get("spec")).get("predictor"))
        .put("minReplicas", 5);
    assertThat(cached.getAdditionalProperties().get("spec")).isEqualTo(Map.of("predictor", Map.of("minReplicas", 2)));
    assertThat(copy.getKind()).isEqualTo("InferenceService");
  }
}
