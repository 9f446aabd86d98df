package dev.slipstream.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.SloSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Under a canary split by key, a lag that breaks the SLO (10000) is told whose it is from each side's backlog in the
 * job: the events it has routed to that side and not yet decided.
 */
class LagAttributionTest {
  private static final SloSpec SLO = new SloSpec();

  private static List<AnalysisResult> judge(long lag, long previous, Signals.Backlog backlog) {
    Signals signals = new Signals("candidate", lag, previous, null, null, null, false).withLag("pipeline", null);
    return SloEvaluator.evaluate(SLO, new AnalysisSpec(), backlog == null ? signals : signals.withBacklog(backlog));
  }

  private static AnalysisResult metric(List<AnalysisResult> results, String metric) {
    return results.stream().filter(r -> metric.equals(r.metric)).findFirst().orElseThrow();
  }

  @Test
  void aCandidateWhoseEventsWaitFarLongerIsBlamedForTheGrowingLag() {
    // 50% of the keys: the candidate holds 14 events in flight, the stable version 2: each waits 7x as long
    var results = judge(30_000, 20_000, new Signals.Backlog(14.0, 2.0, 50));
    assertThat(metric(results, SloEvaluator.CONSUMER_LAG).verdict).isEqualTo("Fail");
    assertThat(metric(results, SloEvaluator.CONSUMER_LAG).message).isEqualTo("pipeline consumer lag 30000 > 10000;"
        + " the candidate's: the candidate's events wait 7.0x as long as the stable version's (backlog 14.0 at 50% of"
        + " the keys, stable 2.0 at 50%)");
    assertThat(metric(results, SloEvaluator.LAG_GROWTH).verdict).isEqualTo("Fail");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Fail);
  }

  @Test
  void aLagTheStableVersionCausesIsNotTheCandidatesAndHasNoVerdict() {
    // 10% of the keys: the candidate holds 1.2 of the events in flight, as its share of keys would have it
    var results = judge(30_000, 20_000, new Signals.Backlog(1.2, 14.8, 10));
    assertThat(metric(results, SloEvaluator.CONSUMER_LAG).verdict).isEqualTo("NoData");
    assertThat(metric(results, SloEvaluator.CONSUMER_LAG).message).contains("; not the candidate's: the candidate's"
        + " events wait 0.7x as long as the stable version's (backlog 1.2 at 10% of the keys, stable 14.8 at 90%)");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.NoData);
  }

  @Test
  void onlyTheCandidateWaitingIsTheCandidatesAndNobodyWaitingIsNobodys() {
    assertThat(metric(judge(30_000, 20_000, new Signals.Backlog(3.0, 0.0, 10)), SloEvaluator.CONSUMER_LAG).message)
        .endsWith("the candidate's: only the candidate's events wait (backlog 3.0 at 10% of the keys, stable 0.0 at 90%)");
    assertThat(metric(judge(30_000, 20_000, new Signals.Backlog(0.0, 0.0, 10)), SloEvaluator.CONSUMER_LAG).verdict)
        .as("the job waits on nothing: its lag is not a model's").isEqualTo("NoData");
  }

  @Test
  void aSideWithoutBacklogWhileTheStepSettlesIsNotYetKnownAndHasNoVerdict() {
    var results = judge(30_000, 20_000, new Signals.Backlog(null, 2.0, 50, true));
    assertThat(metric(results, SloEvaluator.CONSUMER_LAG).verdict).isEqualTo("NoData");
    assertThat(metric(results, SloEvaluator.CONSUMER_LAG).message).isEqualTo("pipeline consumer lag 30000 > 10000;"
        + " whose it is not known yet: no backlog from the job for the candidate at 50% so far");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.NoData);
    // its twin: both sides measured within the same settling time, the candidate's lag fails at once
    assertThat(Verdict.of(judge(30_000, 20_000, new Signals.Backlog(14.0, 2.0, 50, true)))).isEqualTo(Verdict.Fail);
  }

  @Test
  void aSideStillWithoutBacklogOnceSettledIsJudgedOnThePipelinesLagAndSaysSo() {
    var lag = metric(judge(30_000, 20_000, new Signals.Backlog(2.0, null, 50)), SloEvaluator.CONSUMER_LAG);
    assertThat(lag.verdict).isEqualTo("Fail");
    assertThat(lag.message).endsWith("; whose it is not known: no backlog from the job for the stable version,"
        + " judged on the pipeline's lag");
    assertThat(metric(judge(30_000, 20_000, new Signals.Backlog(null, null, 50)), SloEvaluator.CONSUMER_LAG).message)
        .contains("for either version");
  }

  @Test
  void withoutASplitOrWithinTheSloTheCheckIsAsBefore() {
    assertThat(metric(judge(30_000, 20_000, null), SloEvaluator.CONSUMER_LAG).verdict).isEqualTo("Fail");
    var whole = metric(judge(30_000, 20_000, new Signals.Backlog(null, null, 100, true)), SloEvaluator.CONSUMER_LAG);
    assertThat(whole.verdict).as("every key on the candidate: the lag is its own").isEqualTo("Fail");
    assertThat(whole.message).isEqualTo("pipeline consumer lag 30000 > 10000");
    var healthy = judge(500, 400, new Signals.Backlog(1.2, 14.8, 10));
    assertThat(metric(healthy, SloEvaluator.CONSUMER_LAG).verdict).isEqualTo("Pass");
    assertThat(metric(healthy, SloEvaluator.CONSUMER_LAG).message).isEqualTo("pipeline consumer lag 500 <= 10000");
  }
}
