package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.core.shed.ShedActions;
import java.util.List;

/**
 * What a pipeline's serving runs in one pass, whatever the runtime: the rollout's versions and weight and the
 * ShedPolicy's capacity, named fields instead of positional numbers. {@link ServingModel#desired} turns it into
 * the runtime's objects.
 *
 * @param served the version the serving objects are built for: the candidate during a rollout, else the stable one
 * @param stable the version outside a rollout (the one the Flink job's contract names)
 * @param canaryPercent the served version's share of traffic during a rollout; null when it serves everything
 * @param candidateReplicaPercent the share of its replicas the served version runs; null for all of them
 * @param replicas serving replicas to run at least (a scale-out, or what runs while KEDA or a frozen policy owns
 *     them); null for the ModelVersion's own minimum
 * @param containerConcurrency KServe's per-replica request limit while shedding; null for none
 * @param warm earlier versions kept deployed at their minimum, out of the route (Triton behind a route)
 * @param meshRoutes the Gateway API HTTPRoute CRD is installed: Triton versions sit behind a weighted route
 * @param keySplit the job splits the canary by key (KServe): the candidate has an InferenceService of its own and the
 *     pipeline's own serves the stable version, or, while promoting, the candidate
 * @param promoting the rollout is promoting the candidate
 */
public record ServingPlan(ModelVersion served, ModelVersion stable, Integer canaryPercent,
    Integer candidateReplicaPercent, Integer replicas, Integer containerConcurrency, List<ModelVersion> warm,
    boolean meshRoutes, boolean keySplit, boolean promoting) {

  /** One version serving everything, at its own replicas. */
  public static ServingPlan of(ModelVersion model) {
    return new ServingPlan(model, model, null, null, null, null, List.of(), false, false, false);
  }

  /** The canary split by key in the job rather than by the serving layer. */
  public ServingPlan withKeySplit(boolean split, boolean promotingNow) {
    return new ServingPlan(served, stable, canaryPercent, candidateReplicaPercent, replicas, containerConcurrency, warm,
        meshRoutes, split, promotingNow);
  }

  /**
   * What the job is told about a candidate split by key: its own endpoint and model and its share of keys (all of
   * them while promoting, none after a rollback); null when no candidate is split by key.
   */
  public KeyCanary keyCanary(String candidateEndpoint) {
    if (!keySplit || !hasCandidate() || candidateEndpoint == null) {
      return null;
    }
    return new KeyCanary(candidateEndpoint, served.getSpec().modelName, served.getSpec().version,
        promoting ? 100 : canaryPercent == null ? 0 : canaryPercent);
  }

  /**
   * The version the pipeline's own serving answers for: the served one, except under a canary split by key, where
   * it serves the stable version until the candidate is promoted.
   */
  public ModelVersion own() {
    return keySplit && hasCandidate() && !promoting ? stable : served;
  }

  /**
   * The version that answers at the pipeline's own serving, as the job is told (failed requests are counted against
   * it); null while the serving layer splits requests between two versions, when nobody can say which one failed.
   */
  public String ownAnsweringVersion() {
    return !keySplit && hasCandidate() ? null : own().getSpec().version;
  }

  /** A candidate split by key, as the control ConfigMap tells the job. */
  public record KeyCanary(String endpoint, String modelName, String modelVersion, int weightPercent) {}

  /** The candidate beside the stable version, sent its weight in traffic and running its share of replicas. */
  public ServingPlan withCanary(ModelVersion candidate, Integer weight, Integer replicaPercent) {
    return new ServingPlan(candidate, stable, weight, replicaPercent, replicas, containerConcurrency, warm, meshRoutes,
        keySplit, promoting);
  }

  public ServingPlan withCapacity(Integer atLeastReplicas, Integer concurrency) {
    return new ServingPlan(served, stable, canaryPercent, candidateReplicaPercent, atLeastReplicas, concurrency, warm,
        meshRoutes, keySplit, promoting);
  }

  public ServingPlan withRoutes(boolean installed, List<ModelVersion> warmVersions) {
    return new ServingPlan(served, stable, canaryPercent, candidateReplicaPercent, replicas, containerConcurrency,
        List.copyOf(warmVersions), installed, keySplit, promoting);
  }

  /** Whether a candidate other than the stable version is served. */
  public boolean hasCandidate() {
    return !served.getMetadata().getName().equals(stable.getMetadata().getName());
  }

  /**
   * The replicas to ask for: while a frozen policy or KEDA owns them, what runs now (a write without them would
   * reset them); otherwise the policy's scale-out, or none.
   */
  public static Integer replicas(ShedActions actions, boolean frozen, boolean kedaScales, Integer observed) {
    return frozen || kedaScales ? observed : actions.replicas();
  }

  /** KServe's container concurrency: what runs now while the policy is frozen, else the shed action's limit. */
  public static Integer concurrency(ShedActions actions, boolean frozen, Integer observed) {
    if (frozen) {
      return observed;
    }
    return actions.shed() == null ? null : actions.shed().containerConcurrency;
  }
}
