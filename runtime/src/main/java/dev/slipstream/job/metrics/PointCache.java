package dev.slipstream.job.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A metric's data points for two varying labels (the others fixed by the caller), looked up without building a label
 * list per event: the client's {@code labelValues} does that on every call, and the job asks for a point per event.
 *
 * @param <P> the data point
 */
public final class PointCache<P> {
  private final Map<String, Map<String, P>> points = new ConcurrentHashMap<>();
  private final BiFunction<String, String, P> lookup;

  /** @param lookup the point for two label values, as the metric gives it (asked once per pair) */
  public PointCache(BiFunction<String, String, P> lookup) {
    this.lookup = lookup;
  }

  public P get(String first, String second) {
    Map<String, P> bySecond = points.get(first);
    if (bySecond == null) {
      bySecond = points.computeIfAbsent(first, f -> new ConcurrentHashMap<>());
    }
    P point = bySecond.get(second);
    return point != null ? point : bySecond.computeIfAbsent(second, s -> lookup.apply(first, s));
  }
}
