package dev.slipstream.core.port;

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
   * @param runtime kserve or triton, for the built-in queries
   * @param model the ModelVersion name measured
   */
  Sample measure(String namespace, String pipeline, String model, String runtime, Duration window);

  /** Whether this source measures anything; checks do not judge latency without one. */
  default boolean configured() {
    return true;
  }

  /** The source when no metrics backend is configured. */
  LatencySource NONE = new LatencySource() {
    @Override
    public Sample measure(String namespace, String pipeline, String model, String runtime, Duration window) {
      return Sample.NO_DATA;
    }

    @Override
    public boolean configured() {
      return false;
    }
  };
}
