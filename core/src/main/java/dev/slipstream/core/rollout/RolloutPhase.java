package dev.slipstream.core.rollout;

/** Phases of a rollout, as they appear in {@code status.rollout.phase}. */
public enum RolloutPhase {
  Idle,
  /** The candidate scores the retained input of a recent window, compared with the stable version's decisions. */
  Replaying,
  Shadowing,
  Canary,
  Promoting,
  Succeeded,
  RollingBack,
  RolledBack,
  Paused,
  /** The canary holds at its step, still checked, until a person approves the next one. */
  AwaitingApproval;

  /** A candidate is being judged: checks run (the deadline counts, except while a person is awaited). */
  public boolean isJudging() {
    return this == Replaying || this == Shadowing || this == Canary || this == AwaitingApproval;
  }

  /** A rollout is under way (the candidate is deployed beside the stable version). */
  public boolean isActive() {
    return isJudging() || this == Paused || this == Promoting || this == RollingBack;
  }

  public static RolloutPhase of(String name) {
    return name == null ? Idle : valueOf(name);
  }
}
