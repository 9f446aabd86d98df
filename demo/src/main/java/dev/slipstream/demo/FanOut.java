package dev.slipstream.demo;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Fan-out: many pipelines created at once (each with its ModelVersion, one-partition topics, no ShedPolicy)
 * against the embedded stack, from {@link #CREATORS} threads: how long until all are Ready, how many writes each cost against the minimum,
 * and how many writes an idle resync of all of them makes (target 0).
 */
final class FanOut {
  /** Threads creating the pipelines of a wave. */
  static final int CREATORS = 8;
  /**
   * Per pipeline at the least: the InferenceService and FlinkDeployment created, one status write, and one more: the
   * operator's is its ModelVersion's status, the floor's a Ready Event.
   */
  static final int MINIMUM_WRITES = 4;

  /**
   * What the operator writes per pipeline of the wave (each with its own ModelVersion, deletionPolicy Retain, topics
   * through the admin API), by request: the two owned objects, the pipeline's status once, Ready (a first status that
   * only says its parts are being created waits the status progress interval, and these are Ready within it), the
   * ModelVersion's one status (valid, served by the pipeline, its endpoint). No Event: a pipeline's first Ready is
   * said by its condition.
   */
  static final java.util.Map<String, Long> WRITES_PER_PIPELINE = java.util.Map.of("POST inferenceservices", 1L,
      "POST flinkdeployments", 1L, "PATCH streamingpipelines/status", 1L, "PATCH modelversions/status", 1L);

  /**
   * @param seconds time from the first create to the last pipeline Ready
   * @param writesPerPipeline the operator's write requests for the wave (until it settled after all were Ready), per pipeline
   * @param idleWrites the operator's writes during one resync period after all were Ready and settled
   * @param requestsPerPipeline every operator request (reads included) for the wave, per pipeline
   * @param created time from the first create to the last (from {@link #CREATORS} threads)
   * @param halfReady time from the first create until half of them were Ready
   * @param reconcileCpuMsPerPipeline CPU time of the operator's reconcilers (all controllers) per pipeline
   * @param processCpuSeconds CPU time of the whole JVM (API server, stand-ins, operator, JIT, GC) in the wave
   * @param conflicts the operator's requests answered 409 Conflict in the wave (a write sent on a stale copy)
   */
  record Result(int pipelines, double seconds, double writesPerPipeline, double requestsPerPipeline, long idleWrites,
      java.util.Map<String, Long> writesByKind, EmbeddedStack.StartUp startUp, long restartWrites, double created,
      double halfReady, double reconcileCpuMsPerPipeline, double processCpuSeconds, long conflicts) {}

  /** CPU time of this whole JVM: API server, stand-in controllers, operator, clients, JIT and GC. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * When each pipeline was first seen Ready, from a watch (an informer), so that counting them does not load the
   * API server the way listing all of them over and over would.
   */
  static final class ReadyWatch {
    final java.util.Map<String, Double> readyAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final long start;

    ReadyWatch(long start) {
      this.start = start;
    }

    private void seen(StreamingPipeline p) {
      if (p.getStatus() != null && Conditions.isTrue(p.getStatus().conditions, Conditions.READY)) {
        readyAt.putIfAbsent(p.getMetadata().getName(), (System.nanoTime() - start) / 1e9);
      }
    }

    /** The time by which half of them were Ready. */
    double half() {
      List<Double> times = readyAt.values().stream().sorted().toList();
      return times.isEmpty() ? Double.NaN : times.get((times.size() - 1) / 2);
    }
  }

  private FanOut() {}

  /**
   * @param settings the operator's settings, for the restart measured at the end: a new operator, with leader
   *     election, over all the pipelines: how long until it is ready and leads, and its writes in one resync
   *     after (target 0: a restart changes nothing that is as declared)
   */
  static Result run(EmbeddedStack stack, String namespace, int pipelines, Duration resync, java.util.Map<String, String> settings) {
    // the JVM is warmed first, as a long-running operator is: a tenth of the pipelines, in their own namespace (kept)
    wave(stack, namespace + "-warm-up", Math.max(1, pipelines / 10));
    awaitSettled(stack);
    int before = stack.api.callCount();
    long reconcileCpu = stack.reconcileCpu.nanos();
    long processCpu = processCpuNanos();
    Wave wave = wave(stack, namespace, pipelines);
    double reconcileMs = (stack.reconcileCpu.nanos() - reconcileCpu) / 1e6 / pipelines;
    double processCpuSeconds = (processCpuNanos() - processCpu) / 1e9;
    double seconds = wave.seconds();
    // every request the wave cost, counted once the operator has settled: the last Ready's Event, and a
    // ModelVersion's status held back to fold its pipelines in, come after the last pipeline is Ready
    awaitSettled(stack);
    List<TestApiServer.Call> calls = operatorCalls(stack, before, c -> true);
    long writes = calls.stream().filter(FanOut::isWrite).count();
    long conflicts = calls.stream().filter(c -> c.code() == 409).count();
    long idleWrites = writesInOneResync(stack, resync, FanOut::isWrite);
    java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
    calls.stream().filter(FanOut::isWrite).forEach(c -> byKind.merge(c.method() + " " + resource(c.path()), 1L, Long::sum));

    EmbeddedStack.StartUp startUp = stack.restartOperator(settings);
    long restartWrites = writesInOneResync(stack, resync, c -> isWrite(c) && !c.path().contains("/leases/"));
    return new Result(pipelines, seconds, writes / (double) pipelines, calls.size() / (double) pipelines, idleWrites, byKind,
        startUp, restartWrites, wave.created(), wave.ready().half(), reconcileMs, processCpuSeconds, conflicts);
  }

  /** A wave: pipelines created, then all Ready: when creating ended, and when each became Ready. */
  record Wave(double created, ReadyWatch ready) {
    double seconds() {
      return ready.readyAt.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
  }

  /**
   * Creates the pipelines (each with its ModelVersion) from {@link #CREATORS} threads, as a GitOps tool applying a
   * directory does, and waits until all are Ready.
   */
  static Wave wave(EmbeddedStack stack, String namespace, int pipelines) {
    var template = Manifests.withBootstrapServers(Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml")),
        stack.kafka.bootstrapServers());
    ModelVersion model = (ModelVersion) Manifests.typed(template.stream().filter(o -> "ModelVersion".equals(o.getKind())
        && "fraud-v1".equals(o.getMetadata().getName())).findFirst().orElseThrow());
    GenericKubernetesResource pipelineYaml = template.stream().filter(o -> "StreamingPipeline".equals(o.getKind()))
        .findFirst().orElseThrow();
    long start = System.nanoTime();
    ReadyWatch ready = new ReadyWatch(start);
    var creators = java.util.concurrent.Executors.newFixedThreadPool(CREATORS);
    try (var informer = stack.client.resources(StreamingPipeline.class).inNamespace(namespace)
        .inform(Handlers.addedOrUpdated(ready::seen))) {
      List<java.util.concurrent.Future<?>> created = new java.util.ArrayList<>();
      for (int c = 0; c < CREATORS; c++) {
        int first = c;
        created.add(creators.submit(() -> {
          for (int i = first; i < pipelines; i += CREATORS) {
            create(stack, namespace, "p" + i, model, pipelineYaml);
          }
        }));
      }
      for (var f : created) {
        f.get();
      }
      double createdSeconds = (System.nanoTime() - start) / 1e9;
      // 10 minutes, or more for thousands (5,000 at once took longer on 2 cores)
      org.awaitility.Awaitility.await("all " + pipelines + " Ready in " + namespace).atMost(Duration.ofMinutes(Math.max(10, pipelines / 100)))
          .pollInterval(Duration.ofMillis(20)).until(() -> ready.readyAt.size() == pipelines);
      return new Wave(createdSeconds, ready);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("creating the pipelines of " + namespace + " failed", e.getCause());
    } finally {
      creators.shutdownNow();
    }
  }

  private static void create(EmbeddedStack stack, String namespace, String name, ModelVersion model,
      GenericKubernetesResource pipelineYaml) {
    ModelVersion mv = new ModelVersion();
    mv.getMetadata().setName(name + "-v1");
    mv.getMetadata().setNamespace(namespace);
    mv.setSpec(model.getSpec());
    stack.client.resource(mv).create();
    StreamingPipeline p = (StreamingPipeline) Manifests.typed(pipelineYaml);
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(namespace);
    p.getSpec().serving.modelVersionRef.name = name + "-v1";
    p.getSpec().serving.shedPolicyRef = null;
    p.getSpec().topics.inputs.forEach(t -> {
      t.name = namespace + "-" + name + "-in";
      t.partitions = 1;
    });
    p.getSpec().topics.output.name = namespace + "-" + name + "-out";
    p.getSpec().topics.output.partitions = 1;
    if (p.getSpec().topics.lateEvents != null) {
      p.getSpec().topics.lateEvents.name = namespace + "-" + name + "-late";
      p.getSpec().topics.lateEvents.partitions = 1;
    }
    stack.client.resource(p).create();
  }

  /** The operator's requests matching {@code which} while one whole resync period (and 2 s) is watched. */
  static long writesInOneResync(EmbeddedStack stack, Duration resync, Predicate<TestApiServer.Call> which) {
    int from = stack.api.callCount();
    org.awaitility.Awaitility.await("one resync").pollDelay(resync.plusSeconds(2)).atMost(resync.plusSeconds(10)).until(() -> true);
    return operatorCalls(stack, from, which).size();
  }

  /** Until the operator has not written for two seconds. */
  static void awaitSettled(EmbeddedStack stack) {
    org.awaitility.Awaitility.await("settled").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .until(new java.util.concurrent.Callable<Boolean>() {
          private int seen = -1;
          private long since = System.nanoTime();

          @Override
          public Boolean call() {
            int now = (int) operatorCalls(stack, 0, FanOut::isWrite).size();
            if (now != seen) {
              seen = now;
              since = System.nanoTime();
            }
            return System.nanoTime() - since > 2_000_000_000L;
          }
        });
  }

  /** {@code inferenceservices}, {@code streamingpipelines/status}, ... from a request path. */
  static String resource(String path) {
    String[] parts = path.split("\\?")[0].split("/");
    int i = java.util.Arrays.asList(parts).indexOf("namespaces");
    if (i < 0 || parts.length <= i + 2) {
      return path;
    }
    return parts[i + 2] + (parts.length > i + 4 ? "/" + parts[i + 4] : "");
  }

  static boolean isWrite(TestApiServer.Call c) {
    return !"GET".equals(c.method());
  }

  private static List<TestApiServer.Call> operatorCalls(EmbeddedStack stack, int from, Predicate<TestApiServer.Call> which) {
    return calls(stack, EmbeddedStack.OPERATOR_AGENT, from, which);
  }

  /** The API server's record from call {@code from} on: the requests of the client {@code agent} matching {@code which}. */
  static List<TestApiServer.Call> calls(EmbeddedStack stack, String agent, int from, Predicate<TestApiServer.Call> which) {
    return stack.api.calls(from).stream().filter(c -> agent.equals(c.userAgent())).filter(which).toList();
  }
}
