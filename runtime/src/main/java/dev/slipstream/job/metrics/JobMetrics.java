package dev.slipstream.job.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The job's metrics in Prometheus format, one registry and one /metrics server per Flink process, shared by
 * every Slipstream job and operator in it (the labels tell them apart). The per-version inference metrics are
 * the job contract's: the operator's rollout and shed checks read them.
 */
public final class JobMetrics {
  private static JobMetrics instance;

  public final Histogram inferenceLatency;
  public final Counter inferenceRequests;
  public final Histogram decisionLatency;
  public final Counter consumed;
  public final Counter produced;
  public final Gauge inFlight;
  public final Histogram batchSize;
  public final Gauge routedInFlight;
  public final Counter timeouts;
  public final Counter fallbacks;
  public final Counter lateEvents;
  public final Gauge pausedTopic;
  public final Gauge watermark;
  private final HTTPServer server;

  private JobMetrics(int port) throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    inferenceLatency = Histogram.builder().name("slipstream_inference_latency_seconds")
        .help("Time of each inference request, per model and version that answered")
        .labelNames("namespace", "pipeline", "role", "model", "model_version")
        .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5)
        .register(registry);
    inferenceRequests = Counter.builder().name("slipstream_inference_requests_total")
        .help("Inference requests per model version and outcome (ok or error)")
        .labelNames("namespace", "pipeline", "role", "model", "model_version", "outcome").register(registry);
    decisionLatency = Histogram.builder().name("slipstream_decision_latency_seconds")
        .help("Event-to-decision latency: from the event's own time to its result, per model version")
        .labelNames("namespace", "pipeline", "role", "model", "model_version")
        // fine between 50 ms and 500 ms, where SLOs sit: a p99 is interpolated within one bucket, and a bucket from
        // 100 ms to 250 ms read a 139 ms p99 as 233 ms
        .classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5,
            0.75, 1, 2.5, 5, 10, 30, 60)
        .register(registry);
    consumed = Counter.builder().name("slipstream_events_consumed_total")
        .help("Events read from the input topics").labelNames("namespace", "pipeline", "role", "topic").register(registry);
    produced = Counter.builder().name("slipstream_records_produced_total")
        .help("Records written: scored, fallback or late").labelNames("namespace", "pipeline", "role", "kind").register(registry);
    inFlight = Gauge.builder().name("slipstream_inference_in_flight")
        .help("Events waiting for their model's answer in this process, gathered into a batch or sent")
        .labelNames("namespace", "pipeline", "role").register(registry);
    batchSize = Histogram.builder().name("slipstream_inference_batch_size")
        .help("Events in each inference request, per version it was sent to")
        .labelNames("namespace", "pipeline", "role", "model_version")
        .classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)
        .register(registry);
    routedInFlight = Gauge.builder().name("slipstream_routed_in_flight")
        .help("Events routed to each side of a canary split by key (stable or candidate) and not yet decided, per"
            + " version expected to answer: the version's own processing backlog, which tells whose slowness makes the"
            + " consumer lag grow")
        .labelNames("namespace", "pipeline", "role", "route", "model_version").register(registry);
    timeouts = Counter.builder().name("slipstream_inference_timeouts_total")
        .help("Events whose answer did not come within the inference timeout, per version they were sent to")
        .labelNames("namespace", "pipeline", "role", "model_version").register(registry);
    fallbacks = Counter.builder().name("slipstream_fallbacks_total")
        .help("Events answered with the static fallback result, by reason (shed, timeout or error) and the version"
            + " they were sent to, or would have been")
        .labelNames("namespace", "pipeline", "role", "reason", "model_version").register(registry);
    lateEvents = Counter.builder().name("slipstream_late_events_total")
        .help("Events behind their partition's watermark: scored (within the allowed lateness), too-late or unreadable")
        .labelNames("namespace", "pipeline", "role", "verdict").register(registry);
    pausedTopic = Gauge.builder().name("slipstream_topic_paused")
        .help("1 while the control has this input topic paused (shed level): its events wait in Kafka")
        .labelNames("namespace", "pipeline", "role", "topic").register(registry);
    watermark = Gauge.builder().name("slipstream_watermark_seconds")
        .help("The job's event-time watermark as the features see it, in epoch seconds: now minus this is how far event time lags")
        .labelNames("namespace", "pipeline", "role").register(registry);
    server = HTTPServer.builder().port(port).registry(registry).buildAndStart();
  }

  /** The process's metrics, serving /metrics on {@code port} from the first call on (0: any free port). */
  public static synchronized JobMetrics get(int port) {
    if (instance == null) {
      try {
        instance = new JobMetrics(port);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serve the job's metrics on port " + port, e);
      }
    }
    return instance;
  }

  /** The port /metrics is served on. */
  public int port() {
    return server.getPort();
  }
}
