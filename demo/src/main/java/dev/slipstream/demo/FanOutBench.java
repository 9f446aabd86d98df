package dev.slipstream.demo;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.testkit.StandInControllers;
import dev.slipstream.testkit.TestApiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The fan-out as the bench measures it: the operator as a process of its own ({@link OperatorProcess}) against the
 * embedded stack, {@code waves} waves of {@code pipelines} pipelines each (every wave cleaned away before the next,
 * so each starts from the same state), then as many waves of the minimal operator ({@link FanOutFloor}) in the same
 * run; medians and spreads of both. Then, over the last wave's pipelines: the writes of an idle resync, the
 * operator's heap after a full GC in its own JVM, and a restart with leader election.
 */
final class FanOutBench {
  private FanOutBench() {}

  /**
   * @param seconds per wave, first create to last Ready
   * @param writesByKind the operator's writes per pipeline by request kind, over all waves
   * @param requestsPerPipeline every operator request per pipeline, over all waves
   * @param floorRequestsPerPipeline the floor's, over its waves
   * @param cpuMsPerPipeline the operator process's CPU per pipeline (reconciles, informers, JSON, GC), over all waves
   * @param topicChanges the topic changes it planned per pipeline by kind and outcome (sent, refused, skipped)
   * @param acceptedFloorSeconds the floor counting topics once Kafka accepts them (no job can wait less), per wave
   */
  record Figures(int pipelines, List<Double> seconds, List<Double> floorSeconds, Map<String, Double> writesByKind,
      double writesPerPipeline, double requestsPerPipeline, double floorRequestsPerPipeline, long conflicts,
      long idleWrites, double heapMiB, Duration ready, Duration leading, Duration boot, long restartWrites,
      double cpuMsPerPipeline, List<Double> created, List<Double> halfReady, Map<String, Double> reconcilesByKind,
      Map<String, Double> topicChanges, List<Double> acceptedFloorSeconds) {
    double median() {
      return Bench.median(seconds);
    }

    double acceptedFloorMedian() {
      return Bench.median(acceptedFloorSeconds);
    }

    double floorMedian() {
      return Bench.median(floorSeconds);
    }
  }

  private static final String KAFKA_HEAP = dev.slipstream.testkit.EmbeddedKafka.HEAP_PROPERTY;
  /** The uncounted wave before the measured ones: as many pipelines as a wave, at most 1,000. */
  static int warmUpSize(int pipelines) {
    return Math.max(1, Math.min(pipelines, 1000));
  }

  static Figures run(int pipelines, int waves) {
    // the operator's shipped resync: a shorter one would add reconciles to every wave that a user's operator never makes
    Duration resync = Duration.ofSeconds(60);
    // the operator watches its own waves' namespaces only, so the floor's waves can run between them while it idles:
    // the shared JVM (API server, stand-ins) keeps warming up wave after wave, and interleaved, both see the same
    List<String> own = new ArrayList<>(List.of("fanout-template", "fanout-warm-up"));
    for (int w = 1; w <= waves; w++) {
      own.add("fanout-" + w);
    }
    Map<String, String> settings = Map.of("SLIPSTREAM_RESYNC", resync.toSeconds() + "s", "SLIPSTREAM_LEADER_ELECTION", "false",
        "SLIPSTREAM_NAMESPACES", String.join(",", own));
    // the broker holds three topics per pipeline, and a wave's deleted topics while it removes them: at its test-sized
    // heap (384 MiB) it spent a wave's second half in garbage collection by the third wave of 1,000
    String brokerHeap = System.getProperty(KAFKA_HEAP);
    System.setProperty(KAFKA_HEAP, brokerHeap != null ? brokerHeap : Math.max(384, pipelines) + "m");
    try (EmbeddedStack stack = new EmbeddedStack()) {
      List<Double> seconds = new ArrayList<>();
      List<Double> created = new ArrayList<>();
      List<Double> halfReady = new ArrayList<>();
      Map<String, Long> byKind = new TreeMap<>();
      long requests = 0;
      long conflicts = 0;
      Duration cpu = Duration.ZERO;
      Map<String, Double> reconciles = new TreeMap<>();
      Map<String, Double> topicChanges = new TreeMap<>();
      List<Double> floorSeconds = new ArrayList<>();
      List<Double> acceptedFloorSeconds = new ArrayList<>();
      long floorRequests = 0;
      long idleWrites;
      double heapMiB;
      try (OperatorProcess operator = OperatorProcess.start(stack, settings, "bench-operator")) {
        // the floor copies what the operator wrote for this one; the warm-up brings the JIT of the operator, the API
        // server, the stand-ins and the bench's creators up: with a tenth, the first measured wave's creates took
        // 24 s against 5 s in the next, all of it counted against the operator
        FanOut.wave(stack, "fanout-template", 1);
        FanOut.wave(stack, "fanout-warm-up", warmUpSize(pipelines));
        FanOut.awaitSettled(stack);
        cleanUp(stack, "fanout-warm-up");
        for (int w = 1; w <= waves; w++) {
          String namespace = "fanout-" + w;
          FanOut.awaitSettled(stack);
          int before = stack.api.callCount();
          Duration cpuBefore = operator.cpu();
          Map<String, Double> reconcilesBefore = operator.reconciliations();
          Map<String, Double> topicChangesBefore = operator.topicChanges();
          Map<Double, Double> shownBefore = operator.topicShown();
          FanOut.Wave wave = FanOut.wave(stack, namespace, pipelines);
          FanOut.awaitSettled(stack);
          cpu = cpu.plus(operator.cpu().minus(cpuBefore));
          since(reconcilesBefore, operator.reconciliations()).forEach((kind, n) -> reconciles.merge(kind, n, Double::sum));
          since(topicChangesBefore, operator.topicChanges()).forEach((kind, n) -> topicChanges.merge(kind, n, Double::sum));
          List<TestApiServer.Call> calls = FanOut.calls(stack, EmbeddedStack.OPERATOR_AGENT, before, c -> true);
          calls.stream().filter(FanOut::isWrite).forEach(c -> byKind.merge(c.method() + " " + FanOut.resource(c.path()), 1L, Long::sum));
          requests += calls.size();
          conflicts += calls.stream().filter(c -> c.code() == 409).count();
          seconds.add(wave.seconds());
          created.add(wave.created());
          halfReady.add(wave.ready().half());
          System.out.printf(Locale.ROOT, "  fan-out wave %d: %d pipelines Ready in %.1f s (all created after %.1f s)%n", w,
              pipelines, wave.seconds(), wave.created());
          System.out.println("  fan-out wave " + w + ": " + shown(shownBefore, operator.topicShown()));
          if (w < waves) {
            cleanUp(stack, namespace);
            FloorWave floor = floorWave(stack, pipelines, w);
            floorSeconds.add(floor.seconds());
            acceptedFloorSeconds.add(floor.acceptedSeconds());
            floorRequests += floor.requests();
          }
        }
        idleWrites = FanOut.writesInOneResync(stack, resync, FanOut::isWrite);
        heapMiB = operator.heapAfterGcMiB();
      }
      Map<String, String> withElection = new java.util.HashMap<>(settings);
      withElection.put("SLIPSTREAM_LEADER_ELECTION", "true");
      withElection.put("SLIPSTREAM_LEADER_ELECTION_NAMESPACE", "default");
      Duration ready;
      Duration leading;
      Duration boot;
      long restartWrites;
      try (OperatorProcess restarted = OperatorProcess.start(stack, withElection, "bench-operator-restarted")) {
        ready = restarted.ready();
        leading = restarted.leading();
        boot = restarted.boot();
        restartWrites = FanOut.writesInOneResync(stack, resync, c -> FanOut.isWrite(c) && !c.path().contains("/leases/"));
      }
      cleanUp(stack, "fanout-" + waves);
      FloorWave floor = floorWave(stack, pipelines, waves);
      floorSeconds.add(floor.seconds());
      acceptedFloorSeconds.add(floor.acceptedSeconds());
      floorRequests += floor.requests();
      double all = (double) pipelines * waves;
      Map<String, Double> perPipeline = new TreeMap<>();
      byKind.forEach((k, n) -> perPipeline.put(k, n / all));
      reconciles.replaceAll((k, n) -> n / all);
      topicChanges.replaceAll((k, n) -> n / all);
      long writes = byKind.values().stream().mapToLong(Long::longValue).sum();
      return new Figures(pipelines, seconds, floorSeconds, perPipeline, writes / all, requests / all, floorRequests / all,
          conflicts, idleWrites, heapMiB, ready, leading, boot, restartWrites, cpu.toNanos() / 1e6 / all, created, halfReady,
          reconciles, topicChanges, acceptedFloorSeconds);
    } finally {
      if (brokerHeap == null) {
        System.clearProperty(KAFKA_HEAP);
      } else {
        System.setProperty(KAFKA_HEAP, brokerHeap);
      }
    }
  }

  /** The kinds the operator creates for each pipeline of a wave. */
  private static final List<StandInControllers.Kind> OWNED =
      List.of(StandInControllers.Kind.INFERENCE_SERVICE, StandInControllers.Kind.FLINK_DEPLOYMENT);

  /**
   * A wave of the floor: its time to all Ready and the floor operator's requests.
   *
   * @param seconds the floor's wave, its jobs created once their topics show
   * @param acceptedSeconds the same floor counting topics done once Kafka accepts their creates, its jobs at once
   */
  private record FloorWave(double seconds, long requests, double acceptedSeconds) {}

  /** The floor's wave {@code w}, in a namespace the operator does not watch; removed after. */
  private static FloorWave floorWave(EmbeddedStack stack, int pipelines, int w) {
    String namespace = "fanout-floor-" + w;
    int before = stack.api.callCount();
    FanOutFloor.Wave wave = FanOutFloor.run(stack, namespace, pipelines, "fanout-template", true);
    double seconds = wave.seconds();
    long requests = FanOut.calls(stack, FanOutFloor.AGENT, before, c -> true).size();
    cleanUp(stack, namespace);
    double accepted = FanOutFloor.run(stack, namespace + "-accepted", pipelines, "fanout-template", false).seconds();
    cleanUp(stack, namespace + "-accepted");
    System.out.printf(Locale.ROOT, "  floor wave %d: %d pipelines Ready in %.1f s (%.1f s counting topics once Kafka accepts"
        + " them, jobs created at once)%n", w, pipelines, seconds, accepted);
    System.out.println("  floor wave " + w + ": " + shown(wave.topicsShownAfter()));
    return new FloorWave(seconds, requests, accepted);
  }

  /**
   * Removes a wave: its pipelines, ModelVersions, the objects the operator (or the floor) created for them (the test
   * API server has no garbage collector), its Events, and its topics on the broker.
   */
  static void cleanUp(EmbeddedStack stack, String namespace) {
    var client = stack.client;
    client.resources(StreamingPipeline.class).inNamespace(namespace).delete();
    client.resources(ModelVersion.class).inNamespace(namespace).delete();
    for (StandInControllers.Kind kind : OWNED) {
      client.genericKubernetesResources(kind.context()).inNamespace(namespace).delete();
    }
    client.configMaps().inNamespace(namespace).delete();
    client.v1().events().inNamespace(namespace).delete();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers()))) {
      List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(namespace + "-")).toList();
      // in parts: 15,000 topics (a wave of 5,000) in one request were refused by the broker (UnknownServerException)
      for (int i = 0; i < topics.size(); i += 1000) {
        admin.deleteTopics(topics.subList(i, Math.min(topics.size(), i + 1000))).all().get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("deleting the topics of " + namespace, e.getCause());
    }
    org.awaitility.Awaitility.await("wave " + namespace + " removed").atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> {
          if (!client.resources(StreamingPipeline.class).inNamespace(namespace).list().getItems().isEmpty()) {
            return false;
          }
          // a reconcile that began before its pipeline was deleted may have created an owned object after the delete
          // above: with its owner gone, it goes too, as a cluster's garbage collector would take it
          boolean left = false;
          for (StandInControllers.Kind kind : OWNED) {
            var owned = client.genericKubernetesResources(kind.context()).inNamespace(namespace);
            if (!owned.list().getItems().isEmpty()) {
              owned.delete();
              left = true;
            }
          }
          return !left;
        });
    // and the broker has removed the deleted topics' files (for a second on end: it renames them as it learns of the
    // deletes), so that the next wave does not share the broker with that work
    org.awaitility.Awaitility.await("the files of " + namespace + "'s topics removed").atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(200)).during(Duration.ofSeconds(1))
        .until(() -> !stack.kafka.removingFilesOf(namespace + "-"));
  }

  /** What the operator's counters (by key) added between two readings of its /metrics. */
  private static <K extends Comparable<K>> Map<K, Double> since(Map<K, Double> before, Map<K, Double> after) {
    Map<K, Double> added = new TreeMap<>();
    after.forEach((key, n) -> added.put(key, n - before.getOrDefault(key, 0.0)));
    return added;
  }

  /**
   * How long after Kafka accepted the wave's creates a describe showed their topics, from the operator's histogram
   * before and after the wave: the mean, and the bound within which 90% and all of them showed.
   */
  static String shown(Map<Double, Double> before, Map<Double, Double> after) {
    Map<Double, Double> wave = since(before, after);
    Double sum = wave.remove(Double.NaN);
    double count = wave.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (count == 0 || sum == null) {
      return "no topic was waited for (every create showed at once or none was sent)";
    }
    double p90 = wave.entrySet().stream().filter(e -> e.getValue() >= 0.9 * count).findFirst().orElseThrow().getKey();
    double all = wave.entrySet().stream().filter(e -> e.getValue() >= count).findFirst().orElseThrow().getKey();
    return shownLine(String.format(Locale.ROOT, "%.0f", count), sum / count, String.valueOf(p90), String.valueOf(all));
  }

  /** The line both print: how many topics, their mean, and the bounds within which 90% and all of them showed. */
  private static String shownLine(String topics, double mean, String p90, String all) {
    return String.format(Locale.ROOT, "%s topics shown by Kafka %.1f s on average after their create was accepted,"
        + " 90%% within %s s, all within %s s", topics, mean, p90, all);
  }

  /** The same for the floor's wave, from each topic's time (the floor looks once a second, as the operator does). */
  static String shown(List<Double> after) {
    if (after.isEmpty()) {
      return "no topic was waited for";
    }
    List<Double> sorted = after.stream().sorted().toList();
    double mean = sorted.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    return shownLine(String.valueOf(sorted.size()), mean,
        String.format(Locale.ROOT, "%.1f", sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1)),
        String.format(Locale.ROOT, "%.1f", sorted.get(sorted.size() - 1)));
  }

  /** What the fan-out prints, beside its targets. */
  static void print(Figures f) {
    System.out.printf(Locale.ROOT, "  fan-out of %d: operator %s s, floor %s s (median of %d each, same run)%n", f.pipelines(),
        f.seconds().stream().map(s -> String.format(Locale.ROOT, "%.1f", s)).toList(),
        f.floorSeconds().stream().map(s -> String.format(Locale.ROOT, "%.1f", s)).toList(), f.seconds().size());
    System.out.println("  fan-out writes per pipeline by kind: " + f.writesByKind());
    System.out.println("  fan-out reconciles per pipeline by kind of resource: " + f.reconcilesByKind());
    System.out.println("  fan-out topic changes per pipeline (3 topics each), by kind and outcome: " + f.topicChanges());
  }

  /** The rows of the bench's table for this size. */
  static void rows(Figures f, String row) {
    double ratio = f.median() / f.floorMedian();
    System.out.printf(Locale.ROOT, row, f.pipelines() + " pipelines Ready (median of " + f.seconds().size() + ")",
        String.format(Locale.ROOT, "%.1f s", f.median()), String.format(Locale.ROOT, "spread %.1f-%.1f s",
            f.seconds().stream().mapToDouble(Double::doubleValue).min().orElse(0),
            f.seconds().stream().mapToDouble(Double::doubleValue).max().orElse(0)), f.seconds().size());
    System.out.printf(Locale.ROOT, row, "the same with a minimal operator (floor)", String.format(Locale.ROOT, "%.1f s",
        f.floorMedian()), String.format(Locale.ROOT, "operator/floor %.2f (<= 1.5)", ratio), f.floorSeconds().size());
    System.out.printf(Locale.ROOT, row, "floor counting topics once accepted", String.format(Locale.ROOT, "%.1f s",
        f.acceptedFloorMedian()), String.format(Locale.ROOT, "operator/that %.2f (the floor before)",
            f.median() / f.acceptedFloorMedian()), f.acceptedFloorSeconds().size());
    System.out.printf(Locale.ROOT, row, "writes per pipeline until Ready", String.format(Locale.ROOT, "%.2f", f.writesPerPipeline()),
        "<= 5 (minimum " + FanOut.MINIMUM_WRITES + ")", f.seconds().size());
    System.out.printf(Locale.ROOT, row, "requests per pipeline (floor's)", String.format(Locale.ROOT, "%.2f (%.2f)",
        f.requestsPerPipeline(), f.floorRequestsPerPipeline()), String.format(Locale.ROOT, "ratio %.2f (<= 1.25)",
            f.requestsPerPipeline() / f.floorRequestsPerPipeline()), f.seconds().size());
    System.out.printf(Locale.ROOT, row, "writes answered 409", f.conflicts(), "0", f.seconds().size());
    System.out.printf(Locale.ROOT, row, "writes during an idle resync of all", f.idleWrites(), "0", 1);
    System.out.printf(Locale.ROOT, row, "operator heap after full GC (own JVM)", String.format(Locale.ROOT, "%.0f MiB", f.heapMiB()),
        "< 256 MiB", 1);
    System.out.printf(Locale.ROOT, row, "operator process CPU per pipeline", String.format(Locale.ROOT, "%.1f ms",
        f.cpuMsPerPipeline()), "(reported)", f.seconds().size());
    System.out.printf(Locale.ROOT, row, "restart over " + f.pipelines() + ": ready / leading", String.format(Locale.ROOT,
        "%.1f / %.1f s", (f.ready().toMillis() - f.boot().toMillis()) / 1000.0, (f.leading().toMillis() - f.boot().toMillis()) / 1000.0),
        String.format(Locale.ROOT, "< 5 s (after JVM boot, %.1f s)", f.boot().toMillis() / 1000.0), 1);
    System.out.printf(Locale.ROOT, row, "writes in a resync after the restart", f.restartWrites(), "0", 1);
  }

  /** Figures by name as a JSON object, to three decimals. */
  private static String jsonObject(Map<String, Double> byName) {
    StringBuilder json = new StringBuilder("{");
    byName.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":")
        .append(String.format(Locale.ROOT, "%.3f", v)));
    return json.append('}').toString();
  }

  /** The figures as a JSON object. */
  static String json(Figures f) {
    String kinds = jsonObject(f.writesByKind());
    String reconciles = jsonObject(f.reconcilesByKind());
    return String.format(Locale.ROOT, "{\"pipelines\":%d,\"readySeconds\":%s,\"medianSeconds\":%.2f,\"floorSeconds\":%s,"
            + "\"floorMedianSeconds\":%.2f,\"operatorToFloor\":%.3f,\"operatorToFloorTarget\":1.5,\"createdSeconds\":%s,"
            + "\"halfReadySeconds\":%s,\"writesPerPipeline\":%.3f,\"writesTarget\":5,\"minimumWrites\":%d,\"writesByKind\":%s,"
            + "\"requestsPerPipeline\":%.3f,\"floorRequestsPerPipeline\":%.3f,\"requestsTargetRatio\":1.25,\"conflicts\":%d,"
            + "\"idleResyncWrites\":%d,\"operatorHeapMiB\":%.1f,\"operatorHeapTargetMiB\":256,\"cpuMsPerPipeline\":%.2f,"
            + "\"startUpReadySeconds\":%.2f,\"startUpLeadingSeconds\":%.2f,\"jvmBootSeconds\":%.2f,\"startUpTargetSeconds\":5,"
            + "\"restartResyncWrites\":%d,\"reconcilesByKind\":%s,\"topicChanges\":%s,\"acceptedFloorSeconds\":%s,"
            + "\"operatorToAcceptedFloor\":%.3f}",
        f.pipelines(), f.seconds(), f.median(), f.floorSeconds(), f.floorMedian(), f.median() / f.floorMedian(), f.created(),
        f.halfReady(), f.writesPerPipeline(), FanOut.MINIMUM_WRITES, kinds, f.requestsPerPipeline(), f.floorRequestsPerPipeline(),
        f.conflicts(), f.idleWrites(), f.heapMiB(), f.cpuMsPerPipeline(), (f.ready().toMillis() - f.boot().toMillis()) / 1000.0,
        (f.leading().toMillis() - f.boot().toMillis()) / 1000.0, f.boot().toMillis() / 1000.0, f.restartWrites(), reconciles,
        jsonObject(f.topicChanges()), f.acceptedFloorSeconds(), f.median() / f.acceptedFloorMedian());
  }
}
