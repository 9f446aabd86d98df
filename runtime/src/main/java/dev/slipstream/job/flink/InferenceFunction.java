package dev.slipstream.job.flink;

import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.control.ControlWatcher;
import dev.slipstream.job.control.JobControl;
import dev.slipstream.job.event.FeaturedEvent;
import dev.slipstream.job.inference.Batcher;
import dev.slipstream.job.inference.InferenceException;
import dev.slipstream.job.inference.RetryPolicy;
import dev.slipstream.job.inference.V2Client;
import dev.slipstream.job.inference.V2Codec;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.job.metrics.PointCache;
import dev.slipstream.job.output.Decision;
import dev.slipstream.job.output.OutputCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Calls the model without blocking, under Flink's async I/O, events gathered into batches per route (one model version
 * on one side of a split: a batch never mixes versions) of up to {@code slipstream.inference.batch.max-size}, waiting
 * at most {@code batch.max-wait} to fill: at most {@code slipstream.inference.max-in-flight} requests per task are in
 * flight, and Flink holds at most that many batches of events, so when they are taken it stops taking events and
 * back-pressure reaches Kafka (lag grows, memory does not). An event whose answer does not
 * come within the timeout (retries included), or fails for good, gets the static fallback result, marked as a
 * fallback with the reason; so does every event while the control says {@code shed}.
 *
 * <p>The function keeps each event's deadline itself, so Flink's async operator runs without a timeout (no timer per
 * event): one queue in deadline order, one timer at its head. The task thread only adds events to their batches; a
 * batch is encoded and sent on the callback threads.
 */
final class InferenceFunction extends RichAsyncFunction<FeaturedEvent, Decision> {
  static final long CONTROL_PERIOD_MS = 1000;
  private final JobSettings settings;
  private transient V2Client client;
  private transient ExecutorService callbacks;
  private transient ScheduledExecutorService timer;
  private transient Batcher<JobControl.Route, Item> batcher;
  private transient ControlWatcher control;
  private transient JobMetrics metrics;
  private transient String[] labels;
  /** The per-event points, looked up once: in flight, in flight by side and version, decision latency by model and version. */
  private transient io.prometheus.metrics.core.datapoints.GaugeDataPoint inFlight;
  private transient PointCache<io.prometheus.metrics.core.datapoints.GaugeDataPoint> routedInFlight;
  private transient PointCache<io.prometheus.metrics.core.datapoints.DistributionDataPoint> decisionLatency;
  /**
   * Every event waiting for its answer, in the order of its deadline (each is the timeout after its arrival): the
   * answer and the deadline race for it, and whichever comes first answers it. Guarded by itself.
   */
  private transient ArrayDeque<Item> deadlines;
  /** Whether a sweep is scheduled at the head's deadline. Guarded by {@link #deadlines}. */
  private transient boolean sweepScheduled;

  InferenceFunction(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext context) {
    metrics = JobMetrics.get(settings.metricsPort());
    labels = new String[] {settings.namespace(), settings.pipeline(), settings.role().name()};
    inFlight = metrics.inFlight.labelValues(labels);
    routedInFlight = new PointCache<>((side, version) -> metrics.routedInFlight.labelValues(labels[0], labels[1], labels[2], side, version));
    decisionLatency = new PointCache<>((model, version) -> metrics.decisionLatency.labelValues(labels[0], labels[1], labels[2], model, version));
    deadlines = new ArrayDeque<>();
    sweepScheduled = false;
    callbacks = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "slipstream-inference");
      t.setDaemon(true);
      return t;
    });
    client = new V2Client(new RetryPolicy(settings.retries()), this::attempted, settings.maxInFlight());
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slipstream-batches");
      t.setDaemon(true);
      return t;
    });
    batcher = new Batcher<>(settings.batchMaxSize(), settings.batchMaxWait(), settings.maxInFlight(), this::send, timer);
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
        : control.control(settings.endpoint(), settings.modelName());
  }

  @Override
  public void asyncInvoke(FeaturedEvent e, ResultFuture<Decision> result) {
    if (e.lateReason != null) {
      result.complete(List.of(OutputCodec.late(e, e.lateReason, System.currentTimeMillis())));
      return;
    }
    JobControl now = control();
    JobControl.Route route = now.route(e.key);
    String version = route.modelVersion() == null ? "unknown" : route.modelVersion();
    if (now.shedding()) {
      result.complete(List.of(fallback(e, "shed: the pipeline is at level " + now.levelName(),
          now.fallbackResult() != null ? now.fallbackResult() : settings.fallbackResult(), "shed", version)));
      return;
    }
    var routed = routedInFlight.get(route.side(), version);
    inFlight.inc();
    routed.inc();
    Item item = new Item(e, result, new AtomicBoolean(), version, routed,
        System.nanoTime() + settings.inferenceTimeout().toNanos());
    awaitDeadline(item);
    batcher.add(route, item);
  }

  /** Queues the event's deadline; the first event of an empty queue schedules the sweep at its deadline. */
  private void awaitDeadline(Item item) {
    boolean schedule;
    synchronized (deadlines) {
      while (!deadlines.isEmpty() && deadlines.peekFirst().answered().get()) {
        deadlines.pollFirst(); // answered in time: its deadline no longer matters
      }
      deadlines.addLast(item);
      schedule = !sweepScheduled;
      sweepScheduled = true;
    }
    if (schedule) {
      timer.schedule(this::sweep, item.deadlineNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * At the head's deadline: every event whose deadline has passed and that has no answer yet gets its timeout
   * fallback (the batch it is in may still be waiting for a slot, or the client's own deadline may not have fired
   * yet); then the sweep is scheduled at the next deadline, if any.
   */
  private void sweep() {
    List<Item> due = new ArrayList<>();
    boolean again;
    long next;
    synchronized (deadlines) {
      long now = System.nanoTime();
      while (!deadlines.isEmpty() && (deadlines.peekFirst().answered().get() || deadlines.peekFirst().deadlineNanos() <= now)) {
        Item item = deadlines.pollFirst();
        if (!item.answered().get()) {
          due.add(item);
        }
      }
      again = sweepScheduled = !deadlines.isEmpty();
      next = again ? deadlines.peekFirst().deadlineNanos() : now;
    }
    if (again) {
      try {
        timer.schedule(this::sweep, next - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // closing: nothing waits any more
      }
    }
    for (Item item : due) {
      if (item.answered().compareAndSet(false, true)) {
        item.result().complete(List.of(timedOut(item.event(), item.version())));
      }
    }
  }

  /**
   * An event gathered into a batch: where its result goes, whether it has had it, the version it was sent to (a
   * metrics label), its own deadline.
   */
  private record Item(FeaturedEvent event, ResultFuture<Decision> result, AtomicBoolean answered, String version,
      io.prometheus.metrics.core.datapoints.GaugeDataPoint routed, long deadlineNanos) {}

  /** Hands a due batch to the callback threads, which encode and send it: the caller may be the task thread. */
  private CompletableFuture<?> send(JobControl.Route route, List<Item> batch) {
    return CompletableFuture.supplyAsync(() -> sendNow(route, batch), callbacks).thenCompose(sent -> sent);
  }

  /**
   * Sends one batch (events for one route) as one request, with the earliest deadline among them; each event gets
   * its own row of the answer, or, if the request fails, its own fallback, unless its deadline answered it first.
   * Events already answered by their deadline while they waited are not sent.
   */
  private CompletableFuture<?> sendNow(JobControl.Route route, List<Item> batch) {
    List<Item> live = new ArrayList<>(batch.size());
    for (Item item : batch) {
      if (item.answered().get()) {
        done(item);
      } else {
        live.add(item);
      }
    }
    if (live.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    int n = live.size();
    List<String> ids = new ArrayList<>(n);
    List<double[]> features = new ArrayList<>(n);
    List<String> payloads = new ArrayList<>(n);
    long deadline = Long.MAX_VALUE;
    for (Item item : live) {
      ids.add(item.event().id);
      features.add(item.event().features);
      payloads.add(item.event().payload);
      deadline = Math.min(deadline, item.deadlineNanos());
    }
    String version = live.get(0).version();
    metrics.batchSize.labelValues(labels[0], labels[1], labels[2], version).observe(n);
    long sentAt = System.nanoTime();
    return client.infer(route.endpoint(), route.modelName(), route.modelVersion(), V2Codec.request(ids, features, payloads), n,
        deadline).whenComplete((answers, error) -> {
          Throwable cause = error == null || error instanceof InferenceException || error.getCause() == null ? error
              : error.getCause();
          for (int i = 0; i < n; i++) {
            Item item = live.get(i);
            done(item);
            if (!item.answered().compareAndSet(false, true)) {
              continue; // the deadline answered first
            }
            FeaturedEvent e = item.event();
            if (cause == null) {
              Decision scored = scored(e, answers.get(i));
              scored.modelMs = (System.nanoTime() - sentAt) / 1_000_000;
              item.result().complete(List.of(scored));
            } else if (cause instanceof InferenceException ie && ie.isTimeout()) {
              item.result().complete(List.of(timedOut(e, item.version())));
            } else {
              item.result().complete(List.of(fallback(e, "error: " + cause.getMessage(), settings.fallbackResult(), "error",
                  item.version())));
            }
          }
        });
  }

  /** The event no longer waits on the model: out of the in-flight gauges. */
  private void done(Item item) {
    inFlight.dec();
    item.routed().dec();
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
    decisionLatency.get(d.modelName, d.modelVersion).observe(d.latencyMs / 1000.0);
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
    decisionLatency.get(d.modelName, "fallback").observe(d.latencyMs / 1000.0);
    return d;
  }

  @Override
  public void close() throws Exception {
    if (control != null) {
      control.close();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    if (client != null) {
      client.close();
    }
    if (callbacks != null) {
      callbacks.shutdownNow();
      callbacks.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
