package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergePatchDiffTest {
  @Test
  void nestedFieldsThatWentAwayAreNulledAndUnchangedOnesLeftOut() {
    Map<String, Object> before = Map.of("phase", "Ready", "rollout",
        Map.of("phase", "Promoting", "weight", 100, "stable", "v1", "stepIndex", 2));
    Map<String, Object> after = Map.of("phase", "Ready", "rollout", Map.of("phase", "Succeeded", "stable", "v2"));
    Map<String, Object> expectedRollout = new HashMap<>();
    expectedRollout.put("phase", "Succeeded");
    expectedRollout.put("stable", "v2");
    expectedRollout.put("weight", null);
    expectedRollout.put("stepIndex", null);
    assertThat(MergePatchDiff.between(before, after)).containsOnlyKeys("rollout");
    assertThat((Map<?, ?>) MergePatchDiff.between(before, after).get("rollout")).isEqualTo(expectedRollout);
  }

  @Test
  void listsAreReplacedWholeAndTopLevelRemovalsNulled() {
    Map<String, Object> before = Map.of("topics", List.of("a", "b"), "consumerLag", 5);
    Map<String, Object> after = Map.of("topics", List.of("a"));
    Map<String, Object> patch = MergePatchDiff.between(before, after);
    assertThat(patch.get("topics")).isEqualTo(List.of("a"));
    assertThat(patch).containsEntry("consumerLag", null);
  }

  @Test
  void equalDocumentsGiveAnEmptyPatch() {
    Map<String, Object> doc = Map.of("a", Map.of("b", 1), "c", List.of(1));
    assertThat(MergePatchDiff.between(doc, doc)).isEmpty();
  }
}
