package dev.slipstream.operator;

import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.StandInControllers;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The real operator against the test API server, the real Kafka broker and the stand-in controllers. */
final class OperatorFixture implements AutoCloseable {
  final EmbeddedKafka kafka;
  final TestApiServer api;
  final KubernetesClient client;
  final StandInControllers standIns;
  /** The User-Agent of the operator's requests, to tell its writes from the test's own. */
  static final String OPERATOR_AGENT = "slipstream-operator-under-test";
  final ReconcileCounter reconciles = new ReconcileCounter();
  private final KubernetesClient operatorClient;
  private SlipstreamOperator operator;
  private io.prometheus.metrics.model.registry.PrometheusRegistry registry;

  private final String prometheusUrl;
  private final String[] extraArgs;

  OperatorFixture() {
    this("");
  }

  /** @param prometheusUrl the operator's --prometheus-url; empty for none */
  OperatorFixture(String prometheusUrl, String... extraArgs) {
    this(dev.slipstream.testkit.Crds.THIRD_PARTY, prometheusUrl, extraArgs);
  }

  /** @param thirdPartyCrds the third-party CRDs installed when the operator starts (resource names from Crds) */
  OperatorFixture(List<String> thirdPartyCrds, String prometheusUrl, String... extraArgs) {
    this.prometheusUrl = prometheusUrl;
    this.extraArgs = extraArgs;
    this.kafka = EmbeddedKafka.start();
    this.api = TestApiServer.start(thirdPartyCrds);
    this.client = api.client();
    this.standIns = StandInControllers.startAll(api.newClient());
    this.operatorClient = api.newClient(OPERATOR_AGENT, dev.slipstream.controllers.common.PrunedReads.serialization());
    startOperator();
  }

  OperatorConfig config() {
    var args = new java.util.ArrayList<>(List.of("--resync=2s", "--kafka-api-timeout=3s", "--kafka-retry-min=500ms",
        "--kafka-retry-max=4s", "--prometheus-url=" + prometheusUrl, "--prometheus-timeout=2s", "--leader-election=false"));
    args.addAll(List.of(extraArgs));
    return OperatorConfig.from(args.toArray(String[]::new), Map.of());
  }

  void startOperator() {
    registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
    operator = new SlipstreamOperator(operatorClient, config(), Clock.systemUTC(), reconciles, registry);
    operator.start();
  }

  /** The running operator's own metrics, as /metrics serves them. */
  String metrics() {
    var out = new java.io.ByteArrayOutputStream();
    try {
      io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  void stopOperator() {
    operator.close();
  }

  /** The objects of an example file, with the pipelines pointed at the test broker. */
  List<GenericKubernetesResource> example(String file) {
    return Manifests.withBootstrapServers(Manifests.read(Manifests.examples().resolve(file)), kafka.bootstrapServers());
  }

  /**
   * The Triton example in {@code namespace}, without its Kafka client Secret, under a ShedPolicy whose one level
   * scales out by KEDA to 6 replicas above a lag of 100 and steps down after {@code cooldown}; waits until Ready.
   */
  @SuppressWarnings("unchecked")
  void applyTritonWithKedaScaleOut(String namespace, String cooldown) {
    var objects = new java.util.ArrayList<>(example("triton-gpu.yaml"));
    Manifests.moveTo(objects, namespace);
    for (GenericKubernetesResource o : objects) {
      if ("StreamingPipeline".equals(o.getKind())) {
        var spec = (Map<String, Object>) o.getAdditionalProperties().get("spec");
        ((Map<String, Object>) spec.get("kafka")).remove("clientSecretRef");
        ((Map<String, Object>) spec.get("serving")).put("shedPolicyRef", Map.of("name", "keda-shed"));
      }
    }
    GenericKubernetesResource policy = new GenericKubernetesResource();
    policy.setApiVersion("slipstream.dev/v1alpha1");
    policy.setKind("ShedPolicy");
    policy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("keda-shed").withNamespace(namespace).build());
    policy.setAdditionalProperty("spec", Map.of("evaluationInterval", "1s",
        "levels", List.of(Map.of("name", "scale-out", "triggers", Map.of("consumerLagAbove", 100),
            "scaleOut", Map.of("maxReplicas", 6, "keda", true))),
        "recovery", Map.of("cooldown", cooldown)));
    objects.add(0, policy);
    apply(objects);
    awaitReady(namespace, "image-embeddings", true, "Ready");
  }

  /** Creates each object as kubectl apply would the first time: typed, through admission. */
  void apply(List<GenericKubernetesResource> objects) {
    for (GenericKubernetesResource o : objects) {
      client.resource(Manifests.typed(o)).create();
    }
  }

  /** fraud-v2: fraud-v1 of that namespace with version 2 and its own storage. */
  ModelVersion createFraudV2(String namespace) {
    return createFraudVersion(namespace, 2);
  }

  /** fraud-v{n}: fraud-v1 of that namespace with version n and its own storage. */
  ModelVersion createFraudVersion(String namespace, int version) {
    return createVersionOf(namespace, "fraud-v1", "fraud-v" + version, String.valueOf(version),
        spec -> spec.storageUri = "s3://models/fraud/" + version);
  }

  /** A new ModelVersion {@code name}: a copy of {@code from} in that namespace with {@code version}, then {@code edit}. */
  ModelVersion createVersionOf(String namespace, String from, String name, String version,
      java.util.function.Consumer<dev.slipstream.api.v1alpha1.ModelVersionSpec> edit) {
    ModelVersion next = client.resources(ModelVersion.class).inNamespace(namespace).withName(from).get();
    next.getMetadata().setName(name);
    next.getMetadata().setResourceVersion(null);
    next.getMetadata().setUid(null);
    next.setStatus(null);
    next.getSpec().version = version;
    edit.accept(next.getSpec());
    return client.resource(next).create();
  }

  /**
   * A rollout fast enough for a test: a check every 5s over these steps, with the default analysis, split by request
   * in the serving layer, which these tests look at (the split by key, the reference job's default, has its own).
   */
  static RolloutSpec fastRollout(Integer... steps) {
    RolloutSpec rollout = new RolloutSpec();
    rollout.split = RolloutSpec.Split.request;
    rollout.canary.steps = List.of(steps);
    rollout.canary.interval = "5s";
    return rollout;
  }

  /** Writes {@code records} small JSON events to {@code topic} on the test broker. */
  void produce(String topic, int records) {
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    var serializer = new org.apache.kafka.common.serialization.StringSerializer();
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(props, serializer, serializer)) {
      for (int i = 0; i < records; i++) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "key-" + (i % 50), "{\"amount\": " + i + "}"));
      }
      producer.flush();
    }
  }

  StreamingPipeline pipeline(String namespace, String name) {
    return client.resources(StreamingPipeline.class).inNamespace(namespace).withName(name).get();
  }

  /** Waits until the pipeline reports the Ready condition with that status and reason. */
  StreamingPipeline awaitReady(String namespace, String name, boolean ready, String reason) {
    await("pipeline " + name + " Ready=" + ready + " " + reason).atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      StreamingPipeline p = pipeline(namespace, name);
      var c = p.getStatus() == null ? null : Conditions.find(p.getStatus().conditions, Conditions.READY).orElse(null);
      if (c == null || !c.getStatus().equals(ready ? "True" : "False") || !c.getReason().equals(reason)) {
        throw new AssertionError("Ready condition is " + (c == null ? "absent" : c.getStatus() + "/" + c.getReason() + ": " + c.getMessage()));
      }
    });
    return pipeline(namespace, name);
  }

  /** The namespace's Events, oldest first. */
  List<io.fabric8.kubernetes.api.model.Event> events(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(java.util.Comparator.comparing(io.fabric8.kubernetes.api.model.Event::getFirstTimestamp)
            .thenComparing(e -> e.getMetadata().getResourceVersion(), java.util.Comparator.comparingLong(Long::parseLong)))
        .toList();
  }

  /** spec.predictor of an InferenceService, or null when it does not exist. */
  @SuppressWarnings("unchecked")
  Map<String, Object> predictor(String namespace, String name) {
    GenericKubernetesResource isvc = client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService")
        .inNamespace(namespace).withName(name).get();
    return isvc == null ? null
        : (Map<String, Object>) ((Map<String, Object>) isvc.getAdditionalProperties().get("spec")).get("predictor");
  }

  /**
   * Writes the distinct API calls the operator made ({@code METHOD path}, query included) under
   * target/api-calls: the Helm chart's RBAC check reads them to grant exactly what the operator uses. Its
   * /metrics go under target/operator-metrics, for the dashboard's check.
   */
  static void recordApiCalls(TestApiServer api) {
    record("api-calls", api.calls().stream().filter(c -> OPERATOR_AGENT.equals(c.userAgent()))
        .map(c -> c.method() + " " + c.path()).distinct().sorted().toList());
  }

  /** Writes lines to a new file under target/{@code what}, for the checks of the Helm chart module. */
  private static void record(String what, List<String> lines) {
    try {
      java.nio.file.Path dir = java.nio.file.Path.of("target", what);
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.write(dir.resolve(java.util.UUID.randomUUID() + ".txt"), lines);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Stops everything; fails when the operator wrote anything a real API server would refuse (schema, CEL). */
  @Override
  public void close() {
    var refused = api.refusedWrites().stream().filter(w -> OPERATOR_AGENT.equals(w.userAgent())).toList();
    var userOwned = api.writes().stream().filter(w -> OPERATOR_AGENT.equals(w.userAgent()))
        .filter(w -> USER_OWNED.matcher(w.path().replaceAll("\\?.*", "")).matches())
        .filter(w -> !onlyFinalizers(w)).map(w -> w.method() + " " + w.path() + " " + w.body()).toList();
    record("operator-metrics", List.of(metrics()));
    stopOperator();
    recordApiCalls(api);
    operatorClient.close();
    standIns.close();
    api.close();
    kafka.close();
    org.assertj.core.api.Assertions.assertThat(refused).as("operator writes a real API server would refuse").isEmpty();
    org.assertj.core.api.Assertions.assertThat(userOwned)
        .as("operator writes to a user's resource beyond its status and the finalizer (they would fight Git)").isEmpty();
  }

  /** A StreamingPipeline, ModelVersion or ShedPolicy itself, not its status subresource. */
  private static final java.util.regex.Pattern USER_OWNED = java.util.regex.Pattern.compile(
      "/apis/slipstream\\.dev/v1alpha1/namespaces/[^/]+/(streamingpipelines|modelversions|shedpolicies)/[^/]+");

  /** A patch that adds or removes the operator's finalizer and nothing else (a resourceVersion guard aside). */
  private static boolean onlyFinalizers(TestApiServer.Write w) {
    if (!"PATCH".equals(w.method())) {
      return false;
    }
    try {
      var patch = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().readTree(w.body());
      if (patch.isArray()) {
        for (var op : patch) {
          String path = op.path("path").asText();
          if (!path.startsWith("/metadata/finalizers") && !path.equals("/metadata/resourceVersion")) {
            return false;
          }
        }
        return true;
      }
      var fields = new java.util.ArrayList<String>();
      patch.fieldNames().forEachRemaining(fields::add);
      var metadata = new java.util.ArrayList<String>();
      patch.path("metadata").fieldNames().forEachRemaining(metadata::add);
      metadata.removeAll(List.of("finalizers", "resourceVersion", "name", "namespace"));
      fields.removeAll(List.of("metadata", "apiVersion", "kind"));
      return fields.isEmpty() && metadata.isEmpty();
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
