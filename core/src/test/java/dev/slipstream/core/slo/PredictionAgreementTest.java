package dev.slipstream.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.SloSpec;
import dev.slipstream.core.slo.PredictionAgreement.Prediction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionAgreementTest {
  private static Prediction scored(String id, double score) {
    return new Prediction(id, score, "{\"score\":[" + score + "]}", false);
  }

  @Test
  void recordsAreMatchedByEventAndAgreeWithinTheTolerance() {
    List<Prediction> served = List.of(scored("a", 0.20), scored("b", 0.50), scored("c", 0.90), scored("only-served", 0.1));
    List<Prediction> shadow = List.of(scored("a", 0.24), scored("b", 0.56), scored("c", 0.90), scored("only-shadow", 0.1));
    var agreement = PredictionAgreement.compare(served, shadow, 0.05);
    assertThat(agreement.compared()).isEqualTo(3);
    assertThat(agreement.agreeing()).isEqualTo(2); // b differs by 0.06
    assertThat(agreement.percent()).isCloseTo(66.67, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void fallbacksAreNotPredictionsAndResultsWithoutScoresMustBeEqual() {
    List<Prediction> served = List.of(new Prediction("a", null, "{\"label\":\"fraud\"}", false),
        new Prediction("b", null, "{\"label\":\"ok\"}", false), new Prediction("c", null, "{\"decision\":\"review\"}", true));
    List<Prediction> shadow = List.of(new Prediction("a", null, "{\"label\":\"fraud\"}", false),
        new Prediction("b", null, "{\"label\":\"fraud\"}", false), new Prediction("c", 0.3, "{}", false));
    var agreement = PredictionAgreement.compare(served, shadow, 0.05);
    assertThat(agreement).isEqualTo(new PredictionAgreement.Agreement(2, 1));
  }

  @Test
  void theShadowCheckNamesTheAgreementTheThresholdAndHowManyRecords() {
    List<Prediction> served = new ArrayList<>();
    List<Prediction> shadow = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      served.add(scored("e" + i, 0.2));
      shadow.add(scored("e" + i, i < 60 ? 0.2 : 0.8));
    }
    var signals = new Signals("shadow", 0L, null, null, null, null, false)
        .withAgreement(PredictionAgreement.compare(served, shadow, 0.05), 90.0);
    var results = SloEvaluator.evaluate(new SloSpec(), new AnalysisSpec(), signals);
    var agreement = results.stream().filter(r -> r.metric.equals("predictionAgreement")).findFirst().orElseThrow();
    assertThat(agreement.verdict).isEqualTo("Fail");
    assertThat(agreement.value).isEqualTo(60.0);
    assertThat(agreement.threshold).isEqualTo(90.0);
    assertThat(agreement.message).isEqualTo("shadow prediction agreement 60.0% < 90.0% over 100 records");
    assertThat(Verdict.of(results)).isEqualTo(Verdict.Fail);

    var unread = SloEvaluator.evaluate(new SloSpec(), new AnalysisSpec(),
        new Signals("shadow", 0L, null, null, null, null, false).withAgreement(null, 90.0));
    assertThat(unread.stream().filter(r -> r.metric.equals("predictionAgreement")).findFirst().orElseThrow().message)
        .isEqualTo("shadow prediction agreement: no data (the output topics could not be read)");
  }
}
