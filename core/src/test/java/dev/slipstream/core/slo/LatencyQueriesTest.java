package dev.slipstream.core.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyQueriesTest {
  private static LatencyQueries.Subject subject(String namespace, String pipeline, String version) {
    return new LatencyQueries.Subject(namespace, pipeline, "fraud", version, "fraud-v" + version);
  }

  @Test
  void theDefaultP99QueryReadsTheJobsHistogramForTheVersionTheServerReports() {
    String q = LatencyQueries.render(LatencyQueries.DEFAULT.p99LatencyMs(), subject("payments", "fraud-scoring", "2"),
        Duration.ofSeconds(60));
    assertThat(q).isEqualTo("1000 * histogram_quantile(0.99, sum by (le) (rate(slipstream_inference_latency_seconds_bucket{"
        + "namespace=\"payments\",pipeline=\"fraud-scoring\",role!=\"replay\",model=\"fraud\",model_version=\"2\"}[60s])))");
    assertThat(LatencyQueries.render("{{modelVersion}}", subject("n", "p", "2"), Duration.ofSeconds(60))).isEqualTo("fraud-v2");
  }

  @Test
  void eachVersionsBacklogIsTheJobsOwnGaugeAveragedOverTheInterval() {
    assertThat(LatencyQueries.backlog(subject("payments", "fraud-scoring", "2"), "candidate", Duration.ofSeconds(5)))
        .as("a window shorter than two scrapes is widened").isEqualTo("sum(avg_over_time(slipstream_routed_in_flight{"
            + "namespace=\"payments\",pipeline=\"fraud-scoring\",role=\"primary\",route=\"candidate\",model_version=\"2\"}[10s]))");
  }

  @Test
  void aVersionWithoutErrorsHasAZeroErrorRateNotMissingData() {
    assertThat(LatencyQueries.DEFAULT.errorRatePercent()).contains("or vector(0))");
  }

  @Test
  void aValueCannotCloseItsQuotesAndInjectQueryText() {
    String hostile = "x\"} or vector(0) or up{a=\"";
    String q = LatencyQueries.render("up{pipeline=\"{{pipeline}}\"}", subject("ns", hostile, "v"), Duration.ofSeconds(30));
    assertThat(q).isEqualTo("up{pipeline=\"x\\\"} or vector(0) or up{a=\\\"\"}");
    assertThat(LatencyQueries.render("{{version}}", subject("ns", "p", "a\\b\nc"), Duration.ofSeconds(30))).isEqualTo("a\\\\b\\nc");
  }

  @Test
  void shortWindowsAreWidenedSoRateHasTwoScrapes() {
    assertThat(LatencyQueries.render("[{{interval}}]", subject("n", "p", "v"), Duration.ofSeconds(5))).isEqualTo("[10s]");
  }

  @Test
  void userTemplatesReplaceOnlyWhatTheyName() {
    LatencyQueries q = LatencyQueries.DEFAULT.overriddenBy("my_p99{app=\"{{pipeline}}\"}", null, null);
    assertThat(q.p99LatencyMs()).isEqualTo("my_p99{app=\"{{pipeline}}\"}");
    assertThat(q.errorRatePercent()).isEqualTo(LatencyQueries.DEFAULT.errorRatePercent());
  }

  @Test
  void unknownPlaceholdersAreLeftForPrometheusToRefuse() {
    assertThat(LatencyQueries.render("{{cluster}} {{namespace}}", subject("ns", "p", "v"), Duration.ofSeconds(30)))
        .isEqualTo("{{cluster}} ns");
  }

  @Test
  void theTritonPresetReadsTritonsOwnCountersPerModelAndVersion() {
    var subject = subject("vision", "image-embeddings", "3");
    assertThat(LatencyQueries.render(LatencyQueries.TRITON_PRESET.p99LatencyMs(), subject, Duration.ofSeconds(60)))
        .isEqualTo("max(nv_inference_request_summary_us{namespace=\"vision\",model=\"fraud\",version=\"3\",quantile=\"0.99\"}) / 1000");
    assertThat(LatencyQueries.render(LatencyQueries.TRITON_PRESET.errorRatePercent(), subject, Duration.ofSeconds(60)))
        .startsWith("100 * (sum(rate(nv_inference_request_failure{namespace=\"vision\",model=\"fraud\",version=\"3\"}[60s]))"
            + " or vector(0))");
  }

  @Test
  void theKServePresetReadsTheQueueProxyOfTheVersionsRevision() {
    var subject = new LatencyQueries.Subject("payments", "fraud-scoring", "fraud", "2", "fraud-v2", "fraud-scoring-predictor-00002");
    assertThat(LatencyQueries.render(LatencyQueries.KSERVE_PRESET.errorRatePercent(), subject, Duration.ofSeconds(30)))
        .isEqualTo("100 * (sum(rate(revision_app_request_count{namespace_name=\"payments\",revision_name=\"fraud-scoring-predictor-00002\","
            + "response_code_class=\"5xx\"}[30s])) or vector(0)) / sum(rate(revision_app_request_count{namespace_name=\"payments\","
            + "revision_name=\"fraud-scoring-predictor-00002\"}[30s]))");
  }
}
