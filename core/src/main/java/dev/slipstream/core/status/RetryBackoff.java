package dev.slipstream.core.status;

import java.time.Duration;
import java.time.Instant;

/**
 * Retry delay from how long something has been failing, so the state lives in status (the condition's
 * lastTransitionTime) and survives restarts: the delay roughly doubles each retry, within [min, max].
 */
public final class RetryBackoff {
  private RetryBackoff() {}

  public static Duration after(Instant failingSince, Instant now, Duration min, Duration max) {
    Duration elapsed = failingSince == null ? Duration.ZERO : Duration.between(failingSince, now);
    if (elapsed.compareTo(min) < 0) {
      return min;
    }
    return elapsed.compareTo(max) > 0 ? max : elapsed;
  }
}
