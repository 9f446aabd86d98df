package dev.slipstream.core.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** metav1.Condition lists: a condition keeps its lastTransitionTime unless its status really changes. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String TOPICS_READY = "TopicsReady";
  public static final String SERVING_READY = "ServingReady";
  public static final String FLINK_JOB_READY = "FlinkJobReady";

  private Conditions() {}

  /** A copy of {@code current} with the condition of that type replaced (or added). */
  public static List<Condition> with(List<Condition> current, String type, boolean status, String reason,
      String message, Long generation, Instant now) {
    List<Condition> next = new ArrayList<>();
    String statusText = status ? "True" : "False";
    Optional<Condition> previous = find(current, type);
    String transition = previous.filter(c -> statusText.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    Condition updated = new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
    boolean replaced = false;
    for (Condition c : current == null ? List.<Condition>of() : current) {
      if (type.equals(c.getType())) {
        next.add(updated);
        replaced = true;
      } else {
        next.add(c);
      }
    }
    if (!replaced) {
      next.add(updated);
    }
    return next;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> Objects.equals(type, c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
