package dev.slipstream.testkit;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The per-version inference metrics of the job contract, as a running job exports them, on a loopback
 * HTTP /metrics endpoint for a real Prometheus to scrape: {@code slipstream_inference_latency_seconds}
 * (histogram) and {@code slipstream_inference_requests_total} (counter by outcome), labelled namespace,
 * pipeline, role, model and model_version (as the model server reports them with each answer). Each version
 * served answers 200 requests a second at the latency and error rate the test sets.
 */
public final class ModelMetricsEndpoint implements AutoCloseable {
  private static final int REQUESTS_PER_TICK = 20;
  private final Histogram latency;
  private final Counter requests;
  private final HTTPServer server;
  private final Map<List<String>, double[]> serving = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "model-metrics");
    t.setDaemon(true);
    return t;
  });

  private ModelMetricsEndpoint() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    latency = Histogram.builder().name("slipstream_inference_latency_seconds")
        .help("Inference latency per model version").labelNames("namespace", "pipeline", "role", "model", "model_version")
        .classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5)
        .register(registry);
    requests = Counter.builder().name("slipstream_inference_requests_total")
        .help("Inference requests per model version and outcome")
        .labelNames("namespace", "pipeline", "role", "model", "model_version", "outcome").register(registry);
    server = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(registry).buildAndStart();
    ticker.scheduleAtFixedRate(this::tick, 0, 100, TimeUnit.MILLISECONDS);
  }

  public static ModelMetricsEndpoint start() {
    try {
      return new ModelMetricsEndpoint();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getPort();
  }

  /** From now on this model version answers at {@code latencyMs}, failing {@code errorPercent} of its requests. */
  public void serve(String namespace, String pipeline, String model, String version, double latencyMs, double errorPercent) {
    serving.put(List.of(namespace, pipeline, "primary", model, version), new double[] {latencyMs / 1000.0, errorPercent});
  }

  private void tick() {
    serving.forEach((labels, behaviour) -> {
      int errors = (int) Math.round(REQUESTS_PER_TICK * behaviour[1] / 100.0);
      for (int i = 0; i < REQUESTS_PER_TICK; i++) {
        latency.labelValues(labels.toArray(String[]::new)).observe(behaviour[0]);
        requests.labelValues(labels.get(0), labels.get(1), labels.get(2), labels.get(3), labels.get(4), i < errors ? "error" : "ok").inc();
      }
    });
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    server.close();
  }
}
