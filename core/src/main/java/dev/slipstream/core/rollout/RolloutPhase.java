package dev.slipstream.core.rollout;

/** Phases of a rollout, as they appear in {@code status.rollout.phase}. */
public enum RolloutPhase {
  Idle,
  Shadowing,
  Canary,
  Promoting,
  Succeeded,
  RollingBack,
  RolledBack,
  Paused;

  /** A candidate is being judged: checks run, the deadline counts. */
  public boolean isJudging() {
    return this == Shadowing || this == Canary;
  }

  /** A rollout is under way (the candidate is deployed beside the stable version). */
  public boolean isActive() {
    return isJudging() || this == Paused || this == Promoting || this == RollingBack;
  }

  public static RolloutPhase of(String name) {
    return name == null ? Idle : valueOf(name);
  }
}
