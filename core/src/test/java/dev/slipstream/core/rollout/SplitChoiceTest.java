package dev.slipstream.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipelineSpec;
import dev.slipstream.core.Examples;
import org.junit.jupiter.api.Test;

/** Which split a canary gets: what the spec asks for, else key for the reference job. */
class SplitChoiceTest {
  @Test
  void unsetTheReferenceJobSplitsByKeyAndAJobOfOnesOwnByRequest() {
    StreamingPipelineSpec spec = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring").getSpec();
    assertThat(spec.rollout).as("the example leaves the split to its default").isNull();
    assertThat(RolloutStateMachine.splitsByKey(spec, ServingRuntime.KSERVE)).isTrue();

    spec.flink.entryClass = null; // the jar's own Main-Class: the reference job's in its image
    assertThat(RolloutStateMachine.splitsByKey(spec, ServingRuntime.KSERVE)).isTrue();

    spec.flink.entryClass = "com.example.MyScoringJob"; // may not follow the control ConfigMap
    assertThat(RolloutStateMachine.splitsByKey(spec, ServingRuntime.KSERVE)).isFalse();
    spec.rollout = new RolloutSpec();
    assertThat(RolloutStateMachine.splitsByKey(spec, ServingRuntime.KSERVE)).isFalse();
    spec.rollout.split = RolloutSpec.Split.key; // its author says it does
    assertThat(RolloutStateMachine.splitsByKey(spec, ServingRuntime.KSERVE)).isTrue();
  }

  @Test
  void askedForRequestItIsRequestWhateverTheRuntime() {
    StreamingPipelineSpec spec = Examples.pipeline("triton-gpu.yaml", "image-embeddings").getSpec();
    assertThat(RolloutStateMachine.splitsByKey(spec, ServingRuntime.TRITON)).as("the Triton example's reference job").isTrue();
    spec.rollout = new RolloutSpec();
    spec.rollout.split = RolloutSpec.Split.request;
    assertThat(RolloutStateMachine.splitsByKey(spec, ServingRuntime.TRITON)).isFalse();
    assertThat(RolloutStateMachine.splitsByKey(spec, ServingRuntime.KSERVE)).isFalse();
  }
}
