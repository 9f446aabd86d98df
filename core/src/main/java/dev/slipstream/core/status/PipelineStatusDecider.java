package dev.slipstream.core.status;

import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import dev.slipstream.core.json.Json;
import dev.slipstream.core.rollout.RolloutPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Computes a pipeline's next status from what was observed. Pure: same inputs, same status. */
public final class PipelineStatusDecider {
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String PROGRESSING = "Progressing";
  public static final String ROLLED_BACK = "RolledBack";
  public static final String DEGRADED = "Degraded";

  private PipelineStatusDecider() {}

  public static StreamingPipelineStatus decide(StreamingPipelineStatus previous, PipelineObservation seen,
      long generation, Instant now) {
    StreamingPipelineStatus next = copyOf(previous);
    next.observedGeneration = generation;
    if (!seen.problems().isEmpty()) {
      // leave everything that runs as it is; only say what is wrong and how to fix it
      next.conditions = Conditions.with(next.conditions, Conditions.READY, false, INVALID_SPEC,
          "The spec cannot be applied: " + String.join("; ", seen.problems()), generation, now);
      next.phase = "Failed";
      return next;
    }
    List<io.fabric8.kubernetes.api.model.Condition> c = next.conditions;
    c = set(c, Conditions.TOPICS_READY, seen.topics(), generation, now);
    c = set(c, Conditions.SERVING_READY, seen.serving(), generation, now);
    c = set(c, Conditions.FLINK_JOB_READY, seen.flinkJob(), generation, now);
    List<Readiness> parts = List.of(seen.topics(), seen.serving(), seen.flinkJob(), seen.policy());
    Readiness first = parts.stream().filter(r -> !r.isReady()).findFirst().orElse(null);
    if (first == null) {
      c = Conditions.with(c, Conditions.READY, true, "Ready",
          "Topics exist, " + seen.model() + " is serving and the Flink job is running", generation, now);
      next.phase = "Ready";
    } else {
      List<String> waiting = new ArrayList<>();
      parts.stream().filter(r -> !r.isReady()).forEach(r -> waiting.add(r.message()));
      c = Conditions.with(c, Conditions.READY, false, first.reason(), String.join("; ", waiting), generation, now);
      next.phase = phase(parts, seen.kafkaUnavailable());
    }
    if (seen.rollout() != null) {
      next.rollout = seen.rollout();
      c = rolloutConditions(c, seen.rollout(), generation, now);
    }
    next.shed = seen.shed();
    boolean shedding = seen.shed() != null && seen.shed().level != null && seen.shed().level > 0;
    if (shedding && "Ready".equals(next.phase)) {
      next.phase = "Degraded";
    }
    if (next.rollout != null || next.shed != null) {
      c = degraded(c, next.rollout, seen.shed(), seen.shedReason(), generation, now);
    }
    next.conditions = c;
    next.topics = seen.topicStatuses();
    next.model = seen.model();
    next.endpoint = seen.endpoint();
    next.flinkJobState = seen.flinkJobState();
    next.consumerGroup = seen.consumerGroup();
    next.consumerLag = seen.consumerLag();
    return next;
  }

  /**
   * Progressing while a rollout is under way; RolledBack and Degraded (reason RolloutFailed) after an
   * automatic rollback, until the reference changes. Ready is about the stable version and is not touched.
   */
  static List<io.fabric8.kubernetes.api.model.Condition> rolloutConditions(List<io.fabric8.kubernetes.api.model.Condition> c,
      RolloutStatus rollout, long generation, Instant now) {
    RolloutPhase phase = RolloutPhase.of(rollout.phase);
    String message = rollout.message == null ? phase.name() : rollout.message;
    c = Conditions.with(c, PROGRESSING, phase.isActive(), phase.name(), message, generation, now);
    boolean rolledBack = phase == RolloutPhase.RolledBack;
    return Conditions.with(c, ROLLED_BACK, rolledBack, rolledBack ? rollout.rollbackReason : "NoRollback",
        rolledBack ? message : "no rollback in force", generation, now);
  }

  /** The words of the rollout's last failed check (its failing metrics), where one is kept: ", last failed check at T: ...". */
  static String lastFailedCheck(RolloutStatus rollout) {
    if (rollout.checks == null) {
      return "";
    }
    for (int i = rollout.checks.size() - 1; i >= 0; i--) {
      var check = rollout.checks.get(i);
      if ("Fail".equals(check.verdict)) {
        return ", last failed check at " + check.at + ": " + String.join("; ", check.results.stream()
            .filter(r -> "Fail".equals(r.verdict)).map(r -> r.message).toList());
      }
    }
    return "";
  }

  /**
   * Degraded: after an automatic rollback (reason RolloutFailed, until the reference changes) and while the
   * ShedPolicy holds the pipeline above normal (reason from the actions in force); both messages when both hold.
   */
  static List<io.fabric8.kubernetes.api.model.Condition> degraded(List<io.fabric8.kubernetes.api.model.Condition> c,
      RolloutStatus rollout, ShedStatus shed, String shedReason, long generation, Instant now) {
    List<String> why = new ArrayList<>();
    String reason = null;
    if (rollout != null && RolloutPhase.of(rollout.phase) == RolloutPhase.RolledBack) {
      reason = "RolloutFailed";
      why.add(rollout.candidate + " was rolled back" + (rollout.rollbackReason == null ? "" : " (" + rollout.rollbackReason
          + ")") + lastFailedCheck(rollout) + "; " + rollout.stable + " serves all traffic until"
          + " spec.serving.modelVersionRef changes");
    }
    if (shed != null && shed.level != null && shed.level > 0) {
      reason = reason == null ? shedReason : reason;
      why.add("ShedPolicy " + shed.policy + " holds level " + shed.level + " '" + shed.levelName + "' since "
          + shed.since + " (" + shed.message + "); it steps back one level once every trigger of the level stays"
          + " clear for the cooldown");
    }
    return reason == null
        ? Conditions.with(c, DEGRADED, false, "AsDesigned", "serving as declared", generation, now)
        : Conditions.with(c, DEGRADED, true, reason, String.join("; ", why), generation, now);
  }

  private static String phase(List<Readiness> parts, boolean kafkaUnavailable) {
    if (parts.stream().anyMatch(r -> r.state() == Readiness.State.FAILED)) {
      return "Failed";
    }
    return kafkaUnavailable ? "Degraded" : "Provisioning";
  }

  private static List<io.fabric8.kubernetes.api.model.Condition> set(
      List<io.fabric8.kubernetes.api.model.Condition> conditions, String type, Readiness r, long generation, Instant now) {
    return Conditions.with(conditions, type, r.isReady(), r.reason(), r.message(), generation, now);
  }

  private static StreamingPipelineStatus copyOf(StreamingPipelineStatus previous) {
    StreamingPipelineStatus next = previous == null ? new StreamingPipelineStatus() : Json.copy(previous);
    next.conditions = next.conditions == null ? new ArrayList<>() : next.conditions;
    next.topics = next.topics == null ? new ArrayList<>() : next.topics;
    return next;
  }

  /**
   * The Event a status change is worth, recorded after the status is written: one when Ready turns True or False,
   * and one when the reason changes into or out of a failure (phase Failed or Degraded: a Warning going in). None
   * for the Provisioning a new pipeline starts in, none while provisioning moves from one pending part to the next
   * (the status says that; Events are for transitions), and none for a pipeline's first Ready: that is what the
   * user's apply asked for, and the Ready condition says it (`kubectl wait`, ArgoCD's health), while an Event stream
   * of a fleet is read for what happened to pipelines after they ran. Ready again after an Event said it was not (it
   * left Ready, or failed) is recorded, so every Event that leaves Ready has its return.
   */
  public static Optional<StatusEvent> readyEvent(StreamingPipelineStatus previous, StreamingPipelineStatus next) {
    var before = Conditions.find(previous == null ? null : previous.conditions, Conditions.READY);
    var after = Conditions.find(next.conditions, Conditions.READY).orElseThrow();
    boolean warning = !"True".equals(after.getStatus()) && failing(next.phase);
    if (before.isEmpty()) {
      return warning ? Optional.of(new StatusEvent(true, after.getReason(), after.getMessage())) : Optional.empty();
    }
    boolean turned = !before.get().getStatus().equals(after.getStatus());
    boolean reasonChanged = !Objects.equals(before.get().getReason(), after.getReason());
    boolean wasWarning = !"True".equals(before.get().getStatus()) && failing(previous.phase);
    if (turned && "True".equals(after.getStatus()) && !wasWarning && neverReady(previous)) {
      return Optional.empty();
    }
    if (turned || (reasonChanged && (warning || wasWarning))) {
      return Optional.of(new StatusEvent(warning, after.getReason(), after.getMessage()));
    }
    return Optional.empty();
  }

  /**
   * Whether a not-Ready status has never been Ready, read from the conditions' transition times (so it survives a
   * restart and needs no field of its own): a pipeline's first status sets Ready and its parts' conditions at once,
   * and a condition's time moves only when its status turns, so Ready False since no later than each part's last
   * turn has been False from the start. Ready left later than some part's last turn (the job went pending while the
   * topics stayed) has been True. Only a pipeline whose every part turned at or after it left Ready reads as never
   * Ready: its return is then not recorded (a failure on the way still is). A time that does not read (a status
   * written by hand) counts as having been Ready: the Event is recorded.
   */
  static boolean neverReady(StreamingPipelineStatus status) {
    var ready = Conditions.find(status.conditions, Conditions.READY);
    if (ready.isEmpty() || "True".equals(ready.get().getStatus())) {
      return false;
    }
    Instant left = time(ready.get());
    return left != null && java.util.stream.Stream.of(Conditions.TOPICS_READY, Conditions.SERVING_READY,
            Conditions.FLINK_JOB_READY)
        .flatMap(type -> Conditions.find(status.conditions, type).stream())
        .map(PipelineStatusDecider::time)
        .allMatch(turned -> turned != null && !turned.isBefore(left));
  }

  private static Instant time(io.fabric8.kubernetes.api.model.Condition c) {
    try {
      return Instant.parse(c.getLastTransitionTime());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean failing(String phase) {
    return "Failed".equals(phase) || "Degraded".equals(phase);
  }

  /** An Event about the pipeline: Warning or Normal, CamelCase reason, message. */
  public record StatusEvent(boolean warning, String reason, String message) {}
}
