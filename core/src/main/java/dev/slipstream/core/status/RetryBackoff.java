package dev.slipstream.core.status;

import java.time.Duration;
import java.time.Instant;

/**
 * Retry delay from how long something has been failing, so the state lives in status (the condition's
 * lastTransitionTime) and survives restarts: the delay roughly doubles each retry, within [min, max].
 */
public final class RetryBackoff {
  private RetryBackoff() {}

  /** The most a look at topics being created waits: they usually show within seconds, and a user waits on them. */
  public static final Duration PENDING_MAX = Duration.ofSeconds(10);

  /**
   * When to look again at topics being created (accepted by Kafka, not described yet): from {@code min}, growing with
   * how long they have been pending, at most {@link #PENDING_MAX} (or {@code min} when that is more). A broker that is
   * slow to show thousands of new topics is then asked a few times per pipeline, not every {@code min}.
   */
  public static Duration pending(Instant pendingSince, Instant now, Duration min) {
    return after(pendingSince, now, min, PENDING_MAX.compareTo(min) > 0 ? PENDING_MAX : min);
  }

  /**
   * The look at topics being created when whoever created them will be told as soon as they show (a watch on the
   * cluster): only a fallback, should that word never come, so not sooner than this.
   */
  public static final Duration WATCHED_FALLBACK = Duration.ofSeconds(30);

  /** {@link #pending}, or {@link #WATCHED_FALLBACK} (or {@code min}, if more) when a watch will tell. */
  public static Duration pending(Instant pendingSince, Instant now, Duration min, boolean watched) {
    if (!watched) {
      return pending(pendingSince, now, min);
    }
    return WATCHED_FALLBACK.compareTo(min) > 0 ? WATCHED_FALLBACK : min;
  }

  public static Duration after(Instant failingSince, Instant now, Duration min, Duration max) {
    Duration elapsed = failingSince == null ? Duration.ZERO : Duration.between(failingSince, now);
    if (elapsed.compareTo(min) < 0) {
      return min;
    }
    return elapsed.compareTo(max) > 0 ? max : elapsed;
  }
}
