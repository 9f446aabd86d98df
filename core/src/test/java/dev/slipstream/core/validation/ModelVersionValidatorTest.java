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
}
