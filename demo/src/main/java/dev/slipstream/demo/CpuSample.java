package dev.slipstream.demo;

import dev.slipstream.testkit.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * CPU time used so far by each part of the job bench: the bench JVM's threads, grouped by name, and the broker's own
 * process. Two samples give what a pass cost each part; on two shared cores, that tells where a pass's time went
 * better than its wall time does.
 */
record CpuSample(Map<Long, Long> threadNanos, Map<Long, String> threadNames, long processNanos, long brokerNanos) {
  /** The part that is the model server's: on a cluster it runs on cores of its own. */
  static final String MODEL_STAND_IN = "model stand-in";
  /** The parts, in the order they are printed; a thread counts in the first whose test its name passes. */
  static final Map<String, Predicate<String>> PARTS = parts();
  /** The JVM's CPU not on any thread it lists: the collector, the compiler. */
  static final String JVM = "JVM (GC, JIT)";
  static final String BROKER = "broker";

  private static Map<String, Predicate<String>> parts() {
    Map<String, Predicate<String>> parts = new LinkedHashMap<>();
    parts.put(MODEL_STAND_IN, name -> name.startsWith("test-model") || name.startsWith("HTTP-Dispatcher"));
    parts.put("model client", name -> name.startsWith("slipstream-inference") || name.startsWith("slipstream-batches")
        || name.startsWith("slipstream-model-io"));
    Pattern subtask = Pattern.compile(".*\\(\\d+/\\d+\\)#\\d+.*");
    parts.put("job tasks", name -> subtask.matcher(name).matches() || name.startsWith("kafka-producer-network-thread | producer-slipstream"));
    parts.put("bench", name -> name.startsWith("awaitility") || name.equals("main")
        || name.startsWith("kafka-producer-network-thread") || name.startsWith("kafka-admin-client-thread"));
    parts.put("Flink runtime and the rest", name -> true);
    return parts;
  }

  static CpuSample take(EmbeddedKafka kafka) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu >= 0) {
        nanos.put(info.getThreadId(), cpu);
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
    return new CpuSample(nanos, names, process, kafka.cpu().toNanos());
  }

  /**
   * Seconds of CPU per part from {@code earlier} to this sample. A thread that ended between the two is not counted
   * by name (its time falls to {@link #JVM}, as the process's total still holds it).
   */
  Map<String, Double> since(CpuSample earlier) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    PARTS.keySet().forEach(part -> seconds.put(part, 0.0));
    long named = 0;
    for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
      long used = e.getValue() - earlier.threadNanos.getOrDefault(e.getKey(), 0L);
      if (used <= 0) {
        continue;
      }
      named += used;
      String name = threadNames.get(e.getKey());
      String part = PARTS.entrySet().stream().filter(p -> p.getValue().test(name)).findFirst().orElseThrow().getKey();
      seconds.merge(part, used / 1e9, Double::sum);
    }
    seconds.put(JVM, Math.max(0, processNanos - earlier.processNanos - named) / 1e9);
    seconds.put(BROKER, (brokerNanos - earlier.brokerNanos) / 1e9);
    return seconds;
  }
}
