package dev.slipstream.operator;

/**
 * The JDK's common ForkJoinPool has one worker per CPU less one. With one or two CPUs (a small pod's limit) that is
 * at most one, and then CompletableFuture does not use the pool at all: every async completion without an executor
 * (the Kubernetes client's HTTP responses) starts a thread of its own. One fan-out of 1,000 pipelines started 26,804
 * threads that way. The operator asks for two workers when it would otherwise get fewer, before anything starts
 * the pool; a value set with -D is kept.
 */
final class CommonPool {
  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  /** Below two workers CompletableFuture falls back to a thread per task. */
  static final int MINIMUM = 2;

  private CommonPool() {}

  /** Sets the property for this JVM when needed; call it first in main. */
  static void ensureWorkers() {
    String value = parallelism(Runtime.getRuntime().availableProcessors(), System.getProperty(PARALLELISM));
    if (value != null) {
      System.setProperty(PARALLELISM, value);
    }
  }

  /** The parallelism to set, or null to leave the JDK's choice (or the one configured) alone. */
  static String parallelism(int processors, String configured) {
    if (configured != null || processors - 1 >= MINIMUM) {
      return null;
    }
    return Integer.toString(MINIMUM);
  }
}
