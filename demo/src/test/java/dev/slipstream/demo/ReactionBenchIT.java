package dev.slipstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench's two reactions once each, so that they keep working: behaviour asserted, times only printed. */
class ReactionBenchIT {
  @Test
  void aBreachRollsBackAndAShedTriggerWritesOnlyWhatItsLevelChanges() throws Exception {
    try (EmbeddedStack stack = new EmbeddedStack(Map.of("SLIPSTREAM_RESYNC", "30s", "SLIPSTREAM_METRICS_PORT", "0",
        "SLIPSTREAM_LEADER_ELECTION", "false"))) {
      // returns once the InferenceService sends no traffic to the candidate; times out (fails) otherwise
      double rollback = Reactions.breachToRollback(stack, "reaction-check");
      // the same with the canary split by key: the candidate's weight in the control ConfigMap goes back to 0
      double keyRollback = Reactions.breachToRollback(stack, "reaction-key-check",
          dev.slipstream.api.v1alpha1.RolloutSpec.Split.key);
      System.out.printf("reaction check: breach to rollback, split by key %.2f s%n", keyRollback);
      Reactions.ShedReaction shed = Reactions.triggerToAction(stack, "reaction-shed-check");
      System.out.printf("reaction check: breach to rollback %.2f s, shed trigger to scale-out %.2f s%n", rollback, shed.seconds());
      assertThat(shed.objectWrites()).as("owned objects the operator wrote for the level change")
          .isEqualTo(List.of("configmaps/fraud-scoring-control", "inferenceservices/fraud-scoring"));
      assertThat(shed.statusWrites()).as("status writes for it").isPositive();
      assertThat(shed.events()).as("Events for it").isPositive();
    }
  }
}
