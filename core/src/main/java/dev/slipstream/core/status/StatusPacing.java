package dev.slipstream.core.status;

import dev.slipstream.api.v1alpha1.ModelVersionStatus;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a status that changed is written: at once when a user must see it (a new generation, Ready, a failure, a
 * rollout or ladder step, something to act on, a ModelVersion's validity), later when it is only progress, so that
 * progress that comes in quick steps is one write and not one per step. Each answer is "now" (empty) or how long to wait; the reconciler
 * keeps the status it holds and looks again after that wait, so nothing decided is lost, only written later.
 */
public final class StatusPacing {
  /**
   * How long a new ModelVersion's first status, and a change that comes only from the pipelines naming it, wait for
   * more to fold in: what one {@code kubectl apply -f dir/} or one ArgoCD sync creates arrives within it.
   */
  public static final Duration FOLD = Duration.ofSeconds(2);
  private static final String PROVISIONING = "Provisioning";

  private StatusPacing() {}

  /**
   * How long a pipeline that is only provisioning keeps the status it last wrote: while that status and the next both
   * say only that the operator's own parts are on their way, a change (a part becoming ready, a message) waits until
   * this long after the last write. A pipeline that provisions without trouble is then written twice, Provisioning
   * and Ready, if it is Ready within a minute of its Provisioning write; one that is slower shows what it waits for at
   * most a minute late.
   */
  public static final Duration PROGRESS_REFRESH = Duration.ofMinutes(1);

  /**
   * A pipeline's status: progress while it provisions (phase Provisioning before and after, same generation, same
   * rollout and ladder) waits until {@code interval} after the last write, and until {@link #PROGRESS_REFRESH} after
   * it (or the interval, if longer) when both the last write and the next status say only that its own parts are on
   * their way; anything else is written now.
   *
   * @param persisted the status as stored
   * @param lastWrite when this process last wrote it; null (never, or before a restart): now
   * @param onlyCreating whether the status last written and the next both wait only for parts the operator creates
   *     ({@link PipelineObservation.Waiting#ONLY_CREATING}): nothing in either that a user must act on
   */
  public static Optional<Duration> pipeline(StreamingPipelineStatus persisted, StreamingPipelineStatus next,
      Instant lastWrite, boolean onlyCreating, Instant now, Duration interval) {
    if (persisted == null || lastWrite == null || !PROVISIONING.equals(persisted.phase) || !PROVISIONING.equals(next.phase)
        || !Objects.equals(persisted.observedGeneration, next.observedGeneration)
        || !Objects.equals(persisted.rollout, next.rollout) || !sameLevel(persisted.shed, next.shed)) {
      return Optional.empty();
    }
    Duration wait = onlyCreating ? refreshOr(interval) : interval;
    return waitUntil(lastWrite.plus(wait), now);
  }

  /**
   * Whether two shed statuses hold the same level of the same ladder, with the same actions in force: a ladder step is
   * written at once, a new evaluation at the same level (its time, lag and next bounds) is progress.
   */
  private static boolean sameLevel(ShedStatus a, ShedStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(a.policy, b.policy) && Objects.equals(a.level, b.level) && Objects.equals(a.actions, b.actions)
        && Objects.equals(a.heldBack, b.heldBack);
  }

  /** Whether a pipeline's stored status was never written by the operator (absent, or empty as a new object reads). */
  public static boolean neverWritten(StreamingPipelineStatus persisted) {
    return persisted == null || persisted.observedGeneration == null;
  }

  /**
   * A new pipeline's first status: while all it would say is that the parts the operator creates are on their way
   * ({@link PipelineObservation.Waiting#ONLY_CREATING}), it waits until {@code interval} after it was first decided,
   * so that a pipeline Ready within it is written once, Ready, and one that takes longer says Provisioning then.
   * Waiting also for an object the spec names (a ModelVersion, ShedPolicy or Secret not found), it waits {@link #FOLD}
   * from then: what one {@code kubectl apply -f dir/} or ArgoCD sync creates has arrived by then, and a typo in a
   * name is reported within it. Anything else (Ready, a failure, an invalid spec, Kafka unreachable) is written at once.
   *
   * @param waiting what the pipeline waits for
   * @param pendingSince when this process first decided the status
   */
  public static Optional<Duration> firstPipelineStatus(StreamingPipelineStatus next, PipelineObservation.Waiting waiting,
      Instant pendingSince, Instant now, Duration interval) {
    if (!PROVISIONING.equals(next.phase)) {
      return Optional.empty();
    }
    return switch (waiting) {
      case ONLY_CREATING -> waitUntil(pendingSince.plus(interval), now);
      case NAMED_OBJECTS -> waitUntil(pendingSince.plus(FOLD), now);
      case OTHER -> Optional.empty();
    };
  }

  /**
   * A ModelVersion's status: a change of its own (generation, validity) is written now, and so is an invalid spec
   * seen for the first time; its first status when valid, and a change only in the pipelines naming it, wait
   * {@link #FOLD} from when the change was first seen, and longer while a pipeline naming it has not reported yet (up
   * to {@link #PROGRESS_REFRESH}, or {@code interval} if longer, and a fold more), so that the pipelines and their
   * endpoints come in one write. A new pipeline's first status may wait the interval after its first reconcile, and
   * with thousands created at once that first reconcile comes late: waiting only the interval wrote most
   * ModelVersions twice at 5,000 pipelines. It ends as soon as the last of them reports.
   *
   * @param pendingSince when this process first saw the status differ from the stored one
   * @param pipelinesUnreported whether a pipeline naming it has no status yet
   */
  public static Optional<Duration> modelVersion(ModelVersionStatus persisted, ModelVersionStatus next, Instant pendingSince,
      boolean pipelinesUnreported, Instant now, Duration interval) {
    var before = Conditions.find(persisted == null ? null : persisted.conditions, Conditions.READY);
    var after = Conditions.find(next.conditions, Conditions.READY).orElseThrow();
    if (before.isEmpty()) {
      if (!"True".equals(after.getStatus())) {
        return Optional.empty();
      }
    } else if (!Objects.equals(persisted.observedGeneration, next.observedGeneration)
        || !Objects.equals(before.get().getStatus(), after.getStatus())
        || !Objects.equals(before.get().getReason(), after.getReason())) {
      return Optional.empty();
    }
    Instant due = pendingSince.plus(FOLD);
    if (pipelinesUnreported) {
      due = pendingSince.plus(refreshOr(interval)).plus(FOLD);
    }
    return waitUntil(due, now);
  }

  /** {@link #PROGRESS_REFRESH}, or {@code interval} if longer: how long progress of parts on their way may wait. */
  private static Duration refreshOr(Duration interval) {
    return interval.compareTo(PROGRESS_REFRESH) > 0 ? interval : PROGRESS_REFRESH;
  }

  private static Optional<Duration> waitUntil(Instant due, Instant now) {
    return now.isBefore(due) ? Optional.of(Duration.between(now, due)) : Optional.empty();
  }
}
