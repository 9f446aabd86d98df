package dev.slipstream.core.port;

import dev.slipstream.core.slo.LatencyQueries;
import java.time.Duration;

/** Inference latency and errors of one model version of a pipeline, over a recent window (Prometheus in production). */
public interface LatencySource {
  /**
   * @param p99LatencyMs p99 latency in milliseconds, null when there was no data
   * @param errorRatePercent share of failed requests in percent, null when there was no data
   * @param requests requests the figures are computed over, null when unknown
   */
  record Sample(Double p99LatencyMs, Double errorRatePercent, Long requests) {
    public static final Sample NO_DATA = new Sample(null, null, null);
  }

  /**
   * What to measure.
   *
   * @param subject the pipeline and the model version, by the names its queries use
   * @param address the pipeline's own Prometheus address, or null for the operator's
   */
  record Target(LatencyQueries.Subject subject, String address, LatencyQueries queries, Duration window) {}

  /** Never throws: a source that cannot answer returns {@link Sample#NO_DATA}. */
  Sample measure(Target target);

  /**
   * The events the pipeline's job had routed to the target's version on one side of a canary split by key
   * ({@code stable} or {@code candidate}) and not yet decided, on average over the target's window; null without
   * data. Never throws.
   */
  default Double backlog(Target target, String side) {
    return null;
  }

  /** Whether this source measures anything for that target; checks do not judge latency without one. */
  default boolean configured(Target target) {
    return true;
  }

  /** The source when no metrics backend is configured. */
  LatencySource NONE = new LatencySource() {
    @Override
    public Sample measure(Target target) {
      return Sample.NO_DATA;
    }

    @Override
    public boolean configured(Target target) {
      return false;
    }
  };
}
