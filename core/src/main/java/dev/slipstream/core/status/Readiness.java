package dev.slipstream.core.status;

/** How far an owned thing is from serving: ready, on its way, or failed and needing a person. */
public record Readiness(State state, String reason, String message) {
  public enum State {
    READY,
    PENDING,
    FAILED
  }

  public static Readiness ready(String reason, String message) {
    return new Readiness(State.READY, reason, message);
  }

  public static Readiness pending(String reason, String message) {
    return new Readiness(State.PENDING, reason, message);
  }

  public static Readiness failed(String reason, String message) {
    return new Readiness(State.FAILED, reason, message);
  }

  public boolean isReady() {
    return state == State.READY;
  }
}
