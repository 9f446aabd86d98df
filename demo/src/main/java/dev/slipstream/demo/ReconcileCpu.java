package dev.slipstream.demo;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * CPU time the operator's reconciles spent, every controller's, measured on the reconciling thread around each
 * execution (JOSDK renames its executor threads only while they reconcile, so summing threads by name misses it).
 */
final class ReconcileCpu implements Metrics {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final LongAdder nanos = new LongAdder();

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    long start = THREADS.getCurrentThreadCpuTime();
    try {
      return execution.execute();
    } finally {
      nanos.add(THREADS.getCurrentThreadCpuTime() - start);
    }
  }

  /** CPU nanoseconds spent in reconciles so far. */
  long nanos() {
    return nanos.sum();
  }
}
