package dev.slipstream.job.inference;

/** An inference request that failed; transient failures (no connection, 429, 5xx) are retried. */
public final class InferenceException extends RuntimeException {
  private final boolean transientFailure;
  private final boolean timedOut;

  public InferenceException(String message, boolean transientFailure) {
    this(message, transientFailure, false);
  }

  private InferenceException(String message, boolean transientFailure, boolean timedOut) {
    super(message, null, false, false);
    this.transientFailure = transientFailure;
    this.timedOut = timedOut;
  }

  /** The event's deadline passed before an answer came. */
  public static InferenceException timedOut() {
    return new InferenceException("no answer before the deadline", false, true);
  }

  public boolean isTimeout() {
    return timedOut;
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
