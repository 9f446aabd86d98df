package dev.slipstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A canary runs ceil(replicas x weight / 100) replicas, so it never doubles the GPU footprint. */
class CanaryReplicasTest {
  @Test
  void replicasFollowTheWeight() {
    assertThat(InferenceServiceModel.share(4, 5)).as("any share gets one replica").isEqualTo(1);
    assertThat(InferenceServiceModel.share(4, 25)).isEqualTo(1);
    assertThat(InferenceServiceModel.share(4, 50)).isEqualTo(2);
    assertThat(InferenceServiceModel.share(6, 60)).isEqualTo(4);
    assertThat(InferenceServiceModel.share(4, 100)).isEqualTo(4);
    assertThat(InferenceServiceModel.share(4, null)).as("outside a canary").isEqualTo(4);
    assertThat(InferenceServiceModel.share(4, 0)).as("a rolled-back candidate").isZero();
  }

  @Test
  void theInferenceServiceCarriesTheShare() {
    var pipeline = dev.slipstream.core.Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    var model = dev.slipstream.core.Examples.model("fraud-scoring.yaml", "fraud-v1");
    var isvc = InferenceServiceModel.from(pipeline, model, OperatorDefaults.STANDARD, 25, 25).objects().get(0);
    @SuppressWarnings("unchecked")
    var predictor = (java.util.Map<String, Object>) ((java.util.Map<String, Object>)
        ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) isvc).getAdditionalProperties().get("spec")).get("predictor");
    assertThat(predictor).containsEntry("canaryTrafficPercent", 25).containsEntry("minReplicas", 1).containsEntry("maxReplicas", 2);
  }
}
