package dev.slipstream.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyQueriesTest {
  @Test
  void theDefaultP99QueryReadsTheJobsHistogramForOneVersion() {
    String q = LatencyQueries.render(LatencyQueries.DEFAULT.p99LatencyMs(), "payments", "fraud-scoring", "fraud-v2",
        Duration.ofSeconds(60));
    assertThat(q).isEqualTo("1000 * histogram_quantile(0.99, sum by (le) (rate(slipstream_inference_latency_seconds_bucket{"
        + "namespace=\"payments\",pipeline=\"fraud-scoring\",model_version=\"fraud-v2\"}[60s])))");
  }

  @Test
  void aVersionWithoutErrorsHasAZeroErrorRateNotMissingData() {
    assertThat(LatencyQueries.DEFAULT.errorRatePercent()).contains("or vector(0))");
  }

  @Test
  void aValueCannotCloseItsQuotesAndInjectQueryText() {
    String hostile = "x\"} or vector(0) or up{a=\"";
    String q = LatencyQueries.render("up{pipeline=\"{{pipeline}}\"}", "ns", hostile, "v", Duration.ofSeconds(30));
    assertThat(q).isEqualTo("up{pipeline=\"x\\\"} or vector(0) or up{a=\\\"\"}");
    assertThat(LatencyQueries.render("{{version}}", "ns", "p", "a\\b\nc", Duration.ofSeconds(30))).isEqualTo("a\\\\b\\nc");
  }

  @Test
  void shortWindowsAreWidenedSoRateHasTwoScrapes() {
    assertThat(LatencyQueries.render("[{{interval}}]", "n", "p", "v", Duration.ofSeconds(5))).isEqualTo("[10s]");
  }

  @Test
  void userTemplatesReplaceOnlyWhatTheyName() {
    LatencyQueries q = LatencyQueries.DEFAULT.overriddenBy("my_p99{app=\"{{pipeline}}\"}", null, null);
    assertThat(q.p99LatencyMs()).isEqualTo("my_p99{app=\"{{pipeline}}\"}");
    assertThat(q.errorRatePercent()).isEqualTo(LatencyQueries.DEFAULT.errorRatePercent());
  }

  @Test
  void unknownPlaceholdersAreLeftForPrometheusToRefuse() {
    assertThat(LatencyQueries.render("{{cluster}} {{namespace}}", "ns", "p", "v", Duration.ofSeconds(30)))
        .isEqualTo("{{cluster}} ns");
  }
}
