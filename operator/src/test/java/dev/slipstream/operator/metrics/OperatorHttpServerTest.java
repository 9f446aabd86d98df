package dev.slipstream.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The operator's /metrics, /healthz and /readyz over real HTTP, with Slipstream's pipeline metrics. */
class OperatorHttpServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(OperatorHttpServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPipelineMetricsAndReadiness() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    PrometheusPipelineMetrics metrics = new PrometheusPipelineMetrics(registry);
    AtomicBoolean ready = new AtomicBoolean(false);
    try (OperatorHttpServer server = new OperatorHttpServer(0, registry, ready::get)) {
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);

      RolloutStatus rollout = new RolloutStatus();
      rollout.phase = "Canary";
      rollout.weight = 25;
      metrics.rollout("payments", "fraud-scoring", rollout);
      metrics.checked("payments", "fraud-scoring", List.of(
          new AnalysisResult("p99LatencyMs", "candidate", 412.0, 250.0, "Fail", "candidate p99 latency 412ms > 250ms")));
      metrics.rolledBack("payments", "fraud-scoring", "AnalysisFailed");
      metrics.consumerLag("payments", "fraud-scoring", 1234L);

      String body = get(server, "/metrics").body();
      assertThat(body)
          .contains("slipstream_rollout_phase{namespace=\"payments\",phase=\"Canary\",pipeline=\"fraud-scoring\"} 1")
          .contains("slipstream_rollout_phase{namespace=\"payments\",phase=\"Idle\",pipeline=\"fraud-scoring\"} 0")
          .contains("slipstream_rollout_weight_percent{namespace=\"payments\",pipeline=\"fraud-scoring\"} 25")
          .contains("slipstream_rollbacks_total{namespace=\"payments\",pipeline=\"fraud-scoring\",reason=\"AnalysisFailed\"} 1")
          .contains("slipstream_analysis_checks_total{metric=\"p99LatencyMs\",namespace=\"payments\",pipeline=\"fraud-scoring\",result=\"Fail\"} 1")
          .contains("slipstream_analysis_last_value{metric=\"p99LatencyMs\",namespace=\"payments\",pipeline=\"fraud-scoring\",target=\"candidate\"} 412")
          .contains("slipstream_consumer_lag{namespace=\"payments\",pipeline=\"fraud-scoring\"} 1234");

      metrics.forget("payments", "fraud-scoring");
      assertThat(get(server, "/metrics").body()).doesNotContain("slipstream_consumer_lag{namespace=\"payments\"");
    }
  }
}
