package dev.slipstream.core.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.ShedPolicyStatus;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.core.Examples;
import dev.slipstream.core.shed.PolicyStanding.Standing;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.core.status.Readiness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the pipeline does with its ShedPolicy: whether its ladder runs or is frozen, KEDA or not, where the job goes. */
class ShedDecisionsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void aPolicyInForceRunsItsLadder() {
    ShedPolicy policy = validated(Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed"), true);
    PolicyStanding standing = PolicyStanding.of("fraud-shed", policy);
    assertThat(standing.standing()).isEqualTo(Standing.IN_FORCE);
    assertThat(standing.ladder(null)).contains(policy);
    assertThat(standing.frozen()).isFalse();
    assertThat(standing.hold()).isNull();
    assertThat(standing.readiness().isReady()).isTrue();
  }

  @Test
  void aPolicyDowngradingToTheVersionThePipelineServesIsNotUsableForIt() {
    ShedPolicy policy = validated(Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed"), true);
    PolicyStanding onLite = PolicyStanding.of("fraud-shed", policy, "fraud-lite-v1");
    assertThat(onLite.standing()).isEqualTo(Standing.INVALID);
    assertThat(onLite.frozen()).isTrue();
    assertThat(onLite.readiness().reason()).isEqualTo("ShedPolicyInvalid");
    assertThat(onLite.readiness().message()).contains("level 'small-model' downgrades to fraud-lite-v1, the ModelVersion"
        + " this pipeline serves");
    assertThat(PolicyStanding.of("fraud-shed", policy, "fraud-v1").standing()).as("the same policy on the stable version")
        .isEqualTo(Standing.IN_FORCE);
  }

  @Test
  void aPolicyNotValidatedYetCountsAsInForce() {
    ShedPolicy policy = Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed");
    assertThat(PolicyStanding.of("fraud-shed", policy).standing()).isEqualTo(Standing.IN_FORCE);
  }

  @Test
  void anInvalidPolicyFreezesThePipelineWhereItStandsAndStartsNoLadder() {
    ShedPolicy policy = validated(Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed"), false);
    PolicyStanding standing = PolicyStanding.of("fraud-shed", policy);
    assertThat(standing.standing()).isEqualTo(Standing.INVALID);
    assertThat(standing.frozen()).isTrue();
    assertThat(standing.readiness().state()).isEqualTo(Readiness.State.FAILED);
    assertThat(standing.ladder(null)).as("a pipeline not yet on it").isEmpty();
    ShedStatus onIt = new ShedStatus();
    onIt.policy = "fraud-shed";
    assertThat(standing.ladder(onIt)).as("a pipeline already on it stays at its level").contains(policy);
    assertThat(standing.hold()).startsWith("ShedPolicy fraud-shed is not usable: ")
        .endsWith("; the pipeline stays at its level meanwhile");
    ShedStatus onAnother = new ShedStatus();
    onAnother.policy = "other";
    assertThat(standing.ladder(onAnother)).isEmpty();
  }

  @Test
  void anEditNotYetValidatedIsNotApplied() {
    ShedPolicy policy = validated(Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed"), true);
    policy.getMetadata().setGeneration(2L);
    PolicyStanding standing = PolicyStanding.of("fraud-shed", policy);
    assertThat(standing.standing()).isEqualTo(Standing.VALIDATING);
    assertThat(standing.frozen()).isTrue();
    assertThat(standing.readiness().isReady()).isTrue();
  }

  @Test
  void noPolicyOrAMissingOne() {
    assertThat(PolicyStanding.of(null, null).standing()).isEqualTo(Standing.NONE);
    assertThat(PolicyStanding.of(null, null).ladder(null)).isEmpty();
    PolicyStanding missing = PolicyStanding.of("fraud-shed", null);
    assertThat(missing.standing()).isEqualTo(Standing.NOT_FOUND);
    assertThat(missing.readiness().state()).isEqualTo(Readiness.State.PENDING);
    assertThat(missing.ladder(null)).isEmpty();
    assertThat(missing.frozen()).isFalse();
  }

  @Test
  void kedaCarriesAScaleOutOnlyWhereItCan() {
    ShedActions keda = new ShedActions(4, true, 1000L, null, null, List.of());
    assertThat(keda.kedaUnusable(false, true, false)).isNull();
    assertThat(keda.kedaUnusable(true, true, false)).isEqualTo("runtime kserve scales its InferenceService itself");
    assertThat(keda.kedaUnusable(false, false, false)).isEqualTo("the KEDA ScaledObject CRD is not installed");
    assertThat(keda.kedaUnusable(false, true, true))
        .isEqualTo("KEDA would need a TriggerAuthentication for the Kafka client Secret");
    assertThat(new ShedActions(4, false, null, null, null, List.of()).kedaUnusable(true, false, true)).isNull();
  }

  @Test
  void theJobGoesToTheFallbackOnceItIsReady() {
    var own = Examples.model("fraud-scoring.yaml", "fraud-v1");
    var lite = Examples.model("fraud-scoring.yaml", "fraud-lite-v1");
    JobRouting waiting = JobRouting.choose("http://own", own, "1", "http://lite", lite,
        Readiness.pending("ServingPending", "InferenceService x is not ready: loading"));
    assertThat(waiting).isEqualTo(new JobRouting("http://own", "fraud", "1", "waiting for fallback fraud-lite-v1 to be"
        + " ready before sending traffic to it (InferenceService x is not ready: loading)"));
    JobRouting ready = JobRouting.choose("http://own", own, "1", "http://lite", lite, Readiness.ready("ServingReady", "ready"));
    assertThat(ready).isEqualTo(new JobRouting("http://lite", "fraud-lite", "1", null));
  }

  @Test
  void theActionsSayOnlyWhatIsCarriedOutNotTritonsQueuePolicyWhichIsNot() {
    ShedPolicy policy = Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed");
    int top = policy.getSpec().levels.size();
    String without = ShedActions.at(policy.getSpec(), top).describe().stream().filter(a -> a.startsWith("shedding load"))
        .findFirst().orElseThrow();
    policy.getSpec().levels.get(top - 1).shed.maxQueueSize = 64;
    policy.getSpec().levels.get(top - 1).shed.queueTimeout = "100ms";
    assertThat(ShedActions.at(policy.getSpec(), top).describe()).contains(without)
        .noneMatch(a -> a.contains("queue"));
  }

  @Test
  void notesMakeANewDecisionAndLeaveTheLaddersAlone() {
    ShedPolicy policy = Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed");
    ShedStatus status = new ShedStatus();
    status.level = 1;
    ShedActions actions = ShedActions.at(policy.getSpec(), 1);
    status.actions = new ArrayList<>(actions.describe());
    ShedLadder.Decision decision = new ShedLadder.Decision(status, null, Duration.ofSeconds(10));

    assertThat(decision.noting(actions, List.of())).isSameAs(decision);
    ShedLadder.Decision noted = decision.noting(actions, List.of("KEDA not used (x): replicas raised by hand"));
    assertThat(noted.status().actions).containsExactly(actions.describe().get(0), "KEDA not used (x): replicas raised by hand");
    assertThat(status.actions).isEqualTo(actions.describe());
    assertThat(noted.noting(actions, List.of("KEDA not used (x): replicas raised by hand")))
        .as("noted twice, the same notes once").isSameAs(noted);
  }

  private static ShedPolicy validated(ShedPolicy policy, boolean valid) {
    policy.setStatus(new ShedPolicyStatus());
    policy.getStatus().observedGeneration = policy.getMetadata().getGeneration();
    policy.getStatus().conditions = Conditions.with(new ArrayList<>(), Conditions.READY, valid, valid ? "Valid" : "InvalidSpec",
        valid ? "3 levels" : "level 2: downgrade target fraud-lite-v9 does not exist", 1L, NOW);
    return policy;
  }
}
