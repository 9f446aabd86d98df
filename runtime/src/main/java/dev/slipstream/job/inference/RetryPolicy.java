package dev.slipstream.job.inference;

import java.io.Serializable;

/**
 * Retries of transient failures within the event's deadline: waits 10 ms, 20 ms, 40 ms ... (capped at 500 ms),
 * never past the deadline; a retry that could not finish before it is not started.
 */
public record RetryPolicy(int retries) implements Serializable {
  static final long FIRST_BACKOFF_MS = 10;
  static final long MAX_BACKOFF_MS = 500;

  /** The wait before attempt {@code attempt} (1 = the first retry), or -1 when no retry is left or time is up. */
  public long backoffMillis(int attempt, long remainingMillis) {
    if (attempt > retries) {
      return -1;
    }
    long wait = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt - 1, 16));
    return wait < remainingMillis ? wait : -1;
  }

  /** HTTP statuses worth another try: too many requests and server-side errors. */
  public static boolean transientStatus(int status) {
    return status == 429 || status >= 500;
  }
}
