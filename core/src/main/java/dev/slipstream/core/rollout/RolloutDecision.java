package dev.slipstream.core.rollout;

import dev.slipstream.api.v1alpha1.RolloutStatus;
import java.time.Duration;
import java.util.List;

/**
 * The next rollout status, the Events to record about the change, and when to look again (null: at the
 * normal resync). The status is the whole decision: the reconciler routes traffic to match it.
 */
public record RolloutDecision(RolloutStatus status, List<Event> events, Duration requeueAfter) {
  public record Event(boolean warning, String reason, String message) {}
}
