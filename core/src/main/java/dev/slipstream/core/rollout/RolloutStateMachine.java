package dev.slipstream.core.rollout;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipelineSpec;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.slo.Verdict;
import dev.slipstream.core.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rollout of a new ModelVersion as a pure function: (spec, status, observation, now) to the next status.
 * Every piece of state is in the status, so an operator that restarts mid-rollout resumes the same step with
 * the same counters. The candidate's traffic weight in the status is the routing the reconciler applies.
 *
 * <p>Rules: one passing check per step; nothing is promoted without a passing check at the last step; a
 * metric without data under {@code noData: hold} neither advances nor fails until the no-data timeout;
 * {@code failureThreshold} failed checks in a row, the progress deadline, or a candidate that fails to serve
 * roll back to 0% candidate; reverting the reference aborts at once; a degraded pipeline holds.
 */
public final class RolloutStateMachine {
  /** How often to look again while waiting for serving to become ready. */
  static final Duration READINESS_POLL = Duration.ofSeconds(5);
  static final Duration MIN_INTERVAL = Duration.ofSeconds(5);

  private RolloutStateMachine() {}

  /** Whether a check should be measured now: a candidate is being judged and an interval has passed since the last one. */
  public static boolean checkDue(RolloutSpec spec, RolloutStatus status, Instant now) {
    if (status == null || !RolloutPhase.of(status.phase).isJudging() || status.stepStartedAt == null
        || RolloutPhase.Replaying.name().equals(status.phase)) {
      return false; // a replay is judged on its own decisions, once it has finished
    }
    Instant last = Instant.parse(status.lastCheckAt != null ? status.lastCheckAt : status.stepStartedAt);
    return !now.isBefore(last.plus(interval(spec)));
  }

  /** The canary steps in force: the declared weights up to maxWeight. */
  public static List<Integer> steps(RolloutSpec spec) {
    var canary = spec.canary;
    List<Integer> steps = canary.steps.stream().filter(w -> w <= canary.maxWeight).toList();
    return steps.isEmpty() ? List.of(canary.maxWeight) : steps;
  }

  public static Duration interval(RolloutSpec spec) {
    Duration d = Durations.parse(spec.canary.interval);
    return d.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : d;
  }

  /**
   * Why no canary can split traffic between {@code stable} and {@code desired}, so the new version replaces the
   * old once ready; empty when a canary can. A change of runtime cannot be split, nor can Triton split by request
   * without the Gateway API HTTPRoute CRD (its canary is then a weighted route).
   *
   * @param stableRuntime the runtime of the version serving now, or null when there is none or it is unknown
   * @param keySplit the job splits the canary by key, which needs no route
   */
  public static Optional<String> directReplacement(ServingRuntime stableRuntime, ServingRuntime desiredRuntime,
      boolean routesInstalled, boolean keySplit) {
    if (desiredRuntime == ServingRuntime.TRITON && !routesInstalled && !keySplit) {
      return Optional.of("runtime triton split by request needs the Gateway API HTTPRoute CRD for a canary, and it is"
          + " not installed (split by key in the job needs none)");
    }
    if (stableRuntime != null && stableRuntime != desiredRuntime) {
      return Optional.of("the runtime changes from " + stableRuntime.wireName() + " to " + desiredRuntime.wireName()
          + ", which no canary can split");
    }
    return Optional.empty();
  }

  /**
   * The share of its replicas the candidate runs, so a canary does not double the GPU footprint: all of them in
   * shadow (it scores every event) and on promotion (null), none after a rollback (scaled down, kept for
   * inspection), all of them in a replay (it scores as fast as they answer), the weight in a canary step, and the first step's share while it comes up.
   */
  public static Integer replicaPercent(RolloutSpec spec, RolloutStatus status) {
    RolloutPhase phase = RolloutPhase.of(status.phase);
    if (phase == RolloutPhase.RollingBack || phase == RolloutPhase.RolledBack) {
      return 0;
    }
    if (replaying(status) || shadowing(status) || phase == RolloutPhase.Promoting) {
      return null;
    }
    return status.weight != null && status.weight > 0 ? status.weight : steps(spec).get(0);
  }

  /**
   * Whether a canary is split by key in the job: spec.rollout.split key, or unset with the reference job (which
   * follows the control ConfigMap's candidate keys). A job of one's own may ignore the control ConfigMap: it splits by
   * key only when asked to. Either runtime: the candidate has serving of its own.
   */
  public static boolean splitsByKey(StreamingPipelineSpec spec, ServingRuntime runtime) {
    RolloutSpec.Split chosen = spec.rollout == null ? null : spec.rollout.split;
    return chosen == null ? JobContract.isReferenceJob(spec.flink) : chosen == RolloutSpec.Split.key;
  }

  /** The version serving real traffic: the rollout's stable one, else the one the spec names. */
  public static String servingVersion(RolloutStatus status, String desired) {
    return status != null && status.stable != null ? status.stable : desired;
  }

  /** Whether the candidate runs in shadow: in the Shadowing phase, or paused there. */
  public static boolean shadowing(RolloutStatus status) {
    return status != null && (RolloutPhase.Shadowing.name().equals(status.phase)
        || (RolloutPhase.Paused.name().equals(status.phase) && RolloutPhase.Shadowing.name().equals(status.pausedPhase)));
  }

  /** Whether the candidate replays the retained input: in the Replaying phase, or paused there. */
  public static boolean replaying(RolloutStatus status) {
    return status != null && (RolloutPhase.Replaying.name().equals(status.phase)
        || (RolloutPhase.Paused.name().equals(status.phase) && RolloutPhase.Replaying.name().equals(status.pausedPhase)));
  }

  /**
   * Whether the replay job should exist: a replay with events has started and has no verdict yet. It is suspended
   * (not deleted) while the rollout is paused or the pipeline degraded, and starts its range again when resumed.
   */
  public static boolean replayJobWanted(RolloutStatus status) {
    return replaying(status) && status.replay != null && status.replay.finishedAt == null && status.replay.events != null
        && status.replay.events > 0;
  }

  public static RolloutDecision next(RolloutSpec spec, RolloutStatus previous, RolloutObservation seen, Instant now) {
    return new RolloutTransition(spec, previous, seen, now).run();
  }

  /**
   * The versions kept warm after {@code promoted} replaced {@code previous}: the previous one first, then those
   * kept before, never the one now serving, at most {@code keep} of them (null when none).
   */
  static List<String> warmAfterPromotion(List<String> before, String previous, String promoted, Integer keep) {
    List<String> warm = new ArrayList<>();
    if (previous != null && !previous.equals(promoted)) {
      warm.add(previous);
    }
    if (before != null) {
      before.stream().filter(v -> !v.equals(promoted) && !warm.contains(v)).forEach(warm::add);
    }
    int limit = keep == null ? 1 : Math.max(0, keep);
    List<String> kept = warm.subList(0, Math.min(limit, warm.size()));
    return kept.isEmpty() ? null : List.copyOf(kept);
  }

  static String describe(List<AnalysisResult> analysis, Verdict which) {
    return analysis.stream().filter(r -> which.name().equals(r.verdict)).map(r -> r.message)
        .collect(Collectors.joining("; "));
  }

  static String summary(List<AnalysisResult> analysis) {
    return analysis.stream().map(r -> r.message).collect(Collectors.joining(", "));
  }
}
