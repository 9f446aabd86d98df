package dev.slipstream.core.port;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import java.util.List;

/** What the operator tells its own metrics about each pipeline (Prometheus client in production). */
public interface PipelineMetrics {
  /** The rollout as it stands: phase and candidate weight. */
  void rollout(String namespace, String pipeline, RolloutStatus rollout);

  /** A rollback started, for this reason (AnalysisFailed, ProgressDeadlineExceeded, CandidateFailed, Aborted). */
  void rolledBack(String namespace, String pipeline, String reason);

  /** One check's results, each metric with its verdict and measured value. */
  void checked(String namespace, String pipeline, List<AnalysisResult> results);

  /** The consumer lag observed, or null when unknown. */
  void consumerLag(String namespace, String pipeline, Long lag);

  /** The pipeline's level on its ShedPolicy's ladder (0 = normal), or null when it has no ShedPolicy. */
  void shedLevel(String namespace, String pipeline, Integer level);

  /** The pipeline is gone: its series go too. */
  void forget(String namespace, String pipeline);

  PipelineMetrics NONE = new PipelineMetrics() {
    @Override
    public void rollout(String namespace, String pipeline, RolloutStatus rollout) {}

    @Override
    public void rolledBack(String namespace, String pipeline, String reason) {}

    @Override
    public void checked(String namespace, String pipeline, List<AnalysisResult> results) {}

    @Override
    public void consumerLag(String namespace, String pipeline, Long lag) {}

    @Override
    public void shedLevel(String namespace, String pipeline, Integer level) {}

    @Override
    public void forget(String namespace, String pipeline) {}
  };
}
