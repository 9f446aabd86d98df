package dev.slipstream.core.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A canary step that needs a person: the canary holds before it, still checked, until an approve command. */
class RolloutApprovalTest {
  private static RolloutWorld approvalsAt(Integer... weights) {
    return RolloutWorld.canaryOfV2(spec -> spec.canary.approvals = List.of(weights));
  }

  @Test
  void theCanaryHoldsBeforeAnApprovedStepUntilApprovedAndThenGoesOn() {
    RolloutWorld w = approvalsAt(50);
    assertThat(w.status.weight).isEqualTo(5);
    w.healthyCheck();
    assertThat(w.status.weight).isEqualTo(25);
    w.healthyCheck();
    assertThat(w.phase()).isEqualTo(RolloutPhase.AwaitingApproval);
    assertThat(w.status.weight).as("held at the step before").isEqualTo(25);
    assertThat(w.status.message).startsWith("awaiting approval to move v2 to 50%");
    assertThat(w.events).extracting(RolloutDecision.Event::reason).containsOnlyOnce("ApprovalRequired");

    // a person takes their time: checks go on, the progress deadline (10m) does not end the rollout
    for (int i = 0; i < 20; i++) {
      w.healthyCheck();
    }
    assertThat(w.now).isAfter(RolloutWorld.T0.plus(Duration.ofMinutes(15)));
    assertThat(w.phase()).isEqualTo(RolloutPhase.AwaitingApproval);
    assertThat(w.events).extracting(RolloutDecision.Event::reason).containsOnlyOnce("ApprovalRequired");

    w.reconcile(null, RolloutCommand.APPROVE);
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.weight).isEqualTo(50);
    assertThat(w.last.events()).extracting(RolloutDecision.Event::reason).containsExactly("CanaryStepApproved");
    w.healthyCheck();
    w.healthyCheck();
    w.reconcile();
    assertThat(w.phase()).isEqualTo(RolloutPhase.Succeeded);
  }

  @Test
  void aCandidateFailingWhileAwaitingApprovalIsRolledBackWithoutAPerson() {
    RolloutWorld w = approvalsAt(25);
    w.healthyCheck();
    assertThat(w.phase()).isEqualTo(RolloutPhase.AwaitingApproval);
    for (int i = 0; i < 3; i++) {
      w.check(RolloutWorld.slow());
    }
    assertThat(w.phase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(w.status.rollbackReason).isEqualTo("AnalysisFailed");
  }

  @Test
  void anApprovalOfTheFirstStepDeploysTheCandidateButGivesItNoTrafficUntilApproved() {
    RolloutWorld w = approvalsAt(5);
    assertThat(w.phase()).isEqualTo(RolloutPhase.AwaitingApproval);
    assertThat(w.status.weight).isZero();
    assertThat(RolloutStateMachine.checkDue(w.spec, w.status, w.now.plus(Duration.ofHours(1))))
        .as("nothing to judge without traffic").isFalse();
    w.advance(Duration.ofHours(1));
    w.reconcile();
    assertThat(w.phase()).as("no deadline while a person is awaited").isEqualTo(RolloutPhase.AwaitingApproval);
    w.reconcile(null, RolloutCommand.APPROVE);
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
    assertThat(w.status.weight).isEqualTo(5);
    assertThat(w.status.stepStartedAt).isEqualTo(w.now.toString());
  }

  @Test
  void anApprovalNothingAwaitsIsSaidAndChangesNothing() {
    RolloutWorld w = approvalsAt();
    var before = w.status;
    w.reconcile(null, RolloutCommand.APPROVE);
    assertThat(w.last.events()).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo("ApprovalIgnored");
      assertThat(e.warning()).isTrue();
    });
    assertThat(w.status.weight).isEqualTo(before.weight);
    assertThat(w.phase()).isEqualTo(RolloutPhase.Canary);
  }

  @Test
  void aCommandCarriesAnIdAfterAColonOrASlash() {
    assertThat(RolloutCommand.parse("approve/2026-12-01T10:00")).isEqualTo(RolloutCommand.APPROVE);
    assertThat(RolloutCommand.parse("promote:2")).isEqualTo(RolloutCommand.PROMOTE);
    assertThat(RolloutCommand.parse("approved")).isEqualTo(RolloutCommand.NONE);
    // the same value again, as a GitOps tool re-applies it, is not a new command
    assertThat(RolloutCommand.fresh("approve/2026-12-01T10:00", "approve/2026-12-01T10:00")).isFalse();
    assertThat(RolloutCommand.fresh("approve/2026-12-01T10:05", "approve/2026-12-01T10:00")).isTrue();
  }
}
