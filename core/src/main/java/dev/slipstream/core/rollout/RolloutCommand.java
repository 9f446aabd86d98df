package dev.slipstream.core.rollout;

import java.util.Locale;

/**
 * Manual control through the annotation {@code slipstream.dev/rollout}: {@code promote}, {@code abort}, {@code retry}
 * or {@code approve}, optionally with an id after ':' or '/' to give the same command again ({@code retry:2},
 * {@code approve/2026-12-01T10:00}). A command runs once, when the annotation takes a value other than the one last
 * seen (status.rollout.lastCommand); the operator never edits the annotation, so a GitOps tool that applies it (and
 * re-applies it at every self-heal) sees no drift and the command does not run twice.
 */
public enum RolloutCommand {
  NONE,
  PROMOTE,
  ABORT,
  RETRY,
  APPROVE;

  public static final String ANNOTATION = dev.slipstream.api.v1alpha1.ApiGroup.ROLLOUT_COMMAND_ANNOTATION;

  /** The command an annotation value asks for; unknown values are no command (the reconciler reports them). */
  public static RolloutCommand parse(String value) {
    if (value == null) {
      return NONE;
    }
    int id = java.util.stream.IntStream.of(value.indexOf(':'), value.indexOf('/')).filter(i -> i >= 0).min().orElse(-1);
    String command = id >= 0 ? value.substring(0, id) : value;
    return switch (command.trim().toLowerCase(Locale.ROOT)) {
      case "promote" -> PROMOTE;
      case "abort" -> ABORT;
      case "retry" -> RETRY;
      case "approve" -> APPROVE;
      default -> NONE;
    };
  }

  /** Whether the annotation's value is new: not the value last seen, so its command is to run. */
  public static boolean fresh(String annotation, String lastSeen) {
    return annotation != null && !annotation.equals(lastSeen);
  }
}
