package dev.slipstream.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.Examples;
import org.junit.jupiter.api.Test;

class ModelVersionValidatorTest {
  @Test
  void aNameLongerThanALabelValueIsReported() {
    var model = Examples.model("fraud-scoring.yaml", "fraud-v1");
    assertThat(ModelVersionValidator.validate(model)).isEmpty();
    model.getMetadata().setName("fraud-detector-gradient-boosted-trees-trained-on-the-third-quarter-v12");
    assertThat(ModelVersionValidator.validate(model)).singleElement().asString()
        .contains("is 70 characters").contains("slipstream.dev/model-version").contains("limits to 63");
  }

  @Test
  void aReplicaAskingForMoreThanTheAdminAllowsIsReported() {
    var ceiling = new dev.slipstream.core.model.OperatorDefaults.ResourceCeiling("16", "64Gi", 2);
    var model = Examples.model("fraud-scoring.yaml", "fraud-v1");
    model.getSpec().resources.cpu = "16";
    model.getSpec().resources.memory = "64Gi";
    assertThat(ModelVersionValidator.validate(model, ceiling)).as("at the ceiling").isEmpty();
    model.getSpec().resources.cpu = "1000000";
    model.getSpec().resources.memory = "65Gi";
    model.getSpec().resources.gpu = 3;
    assertThat(ModelVersionValidator.validate(model, ceiling)).containsExactly(
        "spec.resources.cpu 1000000 is above the most this operator allows one replica (16, --max-model-cpu); ask the"
            + " operator's admin to raise it if the model needs it",
        "spec.resources.memory 65Gi is above the most this operator allows one replica (64Gi, --max-model-memory); ask"
            + " the operator's admin to raise it if the model needs it",
        "spec.resources.gpu 3 is above the most this operator allows one replica (2, --max-model-gpus); ask the"
            + " operator's admin to raise it if the model needs it");
    model.getSpec().resources.cpu = "500m";
    model.getSpec().resources.memory = "512Mi";
    model.getSpec().resources.gpu = 0;
    assertThat(ModelVersionValidator.validate(model, ceiling)).isEmpty();
  }
}
