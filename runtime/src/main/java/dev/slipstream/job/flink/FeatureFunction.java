package dev.slipstream.job.flink;

import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.event.FeaturedEvent;
import dev.slipstream.job.event.SourceEvent;
import dev.slipstream.job.features.CanonicalTexts;
import dev.slipstream.job.features.FeatureSet;
import dev.slipstream.job.features.HistoryEntry;
import dev.slipstream.job.features.KeyHistory;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.job.output.OutputCodec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per key: the features of each accepted event over the key's history ({@link FeatureSet#compute}), then the
 * event joins the history. Event-time timers drop what no later event can need: an event accepted later lies
 * within the allowed lateness behind the watermark, so history older than the longest window plus the allowed
 * lateness is never read again. A replay's warm-up events (before its range) only join the history.
 */
final class FeatureFunction extends KeyedProcessFunction<String, SourceEvent, FeaturedEvent> {
  private static final long TIMER_GRANULARITY_MS = 1000;
  /** How many distinct text values a task keeps one instance of before it starts again. */
  private static final int CANONICAL_TEXTS = 10_000;
  private final JobSettings settings;
  private transient FeatureSet features;
  private transient ValueState<KeyHistory> history;
  /** Where versions before kept a key's history, one entry per event: moved into {@link #history} on the key's next event. */
  private transient ListState<HistoryEntry> entries;
  private transient JobMetrics metrics;
  private transient CanonicalTexts texts;

  FeatureFunction(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext context) {
    features = new FeatureSet(settings.features(), settings.allowedLateness().toMillis());
    texts = new CanonicalTexts(CANONICAL_TEXTS);
    history = getRuntimeContext().getState(new ValueStateDescriptor<>("key-history", KeyHistory.class));
    entries = getRuntimeContext().getListState(new ListStateDescriptor<>("history", HistoryEntry.class));
    metrics = JobMetrics.get(settings.metricsPort());
  }

  @Override
  public void processElement(SourceEvent e, Context ctx, Collector<FeaturedEvent> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    if (watermark != Long.MIN_VALUE) {
      metrics.watermark.labelValues(settings.namespace(), settings.pipeline(), settings.role().name()).set(watermark / 1000.0);
    }
    if (e.lateReason != null) {
      out.collect(FeaturedEvent.of(e, null)); // judged late at the source: on to its late record, no features
      return;
    }
    boolean warmingUp = settings.replay() != null && settings.replay().warmingUp(e.topic, e.partition, e.offset);
    if (watermark != Long.MIN_VALUE && e.eventTime <= watermark - settings.allowedLateness().toMillis()) {
      if (warmingUp) {
        return;
      }
      // only after a partition sat idle while the others moved on: its history may be gone already
      e.lateness = SourceEvent.TOO_LATE;
      e.watermark = watermark;
      metrics.lateEvents.labelValues(settings.namespace(), settings.pipeline(), settings.role().name(), "too-late").inc();
      e.lateReason = OutputCodec.lateReason(e, settings.allowedLateness().toMillis())
          .replace("of partition " + e.partitionName(), "of the job (partition " + e.partitionName() + " was idle)");
      out.collect(FeaturedEvent.of(e, null));
      return;
    }
    HistoryEntry entry = new HistoryEntry(e.eventTime, e.numbers, texts.canonical(e.texts));
    KeyHistory kept = keyHistory();
    double[] plain = new double[features.specs().size()];
    if (!warmingUp) {
      features.compute(kept, entry, plain);
    }
    kept.add(entry);
    history.update(kept);
    long cleanup = e.eventTime + features.retentionMillis();
    ctx.timerService().registerEventTimeTimer(cleanup - Math.floorMod(cleanup, TIMER_GRANULARITY_MS) + TIMER_GRANULARITY_MS);
    if (!warmingUp) {
      // a replay's warm-up event joins the key's history, as it did live, and gets no decision of its own
      out.collect(FeaturedEvent.of(e, plain));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeaturedEvent> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    KeyHistory kept = keyHistory();
    boolean dropped = kept.expire(features, watermark);
    if (kept.size() == 0) {
      history.clear();
    } else if (dropped) {
      history.update(kept);
    }
  }

  /**
   * The current key's history, with what a version before kept of it as separate entries moved in (and their list
   * cleared): a job restored from such a version's savepoint loses none of its windows.
   */
  private KeyHistory keyHistory() throws Exception {
    KeyHistory kept = history.value();
    if (kept != null) {
      return kept;
    }
    kept = new KeyHistory(features.fields().size());
    Iterable<HistoryEntry> before = entries.get();
    if (before != null) {
      boolean any = false;
      for (HistoryEntry h : before) {
        kept.add(h);
        any = true;
      }
      if (any) {
        entries.clear();
      }
    }
    return kept;
  }
}
