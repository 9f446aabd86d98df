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
   * @param source the Prometheus source the pipeline names (declared by the operator's admin), or null
   * @param address the pipeline's own Prometheus address, or null; used only where the admin allows its host
   */
  record Target(LatencyQueries.Subject subject, String source, String address, LatencyQueries queries, Duration window) {}

  /**
   * Why this operator will not query what a pipeline names (an unknown source, an address its admin did not
   * allow), as a message naming the field and what is allowed; empty when it will.
   */
  default java.util.Optional<String> refuses(String source, String address) {
    return java.util.Optional.empty();
  }

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
