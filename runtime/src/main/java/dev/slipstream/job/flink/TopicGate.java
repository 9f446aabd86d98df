package dev.slipstream.job.flink;

import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.control.ControlWatcher;
import dev.slipstream.job.event.SourceEvent;
import dev.slipstream.job.metrics.JobMetrics;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Pauses one input topic while the control says {@code shed} and lists it under {@code pause-topics}: its
 * source's task stops emitting (it yields to the task's mailbox, so checkpoints and timers go on) and Kafka
 * keeps the events, which the job reads when the pause ends. Nothing is lost or read twice: the Kafka source
 * counts a record as read only once it has gone on from the gate, so a checkpoint taken during a pause resumes
 * at the held event (ScoringJobIT restarts a paused job from such a checkpoint). The watermark stays where it was
 * while an event is held, so the held events are not judged late.
 */
final class TopicGate extends AbstractStreamOperator<SourceEvent> implements OneInputStreamOperator<SourceEvent, SourceEvent> {
  private final JobSettings settings;
  private final String topic;
  private transient MailboxExecutor mailbox;
  private transient ControlWatcher control;
  private transient SourceEvent held;
  private transient Watermark stashedWatermark;
  private transient WatermarkStatus stashedStatus;
  private transient JobMetrics metrics;

  TopicGate(StreamOperatorParameters<SourceEvent> parameters, JobSettings settings, String topic) {
    super(parameters);
    this.settings = settings;
    this.topic = topic;
  }

  @Override
  public void open() throws Exception {
    super.open();
    // the lowest priority, so that yielding runs every mail, checkpoints included (they come at that priority)
    mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(TaskMailbox.MIN_PRIORITY);
    metrics = JobMetrics.get(settings.metricsPort());
    control = ControlWatcher.watch(settings.controlDir(), InferenceFunction.CONTROL_PERIOD_MS);
  }

  private boolean paused() {
    return control.control(settings.endpoint(), settings.modelName()).pauseTopics().contains(topic);
  }

  @Override
  public void processElement(StreamRecord<SourceEvent> record) throws Exception {
    if (paused()) {
      held = record.getValue();
      metrics.pausedTopic.labelValues(settings.namespace(), settings.pipeline(), settings.role().name(), topic).set(1);
      while (paused()) {
        mailbox.yield(); // checkpoints, timers and watermark emission run meanwhile: a mail at least every 200 ms
      }
      metrics.pausedTopic.labelValues(settings.namespace(), settings.pipeline(), settings.role().name(), topic).set(0);
      held = null;
      output.collect(record);
      if (stashedWatermark != null) {
        output.emitWatermark(stashedWatermark);
        stashedWatermark = null;
      }
      if (stashedStatus != null) {
        output.emitWatermarkStatus(stashedStatus);
        stashedStatus = null;
      }
      return;
    }
    output.collect(record);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (held != null) {
      stashedWatermark = mark; // a watermark past the held event would make it late downstream
      return;
    }
    super.processWatermark(mark);
  }

  @Override
  public void processWatermarkStatus(WatermarkStatus status) throws Exception {
    if (held != null) {
      stashedStatus = status;
      return;
    }
    super.processWatermarkStatus(status);
  }

  @Override
  public void close() throws Exception {
    if (control != null) {
      control.close();
    }
    super.close();
  }

  /** Builds the gate with the task's mailbox, which it yields to while paused. */
  static final class Factory extends AbstractStreamOperatorFactory<SourceEvent>
      implements OneInputStreamOperatorFactory<SourceEvent, SourceEvent> {
    private final JobSettings settings;
    private final String topic;

    Factory(JobSettings settings, String topic) {
      this.settings = settings;
      this.topic = topic;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<SourceEvent>> T createStreamOperator(StreamOperatorParameters<SourceEvent> parameters) {
      return (T) new TopicGate(parameters, settings, topic);
    }

    @Override
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
      return TopicGate.class;
    }
  }
}
