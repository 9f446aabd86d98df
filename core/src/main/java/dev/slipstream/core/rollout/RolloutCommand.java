package dev.slipstream.core.rollout;

import java.util.Locale;

/**
 * Manual control through the annotation {@code slipstream.dev/rollout}: {@code promote}, {@code abort} or
 * {@code retry}, optionally with a suffix after ':' to give the same command again ({@code retry:2}). A command runs
 * once, when the annotation takes a value other than the one last seen (status.rollout.lastCommand); the
 * operator never edits the annotation, so a GitOps tool that applies it sees no drift.
 */
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
    String command = value.contains(":") ? value.substring(0, value.indexOf(':')) : value;
    return switch (command.trim().toLowerCase(Locale.ROOT)) {
      case "promote" -> PROMOTE;
      case "abort" -> ABORT;
      case "retry" -> RETRY;
      default -> NONE;
    };
  }

  /** Whether the annotation's value is new: not the value last seen, so its command is to run. */
  public static boolean fresh(String annotation, String lastSeen) {
    return annotation != null && !annotation.equals(lastSeen);
  }
}
