package dev.slipstream.core.shed;

import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.core.status.Readiness;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the ShedPolicy a pipeline names stands, as a type: none named, not found, invalid, an edit not validated
 * yet, or in force. It says whether the ladder runs, whether what the policy put in place is frozen, and the
 * readiness the pipeline reports for it.
 *
 * @param policy the ShedPolicy found, or null
 */
public record PolicyStanding(Standing standing, String name, ShedPolicy policy, Readiness readiness) {
  public enum Standing {
    /** The pipeline names no ShedPolicy. */
    NONE,
    NOT_FOUND,
    /** The policy's Ready condition is False: it is not applied. */
    INVALID,
    /** The policy changed and its controller has not validated the change yet. */
    VALIDATING,
    IN_FORCE
  }

  /**
   * @param name the name in {@code spec.serving.shedPolicyRef}, or null
   * @param policy that ShedPolicy as found in the namespace, or null
   */
  public static PolicyStanding of(String name, ShedPolicy policy) {
    return of(name, policy, null);
  }

  /**
   * @param servedVersion the ModelVersion the pipeline serves (spec.serving.modelVersionRef): a level that
   *     downgrades to it would change nothing, so the policy is not usable for this pipeline; null to not check
   */
  public static PolicyStanding of(String name, ShedPolicy policy, String servedVersion) {
    if (name == null) {
      return new PolicyStanding(Standing.NONE, null, null, Readiness.ready("NoShedPolicy", "no ShedPolicy referenced"));
    }
    if (policy == null) {
      return new PolicyStanding(Standing.NOT_FOUND, name, null, Readiness.pending("ShedPolicyNotFound", "ShedPolicy "
          + name + " (spec.serving.shedPolicyRef) does not exist; without it the pipeline has no degradation policy"));
    }
    var status = policy.getStatus();
    var ready = status == null ? Optional.<io.fabric8.kubernetes.api.model.Condition>empty()
        : Conditions.find(status.conditions, Conditions.READY);
    if (ready.isPresent() && "False".equals(ready.get().getStatus())) {
      return new PolicyStanding(Standing.INVALID, name, policy,
          Readiness.failed("ShedPolicyInvalid", "ShedPolicy " + name + " is not usable: " + ready.get().getMessage()));
    }
    String noDowngrade = servedVersion == null || policy.getSpec() == null || policy.getSpec().levels == null ? null
        : policy.getSpec().levels.stream().filter(l -> l.downgrade != null && l.downgrade.modelVersionRef != null
            && servedVersion.equals(l.downgrade.modelVersionRef.name)).map(l -> l.name).findFirst().orElse(null);
    if (noDowngrade != null) {
      return new PolicyStanding(Standing.INVALID, name, policy, Readiness.failed("ShedPolicyInvalid", "ShedPolicy " + name
          + " level '" + noDowngrade + "' downgrades to " + servedVersion + ", the ModelVersion this pipeline serves:"
          + " that level would change nothing; name a smaller ModelVersion in its downgrade"));
    }
    if (ready.isPresent() && !Objects.equals(status.observedGeneration, policy.getMetadata().getGeneration())) {
      // an edit not validated yet is not applied: a pipeline on the ladder stays where it is until it is
      return new PolicyStanding(Standing.VALIDATING, name, policy,
          Readiness.ready("ShedPolicyValidating", "ShedPolicy " + name + " changed and is being validated"));
    }
    return new PolicyStanding(Standing.IN_FORCE, name, policy,
        Readiness.ready("ShedPolicyReady", "ShedPolicy " + name + " is in force"));
  }

  /**
   * An invalid or unvalidated policy edit touches nothing the policy put in place: replicas, limits and
   * fallbacks stay as they run.
   */
  public boolean frozen() {
    return standing == Standing.INVALID || standing == Standing.VALIDATING;
  }

  /**
   * The policy whose ladder runs in this pass: the one in force, or a frozen one the pipeline was already on
   * (it then stays at its level); empty otherwise, and for a policy without levels.
   */
  public Optional<ShedPolicy> ladder(ShedStatus previous) {
    boolean onIt = frozen() && previous != null && name.equals(previous.policy);
    if (!(standing == Standing.IN_FORCE || onIt)) {
      return Optional.empty();
    }
    return Optional.of(policy).filter(p -> p.getSpec() != null && p.getSpec().levels != null && !p.getSpec().levels.isEmpty());
  }

  /** Why the ladder must not change level now (the policy is frozen), or null when it is in force. */
  public String hold() {
    return standing == Standing.IN_FORCE ? null : readiness.message() + "; the pipeline stays at its level meanwhile";
  }
}
