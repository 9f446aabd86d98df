package dev.slipstream.demo;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.job.Json;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.operator.prometheus.PrometheusLatencySource;
import dev.slipstream.testkit.EmbeddedPrometheus;
import dev.slipstream.testkit.KafkaTopics;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far a canary's measured p99 is from the truth at 5% of the keys: the fraud pipeline on the embedded stack with
 * the reference job and a real Prometheus, fraud-v1 answering in 5 ms, fraud-v2 in 60 ms and split by key at 5%.
 * Events are written in order (event time now), so event-to-decision latency is the job's and the model's. The
 * measured p99 is what Prometheus makes of the job's per-version histogram over the window (the figure a check
 * holds against an SLO); the truth is the exact p99 of the decisions on the output topic over the same window. The
 * version-blind p99, the histogram summed over both versions, is what a judgement without attribution would see.
 */
final class Attribution {
  static final String NS = "attribution";
  static final String PIPELINE = "fraud-scoring";
  static final int WEIGHT = 5;
  static final double STABLE_MS = 5;
  static final double CANDIDATE_MS = 60;

  private Attribution() {}

  /** Exact and measured p99 (ms) of event to decision, per version and version-blind, over one window. */
  record Figures(double candidateTruthMs, Double candidateMeasuredMs, double stableTruthMs, Double stableMeasuredMs,
      Double blindMeasuredMs, long candidateDecisions, long stableDecisions, Duration window) {
    double candidateErrorMs() {
      return candidateMeasuredMs == null ? Double.NaN : candidateMeasuredMs - candidateTruthMs;
    }
  }

  static Figures run(Path work, Duration window) throws Exception {
    try (EmbeddedPrometheus prometheus = EmbeddedPrometheus.start(JobMetrics.get(0).port());
        EmbeddedStack stack = new EmbeddedStack(Map.of("SLIPSTREAM_RESYNC", "2s", "SLIPSTREAM_METRICS_PORT", "0",
            "SLIPSTREAM_LEADER_ELECTION", "false", "SLIPSTREAM_PROMETHEUS_URL", prometheus.url()));
        LocalServing serving = new LocalServing(stack.client, NS, Map.of("fraud-v1", STABLE_MS, "fraud-v2", CANDIDATE_MS));
        LocalFlink flink = new LocalFlink(stack.client, NS, serving, work).reportingTo(stack.flinkReports(NS))) {
      // the example in a namespace of its own, its topics named after it
      var objects = Manifests.moveTo(Manifests.withBootstrapServers(Manifests.read(Manifests.examples()
          .resolve("fraud-scoring.yaml")), stack.kafka.bootstrapServers()), NS);
      for (GenericKubernetesResource o : objects) {
        if (!"ShedPolicy".equals(o.getKind())) {
          var typed = Manifests.typed(o);
          if (typed instanceof StreamingPipeline p) {
            p.getSpec().serving.shedPolicyRef = null;
            p.getSpec().inference.timeout = "2s"; // every event scored: no fallback cuts the tail off
          }
          stack.client.resource(typed).create();
        }
      }
      var pipelines = stack.client.resources(StreamingPipeline.class).inNamespace(NS).withName(PIPELINE);
      await("the pipeline Ready").atMost(Duration.ofSeconds(90)).until(() -> pipelines.get().getStatus() != null
          && Conditions.isTrue(pipelines.get().getStatus().conditions, Conditions.READY));
      await("its job").atMost(Duration.ofSeconds(60)).until(() -> flink.running().contains(PIPELINE));
      try (EventFeed feed = EventFeed.start(stack.kafka.bootstrapServers(), NS + "-card-transactions", 200, true)) {
        PrometheusLatencySource api = new PrometheusLatencySource(prometheus.url(), Duration.ofSeconds(5));
        // past the job's cold start, when every figure is the JIT's and the collector's
        await("a steady stable version").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
          Double p99 = api.query(p99("model_version=\"1\"", "[10s]"));
          return p99 != null && p99 < 150;
        });
        stack.createFraudVersion(NS, 2);
        // 5% of the keys for as long as the window lasts: the next check is far away
        pipelines.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"rollout\":{\"canary\":{\"steps\":[" + WEIGHT
            + ",100],\"interval\":\"1h\"}},\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"}}}}");
        var control = stack.client.configMaps().inNamespace(NS).withName(PIPELINE + "-control");
        await("the candidate at " + WEIGHT + "%").atMost(Duration.ofSeconds(60)).until(() -> control.get() != null
            && String.valueOf(WEIGHT).equals(control.get().getData().get("candidate-weight")));
        String count = "sum(slipstream_decision_latency_seconds_count{namespace=\"" + NS + "\",model_version=\"2\"})";
        await("the job following the ConfigMap").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> api.query(count) != null);
        long from = System.currentTimeMillis();
        Thread.sleep(window.toMillis()); // the window measured
        long to = System.currentTimeMillis();
        await("a scrape after the window").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
          Double last = api.query("max(timestamp(" + count + "))");
          return last != null && last * 1000 >= to;
        });
        String range = "[" + window.toSeconds() + "s] @ " + (to / 1000);
        Double candidate = api.query(p99("model_version=\"2\"", range));
        Double stable = api.query(p99("model_version=\"1\"", range));
        Double blind = api.query(p99("model_version=~\"1|2\"", range));
        List<JsonNode> all = new java.util.ArrayList<>();
        await("the window's decisions committed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
          all.clear();
          KafkaTopics.read(stack.kafka.bootstrapServers(), NS + "-fraud-scores", true).forEach(r -> all.add(Json.readOrText(r.value())));
          return all.stream().anyMatch(d -> d.path("decidedAt").asLong() > to);
        });
        List<JsonNode> decided = all.stream()
            .filter(d -> "scored".equals(d.path("kind").asText()) && d.path("decidedAt").asLong() > from
                && d.path("decidedAt").asLong() <= to).toList();
        List<Long> byCandidate = latencies(decided, "2");
        List<Long> byStable = latencies(decided, "1");
        return new Figures(JobBench.percentile(byCandidate, 99), candidate, JobBench.percentile(byStable, 99), stable, blind,
            byCandidate.size(), byStable.size(), window);
      }
    }
  }

  private static String p99(String version, String range) {
    return "1000 * histogram_quantile(0.99, sum by (le) (rate(slipstream_decision_latency_seconds_bucket{namespace=\"" + NS
        + "\",pipeline=\"" + PIPELINE + "\",model=\"fraud\"," + version + "}" + range + ")))";
  }

  private static List<Long> latencies(List<JsonNode> decided, String version) {
    return decided.stream().filter(d -> version.equals(d.path("modelVersion").asText()))
        .map(d -> d.path("latencyMs").asLong()).sorted().toList();
  }

  static void print(Figures f) {
    System.out.printf(Locale.ROOT, "  attribution at %d%% of the keys over %d s: candidate (%.0f ms model) p99 event to"
        + " decision measured %s, exact %.0f ms over %d decisions (error %+.1f ms); stable (%.0f ms model) measured %s,"
        + " exact %.0f ms over %d; version-blind p99 %s%n", WEIGHT, f.window().toSeconds(), CANDIDATE_MS,
        ms(f.candidateMeasuredMs()), f.candidateTruthMs(), f.candidateDecisions(), f.candidateErrorMs(), STABLE_MS,
        ms(f.stableMeasuredMs()), f.stableTruthMs(), f.stableDecisions(), ms(f.blindMeasuredMs()));
  }

  static String ms(Double v) {
    return v == null ? "no data" : String.format(Locale.ROOT, "%.0f ms", v);
  }
}
