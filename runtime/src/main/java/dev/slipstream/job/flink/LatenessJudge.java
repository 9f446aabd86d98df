package dev.slipstream.job.flink;

import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.event.PartitionClock;
import dev.slipstream.job.event.SourceEvent;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.job.output.OutputCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Right after the source, in the same task: judges each event against its partition's watermark
 * ({@link PartitionClock}) and sends what cannot be scored (unreadable, or later than the allowed lateness)
 * to the late-events output with the reason. The clock is checkpointed, so a restart judges alike.
 */
final class LatenessJudge extends ProcessFunction<SourceEvent, SourceEvent> implements CheckpointedFunction {
  private final JobSettings settings;
  private transient PartitionClock clock;
  private transient ListState<PartitionTime> saved;
  private transient JobMetrics metrics;

  LatenessJudge(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext context) {
    metrics = JobMetrics.get(settings.metricsPort());
  }

  @Override
  public void processElement(SourceEvent e, Context ctx, Collector<SourceEvent> out) {
    metrics.consumed.labelValues(settings.namespace(), settings.pipeline(), settings.role().name(), e.topic).inc();
    if (e.problem == null) {
      clock.judge(e);
    }
    if (e.problem != null || e.lateness == SourceEvent.TOO_LATE) {
      if (warmingUp(e)) {
        return; // before the replay's range: it only moved the clock, as it did when it was live
      }
      metrics.lateEvents.labelValues(settings.namespace(), settings.pipeline(), settings.role().name(),
          e.problem != null ? "unreadable" : "too-late").inc();
      e.lateReason = OutputCodec.lateReason(e, clock.allowedLatenessMillis());
      out.collect(e);
      return;
    }
    if (e.lateness == SourceEvent.LATE) {
      metrics.lateEvents.labelValues(settings.namespace(), settings.pipeline(), settings.role().name(), "late-scored").inc();
    }
    out.collect(e);
  }

  private boolean warmingUp(SourceEvent e) {
    return settings.replay() != null && settings.replay().warmingUp(e.topic, e.partition, e.offset);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    List<PartitionTime> times = new ArrayList<>();
    for (Map.Entry<String, Long> e : clock.state().entrySet()) {
      times.add(new PartitionTime(e.getKey(), e.getValue()));
    }
    saved.update(times);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    clock = new PartitionClock(settings.maxOutOfOrderness().toMillis(), settings.allowedLateness().toMillis());
    // union: after a rescale every subtask learns every partition's time, whichever partitions it reads now
    saved = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("partition-clock", PartitionTime.class));
    if (context.isRestored()) {
      for (PartitionTime t : saved.get()) {
        clock.restore(t.partition, t.maxEventTime);
      }
    }
  }

  /** A partition's largest event time, as checkpointed. */
  public static class PartitionTime {
    public String partition;
    public long maxEventTime;

    public PartitionTime() {}

    PartitionTime(String partition, long maxEventTime) {
      this.partition = partition;
      this.maxEventTime = maxEventTime;
    }
  }
}
