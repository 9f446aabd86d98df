package dev.slipstream.controllers;

import dev.slipstream.core.model.OperatorDefaults;
import dev.slipstream.core.model.ThirdPartyKinds;
import dev.slipstream.core.port.KafkaAccess;
import dev.slipstream.core.port.LatencySource;
import dev.slipstream.core.port.Notifications;
import dev.slipstream.core.port.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * What the controllers need from the operator process.
 *
 * @param defaults installation-wide settings the desired state depends on
 * @param installedKinds third-party kinds whose CRDs are installed; the others are never watched or written
 * @param kafka opens Kafka clusters (AdminClient in production)
 * @param latency inference latency and error rate per model version (Prometheus in production)
 * @param metrics the operator's own per-pipeline metrics
 * @param resync how often a pipeline is looked at without any event, to refresh lag and catch drift
 * @param kafkaRetryMin first retry delay after Kafka was unreachable
 * @param kafkaRetryMax largest retry delay while Kafka stays unreachable
 * @param clock time source for condition transitions and backoff
 * @param notifications sends rollout and shed notifications to the sinks pipelines name (HTTP in production)
 * @param statusProgressInterval how long a status change that is only progress (a pipeline still provisioning, a
 *     ModelVersion's serving pipelines) may wait to be written with the next one
 */
public record ControllersConfig(
    OperatorDefaults defaults,
    Set<ThirdPartyKinds> installedKinds,
    KafkaAccess kafka,
    LatencySource latency,
    PipelineMetrics metrics,
    Duration resync,
    Duration kafkaRetryMin,
    Duration kafkaRetryMax,
    Clock clock,
    Notifications notifications,
    Duration statusProgressInterval) {
  /** The default of {@code --status-progress-interval}. */
  public static final Duration STATUS_PROGRESS_INTERVAL = Duration.ofSeconds(10);

  /** Without notifications: nothing is sent. */
  public ControllersConfig(OperatorDefaults defaults, Set<ThirdPartyKinds> installedKinds, KafkaAccess kafka,
      LatencySource latency, PipelineMetrics metrics, Duration resync, Duration kafkaRetryMin, Duration kafkaRetryMax,
      Clock clock) {
    this(defaults, installedKinds, kafka, latency, metrics, resync, kafkaRetryMin, kafkaRetryMax, clock,
        Notifications.NONE, STATUS_PROGRESS_INTERVAL);
  }
}
