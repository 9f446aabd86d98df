package dev.slipstream.job.flink;

import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.control.ControlWatcher;
import dev.slipstream.job.control.JobControl;
import dev.slipstream.job.event.FeaturedEvent;
import dev.slipstream.job.inference.InferenceException;
import dev.slipstream.job.inference.RetryPolicy;
import dev.slipstream.job.inference.V2Client;
import dev.slipstream.job.inference.V2Codec;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.job.output.Decision;
import dev.slipstream.job.output.OutputCodec;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Calls the model for each event without blocking, under Flink's async I/O: at most
 * {@code slipstream.inference.max-in-flight} requests per task are in flight, and when they are, Flink stops
 * taking events, so back-pressure reaches Kafka (lag grows, memory does not). An event whose answer does not
 * come within the timeout (retries included), or fails for good, gets the static fallback result, marked as a
 * fallback with the reason; so does every event while the control says {@code shed}.
 */
final class InferenceFunction extends RichAsyncFunction<FeaturedEvent, Decision> {
  static final long CONTROL_PERIOD_MS = 1000;
  private final JobSettings settings;
  private transient V2Client client;
  private transient ExecutorService callbacks;
  private transient ControlWatcher control;
  private transient JobMetrics metrics;
  private transient String[] labels;
  /** Whether each event in flight has had its result (the HTTP answer and Flink's timeout race for it), and its version. */
  private transient Map<FeaturedEvent, Pending> pending;

  /** An event in flight: whether it has had its result, and the version it was sent to (a metrics label). */
  private record Pending(AtomicBoolean answered, String version) {}

  InferenceFunction(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext context) {
    metrics = JobMetrics.get(settings.metricsPort());
    labels = new String[] {settings.namespace(), settings.pipeline(), settings.role().name()};
    pending = Collections.synchronizedMap(new IdentityHashMap<>());
    callbacks = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "slipstream-inference");
      t.setDaemon(true);
      return t;
    });
    client = new V2Client(new RetryPolicy(settings.retries()), this::attempted, callbacks);
    if (settings.controlDir() != null) {
      control = ControlWatcher.watch(settings.controlDir(), CONTROL_PERIOD_MS);
    }
  }

  private void attempted(long nanos, String model, String version, boolean failed) {
    String v = version == null ? "unknown" : version;
    metrics.inferenceRequests.labelValues(labels[0], labels[1], labels[2], model, v, failed ? "error" : "ok").inc();
    if (!failed) {
      metrics.inferenceLatency.labelValues(labels[0], labels[1], labels[2], model, v).observe(nanos / 1e9);
    }
  }

  /** The control in force now: the ConfigMap's, or normal operation on the contract's endpoint. */
  JobControl control() {
    return control == null ? JobControl.normal(settings.endpoint(), settings.modelName())
        : JobControl.from(control.data(), settings.endpoint(), settings.modelName());
  }

  @Override
  public void asyncInvoke(FeaturedEvent e, ResultFuture<Decision> result) {
    JobControl now = control();
    JobControl.Route route = now.route(e.key);
    String version = route.modelVersion() == null ? "unknown" : route.modelVersion();
    if (now.shedding()) {
      result.complete(List.of(fallback(e, "shed: the pipeline is at level " + now.levelName(),
          now.fallbackResult() != null ? now.fallbackResult() : settings.fallbackResult(), "shed", version)));
      return;
    }
    byte[] body = V2Codec.request(e.id, e.features, e.payload);
    long deadline = System.nanoTime() + settings.inferenceTimeout().toNanos();
    AtomicBoolean answered = new AtomicBoolean();
    pending.put(e, new Pending(answered, version));
    var routed = metrics.routedInFlight.labelValues(labels[0], labels[1], labels[2], route.side(), version);
    metrics.inFlight.labelValues(labels).inc();
    routed.inc();
    client.infer(route.endpoint(), route.modelName(), route.modelVersion(), body, deadline).whenComplete((answer, error) -> {
      metrics.inFlight.labelValues(labels).dec();
      routed.dec();
      if (!answered.compareAndSet(false, true)) {
        return; // the timeout answered first
      }
      pending.remove(e);
      Throwable cause = error == null || error instanceof InferenceException || error.getCause() == null ? error : error.getCause();
      if (cause == null) {
        result.complete(List.of(scored(e, answer)));
      } else if (cause instanceof InferenceException ie && ie.isTimeout()) {
        result.complete(List.of(timedOut(e, version)));
      } else {
        result.complete(List.of(fallback(e, "error: " + cause.getMessage(), settings.fallbackResult(), "error", version)));
      }
    });
  }

  /**
   * Flink's timeout for the event, retries included: the fallback, unless the answer came first. No longer
   * pending means the client's callback answered it already (its own deadline may end at the same moment as
   * Flink's): completing it again counted one timeout twice under load.
   */
  @Override
  public void timeout(FeaturedEvent e, ResultFuture<Decision> result) {
    Pending p = pending.remove(e);
    if (p == null || !p.answered().compareAndSet(false, true)) {
      return;
    }
    result.complete(List.of(timedOut(e, p.version())));
  }

  private Decision timedOut(FeaturedEvent e, String version) {
    metrics.timeouts.labelValues(labels[0], labels[1], labels[2], version).inc();
    return fallback(e, "timeout: no answer within " + settings.inferenceTimeout().toMillis() + " ms",
        settings.fallbackResult(), "timeout", version);
  }

  private Decision scored(FeaturedEvent e, V2Codec.Answer answer) {
    Decision d = OutputCodec.base(e, System.currentTimeMillis());
    d.kind = Decision.SCORED;
    d.modelName = answer.modelName();
    d.modelVersion = answer.modelVersion();
    d.score = answer.score();
    d.result = answer.outputs();
    d.features = OutputCodec.featuresJson(settings.features(), e.features);
    metrics.decisionLatency.labelValues(labels[0], labels[1], labels[2], d.modelName, d.modelVersion).observe(d.latencyMs / 1000.0);
    return d;
  }

  /** @param version the version the event was sent to, or would have been: the fallback is counted against it */
  private Decision fallback(FeaturedEvent e, String reason, String fallbackResult, String why, String version) {
    Decision d = OutputCodec.base(e, System.currentTimeMillis());
    d.kind = Decision.FALLBACK;
    d.modelName = settings.modelName();
    d.modelVersion = "fallback";
    d.result = fallbackResult;
    d.reason = reason;
    d.features = OutputCodec.featuresJson(settings.features(), e.features);
    metrics.fallbacks.labelValues(labels[0], labels[1], labels[2], why, version).inc();
    metrics.decisionLatency.labelValues(labels[0], labels[1], labels[2], d.modelName, "fallback").observe(d.latencyMs / 1000.0);
    return d;
  }

  @Override
  public void close() throws Exception {
    if (control != null) {
      control.close();
    }
    if (callbacks != null) {
      callbacks.shutdownNow();
      callbacks.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
