package dev.slipstream.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.core.Examples;
import org.junit.jupiter.api.Test;

class ShedPolicyValidatorTest {
  private static ShedPolicy example() {
    return Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed");
  }

  @Test
  void theExampleIsUsableWithNothingToPointOut() {
    assertThat(ShedPolicyValidator.validate(example(), name -> true)).isEmpty();
    assertThat(ShedPolicyValidator.notes(example())).isEmpty();
  }

  @Test
  void aMissingFallbackAndLevelsOutOfOrderAreProblemsThatNameTheFix() {
    ShedPolicy policy = example();
    assertThat(ShedPolicyValidator.validate(policy, name -> !"fraud-lite-v1".equals(name)))
        .containsExactly("level 'small-model' downgrades to ModelVersion 'fraud-lite-v1', which does not exist in this"
            + " namespace; create it or change the reference");
    policy.getSpec().levels.get(2).triggers.consumerLagAbove = 10L;
    assertThat(ShedPolicyValidator.validate(policy, name -> true)).singleElement().asString()
        .startsWith("levels are out of order: 'shed' enters at consumerLagAbove 10, milder than the earlier level 'small-model'");
  }

  @Test
  void aLevelWithoutAnyTriggerIsAProblem() {
    ShedPolicy policy = example();
    policy.getSpec().levels.get(0).triggers = new dev.slipstream.api.v1alpha1.ShedLevel.ShedTriggers();
    assertThat(ShedPolicyValidator.validate(policy, name -> true)).singleElement().asString()
        .startsWith("level 'scale-out' has no trigger; give it consumerLagAbove");
  }

  @Test
  void tritonQueuesAndATightFlapLimitArePointedOut() {
    ShedPolicy policy = example();
    policy.getSpec().levels.get(2).shed.maxQueueSize = 64;
    policy.getSpec().recovery.maxChangesPerWindow = 4;
    assertThat(ShedPolicyValidator.notes(policy)).containsExactly(
        "recovery.maxChangesPerWindow 4 is less than a climb of all 3 levels and back (6 changes): after a full climb"
            + " the pipeline stays on a higher level than its load needs until the window (30m) moves on",
        "level 'shed' shed.maxQueueSize and shed.queueTimeout (Triton's queue policy)");
  }
}
