package dev.slipstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** Which generation of an InferenceService first asked for the model it asks for now. */
class ModelGenerationTest {
  private static GenericKubernetesResource isvc(String predictor, Long generation, String modelGeneration) {
    GenericKubernetesResource isvc = Serialization.unmarshal("{\"apiVersion\":\"serving.kserve.io/v1beta1\","
        + "\"kind\":\"InferenceService\",\"metadata\":{\"name\":\"fraud\"},\"spec\":{\"predictor\":" + predictor + "}}",
        GenericKubernetesResource.class);
    isvc.getMetadata().setGeneration(generation);
    if (modelGeneration != null) {
      isvc.getMetadata().setAnnotations(java.util.Map.of(InferenceServiceModel.MODEL_GENERATION, modelGeneration));
    }
    return isvc;
  }

  private static String stamped(GenericKubernetesResource desired, GenericKubernetesResource current) {
    return InferenceServiceModel.stampModelGeneration(desired, current).getMetadata().getAnnotations()
        .get(InferenceServiceModel.MODEL_GENERATION);
  }

  private static final String V1 = "{\"minReplicas\":1,\"model\":{\"storageUri\":\"s3://models/fraud/1\"}}";

  @Test
  void aNewInferenceServiceAsksForItsModelFromGenerationOne() {
    assertThat(stamped(isvc(V1, null, null), null)).isEqualTo("1");
  }

  @Test
  void scaleAndTrafficChangesKeepTheGenerationWhereTheModelChanged() {
    GenericKubernetesResource stored = isvc(V1, 4L, "2");
    String scaledOut = "{\"canaryTrafficPercent\":50,\"minReplicas\":3,\"maxReplicas\":6,\"containerConcurrency\":8,"
        + "\"model\":{\"storageUri\":\"s3://models/fraud/1\"}}";
    assertThat(stamped(isvc(scaledOut, null, null), stored)).isEqualTo("2");
    // written before stamping: the stored generation stands for it
    assertThat(stamped(isvc(scaledOut, null, null), isvc(V1, 4L, null))).isEqualTo("4");
  }

  @Test
  void anotherModelIsAskedForFromTheGenerationTheWriteMakes() {
    GenericKubernetesResource stored = isvc(V1, 4L, "2");
    assertThat(stamped(isvc("{\"minReplicas\":1,\"model\":{\"storageUri\":\"s3://models/fraud/2\"}}", null, null), stored))
        .isEqualTo("5");
    assertThat(stamped(isvc("{\"minReplicas\":1,\"serviceAccountName\":\"s3-reader\",\"model\":{\"storageUri\":"
        + "\"s3://models/fraud/1\"}}", null, null), stored)).isEqualTo("5");
  }
}
