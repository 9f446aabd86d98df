package dev.slipstream.core.shed;

/**
 * What was measured for a pipeline in one pass; null means the source had no data.
 *
 * @param lag consumer lag of the pipeline's group on its input topics, in messages
 * @param consumed committed offsets of that group summed over the input partitions (its growth is the consume rate)
 * @param p99LatencyMs p99 inference latency of the serving version
 * @param errorRatePercent share of failed inference requests, in percent
 */
public record ShedSignals(Long lag, Long consumed, Double p99LatencyMs, Double errorRatePercent) {
  public static final ShedSignals NO_DATA = new ShedSignals(null, null, null, null);
}
