package dev.slipstream.demo;

import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.model.JobControlModel;
import dev.slipstream.core.model.Labels;
import dev.slipstream.job.local.LocalJob;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The reference job for each FlinkDeployment of a namespace, run in this process: what the Flink Kubernetes
 * Operator and its pods do for the demo. Each job gets the FlinkDeployment's own configuration (the contract the
 * operator wrote), with the cluster addresses it cannot reach from here replaced: the model endpoint by the
 * local model servers, the control ConfigMap's mount by a directory kept in step with the ConfigMap as the
 * kubelet would. A changed configuration restarts the job from its last checkpoint; a deleted FlinkDeployment
 * stops it.
 */
public final class LocalFlink implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final LocalServing serving;
  private final Path work;
  private final Map<String, Running> jobs = new ConcurrentHashMap<>();
  private final Map<String, Integer> starts = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "local-flink");
    t.setDaemon(true);
    return t;
  });

  private record Running(Map<String, String> contract, LocalJob job) {}

  /** Told when a bounded job has ended (true), and when one it told of runs again or is gone (false). */
  private volatile java.util.function.BiConsumer<String, Boolean> reporter = (name, finished) -> { };
  private final java.util.Set<String> reportedFinished = ConcurrentHashMap.newKeySet();

  public LocalFlink(KubernetesClient client, String namespace, LocalServing serving, Path work) {
    this.client = client;
    this.namespace = namespace;
    this.serving = serving;
    this.work = work;
    poll.scheduleWithFixedDelay(this::follow, 0, 500, TimeUnit.MILLISECONDS);
  }

  /** Reports the bounded jobs' ends to the stand-in Flink controller (a replay's FINISHED), and their restarts. */
  public LocalFlink reportingTo(java.util.function.BiConsumer<String, Boolean> reporter) {
    this.reporter = reporter;
    return this;
  }

  /** How many times the job of the FlinkDeployment {@code name} was started: a restart counts one more. */
  public int starts(String name) {
    return starts.getOrDefault(name, 0);
  }

  /** The job of the FlinkDeployment {@code name}, running now, or null. */
  public LocalJob job(String name) {
    Running r = jobs.get(name);
    return r == null ? null : r.job();
  }

  /** The names of the FlinkDeployments whose jobs run now. */
  public java.util.Set<String> running() {
    return java.util.Set.copyOf(jobs.keySet());
  }

  private void follow() {
    try {
      Map<String, GenericKubernetesResource> deployments = new HashMap<>();
      client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment").inNamespace(namespace).list().getItems()
          .forEach(d -> deployments.put(d.getMetadata().getName(), d));
      for (var e : deployments.entrySet()) {
        Map<String, String> contract = localContract(e.getValue());
        Running running = jobs.get(e.getKey());
        if (dev.slipstream.core.model.FlinkDeploymentModel.suspended(e.getValue())) {
          // cancelled without a savepoint (stateless), as the Flink operator suspends it; resumed, it starts again
          if (running != null) {
            jobs.remove(e.getKey()).job().close();
          }
          continue;
        }
        if (running != null && running.contract().equals(contract)) {
          var result = running.job().client().getJobExecutionResult();
          if (result.isDone() && !result.isCompletedExceptionally() && reportedFinished.add(e.getKey())) {
            reporter.accept(e.getKey(), true);
          }
        }
        if (running == null || !running.contract().equals(contract)) {
          String restoreFrom = null;
          if (running != null) {
            running.job().close();
            restoreFrom = LocalJob.latestCheckpoint(work.resolve(e.getKey())).map(Path::toString).orElse(null);
          }
          jobs.put(e.getKey(), new Running(contract, LocalJob.start(contract, 2, work.resolve(e.getKey()),
              Map.of("execution.checkpointing.interval", "1000 ms"), restoreFrom)));
          starts.merge(e.getKey(), 1, Integer::sum);
          if (reportedFinished.remove(e.getKey())) {
            reporter.accept(e.getKey(), false); // running again: no longer the FINISHED it was
          }
        }
      }
      for (String gone : jobs.keySet().stream().filter(n -> !deployments.containsKey(n)).toList()) {
        jobs.remove(gone).job().close();
        if (reportedFinished.remove(gone)) {
          reporter.accept(gone, false); // a FlinkDeployment of that name created again starts afresh
        }
      }
      mirrorControl();
    } catch (RuntimeException e) {
      // the API server is going away at the end of the demo; the next poll tries again
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, String> localContract(GenericKubernetesResource deployment) {
    Map<String, Object> spec = (Map<String, Object>) deployment.getAdditionalProperties().get("spec");
    Map<String, String> contract = new TreeMap<>((Map<String, String>) spec.get("flinkConfiguration"));
    contract.keySet().removeIf(k -> !k.startsWith("slipstream."));
    contract.put(JobContract.SERVING_ENDPOINT, serving.localUrl(contract.get(JobContract.SERVING_ENDPOINT)));
    contract.put(JobContract.METRICS_PORT, "0");
    contract.remove(JobContract.CLIENT_PROPERTIES_DIR);
    if (contract.containsKey(JobContract.CONTROL_DIR)) {
      contract.put(JobContract.CONTROL_DIR, controlDir(deployment.getMetadata().getLabels().get(Labels.PIPELINE)).toString());
    }
    return contract;
  }

  private Path controlDir(String pipeline) {
    return work.resolve("control").resolve(pipeline);
  }

  /** The control ConfigMaps as mounted files, each key a file, refreshed in place as the kubelet does. */
  private void mirrorControl() {
    for (Running r : jobs.values()) {
      String dir = r.contract().get(JobContract.CONTROL_DIR);
      if (dir == null) {
        continue;
      }
      String pipeline = Path.of(dir).getFileName().toString();
      ConfigMap control = client.configMaps().inNamespace(namespace).withName(JobControlModel.name(pipeline)).get();
      Map<String, String> data = new TreeMap<>(control == null || control.getData() == null ? Map.of() : control.getData());
      // what cluster DNS would do: the endpoint named in the ConfigMap is served here by the local model servers
      data.computeIfPresent("endpoint", (k, endpoint) -> serving.localUrl(endpoint));
      data.computeIfPresent("candidate-endpoint", (k, endpoint) -> serving.localUrl(endpoint));
      write(Path.of(dir), data);
    }
  }

  private static void write(Path dir, Map<String, String> data) {
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          if (!data.containsKey(f.getFileName().toString())) {
            Files.delete(f);
          }
        }
      }
      for (var e : data.entrySet()) {
        Path f = dir.resolve(e.getKey());
        if (!Files.exists(f) || !Files.readString(f).equals(e.getValue())) {
          Files.writeString(f, e.getValue());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    poll.shutdownNow();
    jobs.values().forEach(r -> r.job().close());
    jobs.clear();
  }
}
