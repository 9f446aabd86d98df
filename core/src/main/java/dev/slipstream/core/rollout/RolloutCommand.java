package dev.slipstream.core.rollout;

import java.util.Locale;

/** Manual control through the annotation {@code slipstream.dev/rollout}, acted on once and then removed. */
public enum RolloutCommand {
  NONE,
  PROMOTE,
  ABORT,
  RETRY;

  public static final String ANNOTATION = "slipstream.dev/rollout";

  /** The command an annotation value asks for; unknown values are no command (the reconciler reports them). */
  public static RolloutCommand parse(String value) {
    if (value == null) {
      return NONE;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "promote" -> PROMOTE;
      case "abort" -> ABORT;
      case "retry" -> RETRY;
      default -> NONE;
    };
  }
}
