package dev.slipstream.demo;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.core.model.Labels;
import dev.slipstream.testkit.TestModelServer;
import dev.slipstream.testkit.TestModelServer.Behaviour;
import dev.slipstream.testkit.TestModelServer.Weighted;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The model servers behind a namespace's InferenceServices, in this process: what KServe's data plane does for
 * the demo: one model server per InferenceService. Requests to an InferenceService's URL are split between its
 * latest revision and the last one rolled out by {@code canaryTrafficPercent} (a candidate split by key has an
 * InferenceService, so a server, of its own); the latest revision's own URL ({@code latest-...}, KServe's tag
 * routing, which the shadow job calls) reaches only it. Each ModelVersion answers as the demo says (its
 * latency), with its modelName and version as the model server would report them.
 */
public final class LocalServing implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Double> latencyMs;
  private final Map<String, Double> errorPercent = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Double> flipPercent = new java.util.concurrent.ConcurrentHashMap<>();
  /** One model server per InferenceService (by name), as each has its own Service in a cluster. */
  private final Map<String, TestModelServer> services = new java.util.concurrent.ConcurrentHashMap<>();
  private final TestModelServer latest = TestModelServer.start();
  private final Map<String, String> rolledOut = new HashMap<>();
  private final ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "local-serving");
    t.setDaemon(true);
    return t;
  });

  /** @param latencyMs how long each ModelVersion (by name) takes to answer; 5 ms for one not named */
  public LocalServing(KubernetesClient client, String namespace, Map<String, Double> latencyMs) {
    this.client = client;
    this.namespace = namespace;
    this.latencyMs = new java.util.concurrent.ConcurrentHashMap<>(latencyMs);
    poll.scheduleWithFixedDelay(this::follow, 0, 200, TimeUnit.MILLISECONDS);
  }

  /**
   * From now on the ModelVersion named {@code modelVersion} answers in {@code ms} and fails {@code percent} of its
   * requests with a 5xx.
   */
  public void behave(String modelVersion, double ms, double percent) {
    latencyMs.put(modelVersion, ms);
    errorPercent.put(modelVersion, percent);
  }

  /** From now on the ModelVersion named {@code modelVersion} decides otherwise on about {@code percent} of its inputs. */
  public void disagree(String modelVersion, double percent) {
    flipPercent.put(modelVersion, percent);
  }

  /** Where a request for {@code endpoint} (an InferenceService's cluster URL) goes in this process. */
  public String localUrl(String endpoint) {
    String host = URI.create(endpoint).getHost();
    if (host == null) {
      return endpoint;
    }
    return host.startsWith("latest-") ? latest.url() : service(host.substring(0, host.indexOf('.') < 0 ? host.length()
        : host.indexOf('.'))).url();
  }

  private TestModelServer service(String inferenceService) {
    return services.computeIfAbsent(inferenceService, n -> TestModelServer.start());
  }

  private void follow() {
    try {
      for (GenericKubernetesResource isvc : client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService")
          .inNamespace(namespace).list().getItems()) {
        String current = isvc.getMetadata().getLabels() == null ? null : isvc.getMetadata().getLabels().get(Labels.MODEL_VERSION);
        ModelVersion model = current == null ? null : client.resources(ModelVersion.class).inNamespace(namespace).withName(current).get();
        if (model == null) {
          continue;
        }
        Object percent = predictor(isvc).get("canaryTrafficPercent");
        int weight = percent instanceof Number n ? n.intValue() : 100;
        String name = isvc.getMetadata().getName();
        if (weight >= 100 || !rolledOut.containsKey(name)) {
          rolledOut.put(name, current);
        }
        String modelName = model.getSpec().modelName;
        Behaviour candidate = behaviour(model);
        ModelVersion stable = client.resources(ModelVersion.class).inNamespace(namespace).withName(rolledOut.get(name)).get();
        service(name).split(modelName, stable == null || rolledOut.get(name).equals(current) ? List.of(new Weighted(candidate, 100))
            : List.of(new Weighted(candidate, weight), new Weighted(behaviour(stable), 100 - weight)));
        latest.answer(modelName, candidate);
      }
    } catch (RuntimeException e) {
      // the API server is going away at the end of the demo; the next poll tries again
    }
  }

  private Behaviour behaviour(ModelVersion m) {
    String name = m.getMetadata().getName();
    return Behaviour.healthy(m.getSpec().version).withLatency(latencyMs.getOrDefault(name, 5.0))
        .withErrors(errorPercent.getOrDefault(name, 0.0)).withFlips(flipPercent.getOrDefault(name, 0.0));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> predictor(GenericKubernetesResource isvc) {
    Map<String, Object> spec = (Map<String, Object>) isvc.getAdditionalProperties().getOrDefault("spec", Map.of());
    return (Map<String, Object>) spec.getOrDefault("predictor", Map.of());
  }

  /** Requests to every model server so far, by the number of events each carried. */
  Map<Integer, Long> batchSizes() {
    Map<Integer, Long> sizes = new java.util.TreeMap<>();
    java.util.stream.Stream.concat(services.values().stream(), java.util.stream.Stream.of(latest))
        .forEach(server -> server.batchSizes().forEach((size, count) -> sizes.merge(size, count, Long::sum)));
    return sizes;
  }

  @Override
  public void close() {
    poll.shutdownNow();
    services.values().forEach(TestModelServer::close);
    latest.close();
  }
}
