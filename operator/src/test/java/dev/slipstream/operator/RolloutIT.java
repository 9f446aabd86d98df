package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A new ModelVersion in Git becomes a KServe canary, judged on the real broker's consumer lag. */
class RolloutIT extends WithOperator {
  /** The example in its own namespace, Ready on fraud-v1, with fraud-v2 created and the reference moved to it. */
  private static void rollOutFraudV2(String namespace, Integer... steps) {
    rollOutFraudV2(namespace, OperatorFixture.fastRollout(steps));
  }

  private static void rollOutFraudV2(String namespace, dev.slipstream.api.v1alpha1.RolloutSpec rollout) {
    rollOutFraudV2(namespace, rollout, true);
  }

  /** @param shedPolicy false: the pipeline without its ShedPolicy, whose ladder would hold a rollout under load */
  @SuppressWarnings("unchecked")
  private static void rollOutFraudV2(String namespace, dev.slipstream.api.v1alpha1.RolloutSpec rollout, boolean shedPolicy) {
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, namespace);
    if (!shedPolicy) {
      objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).forEach(o -> ((Map<String, Object>)
          ((Map<String, Object>) o.getAdditionalProperties().get("spec")).get("serving")).remove("shedPolicyRef"));
    }
    env.apply(objects);
    env.awaitReady(namespace, "fraud-scoring", true, "Ready");
    env.createFraudV2(namespace);
    applySpec(namespace, Map.of("rollout", rollout, "serving", Map.of("modelVersionRef", Map.of("name", "fraud-v2"))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCanarySplitByKeyStepsThroughTheControlConfigMapAndNeverTouchesTheFlinkJob() {
    String ns = "canary-key";
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, ns);
    // without its ShedPolicy, the control ConfigMap exists only for the rollout
    objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).forEach(o -> ((Map<String, Object>)
        ((Map<String, Object>) o.getAdditionalProperties().get("spec")).get("serving")).remove("shedPolicyRef"));
    env.apply(objects);
    env.awaitReady(ns, "fraud-scoring", true, "Ready");
    GenericKubernetesResource job = flinkDeployment(ns, "fraud-scoring");
    env.createFraudV2(ns);
    var rollout = OperatorFixture.fastRollout(20, 100);
    rollout.split = dev.slipstream.api.v1alpha1.RolloutSpec.Split.key;
    assertThat(env.client.configMaps().inNamespace(ns).withName("fraud-scoring-control").get()).isNull();
    applySpec(ns, Map.of("rollout", rollout, "serving", Map.of("modelVersionRef", Map.of("name", "fraud-v2"))));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var control = env.client.configMaps().inNamespace(ns).withName("fraud-scoring-control").get();
      assertThat(control).isNotNull();
      assertThat(control.getData()).containsEntry("candidate-weight", "20")
          .containsEntry("candidate-endpoint", "http://fraud-scoring-fraud-v2." + ns + ".svc.cluster.local")
          .containsEntry("endpoint", "http://fraud-scoring." + ns + ".svc.cluster.local");
      Map<String, Object> candidate = env.predictor(ns, "fraud-scoring-fraud-v2");
      assertThat(storageUri(candidate)).isEqualTo("s3://models/fraud/2");
      assertThat(candidate).as("its share of replicas: ceil(2 x 20%)").containsEntry("minReplicas", 1);
      assertThat(predictor(ns)).as("no split in KServe: no Knative needed").doesNotContainKey("canaryTrafficPercent");
      assertThat(storageUri(predictor(ns))).as("the pipeline's own serves the stable version").isEqualTo("s3://models/fraud/1");
    });
    StreamingPipeline done = awaitRolloutPhase(ns, "Succeeded", 60);

    assertThat(done.getStatus().model).isEqualTo("fraud-v2@2");
    assertThat(storageUri(predictor(ns))).isEqualTo("s3://models/fraud/2");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(env.client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(ns)
          .withName("fraud-scoring-fraud-v2").get()).as("the candidate's own serving goes once promoted").isNull();
      assertThat(env.client.configMaps().inNamespace(ns).withName("fraud-scoring-control").get())
          .as("nothing left to steer").isNull();
    });
    GenericKubernetesResource after = flinkDeployment(ns, "fraud-scoring");
    assertThat(after.getMetadata().getResourceVersion()).as("no step, promotion or cleanup wrote the FlinkDeployment")
        .isEqualTo(job.getMetadata().getResourceVersion());
    assertThat(after.getAdditionalProperties().get("spec")).isEqualTo(job.getAdditionalProperties().get("spec"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events(ns)).extracting(Event::getReason)
        .containsSubsequence("RolloutStarted", "Promoting", "RolloutSucceeded"));
  }

  @Test
  void aShadowRunsTheCandidateOnTheRealInputUnderItsOwnGroupThenTheCanaryTakesOver() throws Exception {
    String ns = "canary-shadow";
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, ns);
    env.apply(objects);
    env.awaitReady(ns, "fraud-scoring", true, "Ready");
    String mainJobVersion = flinkDeployment(ns, "fraud-scoring").getMetadata().getResourceVersion();
    env.createFraudV2(ns);
    var rollout = OperatorFixture.fastRollout(20, 100);
    rollout.shadow = new dev.slipstream.api.v1alpha1.ShadowSpec();
    rollout.shadow.duration = "15s";
    applySpec(ns, Map.of("rollout", rollout, "serving", Map.of("modelVersionRef", Map.of("name", "fraud-v2"))));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      GenericKubernetesResource shadow = flinkDeployment(ns, "fraud-scoring-shadow");
      assertThat(shadow).isNotNull();
      @SuppressWarnings("unchecked")
      Map<String, Object> keys = (Map<String, Object>) ((Map<String, Object>) shadow.getAdditionalProperties().get("spec"))
          .get("flinkConfiguration");
      assertThat(keys).containsEntry("slipstream.role", "shadow")
          .containsEntry("slipstream.kafka.consumer-group", "slipstream.canary-shadow.fraud-scoring.shadow")
          .containsEntry("slipstream.topics.inputs", "canary-shadow-card-transactions")
          .containsEntry("slipstream.topics.output", "canary-shadow-fraud-scores.shadow")
          .containsEntry("slipstream.serving.endpoint", "http://latest-fraud-scoring-predictor.canary-shadow.svc.cluster.local");
      assertThat(env.pipeline(ns, "fraud-scoring").getStatus().rollout.phase).isEqualTo("Shadowing");
      assertThat(predictor(ns).get("canaryTrafficPercent")).as("the shadow takes no real traffic").isEqualTo(0);
    });
    try (var admin = env.kafka.admin()) {
      assertThat(admin.listTopics().names().get(10, java.util.concurrent.TimeUnit.SECONDS))
          .contains("canary-shadow-fraud-scores.shadow");
    }
    assertThat(flinkDeployment(ns, "fraud-scoring").getMetadata().getResourceVersion())
        .as("the real job is not touched by the shadow").isEqualTo(mainJobVersion);

    env.produce("canary-shadow-card-transactions", 40);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(env.pipeline(ns, "fraud-scoring").getStatus().rollout.lastAnalysis).anySatisfy(r -> {
          assertThat(r.target).isEqualTo("shadow");
          assertThat(r.metric).isEqualTo("consumerLag");
          assertThat(r.value).as("the shadow group's own lag on the real input").isEqualTo(40.0);
        }));

    await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
      assertThat(env.pipeline(ns, "fraud-scoring").getStatus().rollout.phase).isIn("Canary", "Promoting", "Succeeded");
      assertThat(flinkDeployment(ns, "fraud-scoring-shadow")).as("the shadow job ends with the shadow phase").isNull();
    });
    // the decision's Events are recorded after its status: the phase can be seen a moment before them
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(events(ns)).extracting(Event::getReason).contains("ShadowSucceeded"));
    awaitRolloutPhase(ns, "Succeeded", 60);
  }

  @Test
  void aShadowWhosePredictionsDisagreeWithTheServedOnesIsRolledBack() {
    String ns = "shadow-agree";
    var rollout = OperatorFixture.fastRollout(20, 100);
    rollout.shadow = new dev.slipstream.api.v1alpha1.ShadowSpec();
    rollout.shadow.duration = "60s";
    rollout.shadow.minAgreementPercent = 90.0;
    rollout.analysis.failureThreshold = 1;
    rollOutFraudV2(ns, rollout, false);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(env.pipeline(ns, "fraud-scoring").getStatus().rollout.message)
            .contains("shadow prediction agreement: no data"));

    // what the two jobs wrote for the same 100 events (the job's output format): the candidate differs on 40
    produceResults(ns + "-fraud-scores", 100, i -> 0.2);
    produceResults(ns + "-fraud-scores.shadow", 100, i -> i < 60 ? 0.21 : 0.8);
    awaitRolloutPhase(ns, "RolledBack", 40);
    var status = env.pipeline(ns, "fraud-scoring").getStatus().rollout;
    assertThat(status.lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("predictionAgreement");
      assertThat(r.target).isEqualTo("shadow");
      assertThat(r.value).isEqualTo(60.0);
      assertThat(r.threshold).isEqualTo(90.0);
      assertThat(r.verdict).isEqualTo("Fail");
    });
    assertThat(status.message).contains("shadow prediction agreement 60.0% < 90.0% over 100 records");
    assertThat(events(ns)).anySatisfy(e -> assertThat(e.getMessage()).contains("prediction agreement 60.0% < 90.0%"));
  }

  /** Result records as the reference job writes them, one per event e0..e(n-1), with the given scores. */
  private static void produceResults(String topic, int count, java.util.function.IntToDoubleFunction score) {
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", env.kafka.bootstrapServers());
    var serializer = new org.apache.kafka.common.serialization.StringSerializer();
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(props, serializer, serializer)) {
      for (int i = 0; i < count; i++) {
        double s = score.applyAsDouble(i);
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "card-" + i, "{\"kind\":\"scored\","
            + "\"eventId\":\"e" + i + "\",\"key\":\"card-" + i + "\",\"score\":" + s + ",\"result\":{\"score\":[" + s + "]},"
            + "\"fallback\":false}"));
      }
      producer.flush();
    }
  }

  @Test
  void aTritonRouteThatNoMeshAcceptedHoldsTheRolloutAndSaysWhy() {
    String ns = "triton-unrouted";
    // a cluster with the Gateway API CRDs but no mesh implementing them: nobody writes the route's status
    env.standIns.behave(StandInControllers.Kind.HTTP_ROUTE, ns, "image-embeddings-triton", StandInControllers.Behaviour.HOLD);
    rollOutEmbedderV4(ns, spec -> { });

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var p = env.pipeline(ns, "image-embeddings");
      assertThat(p.getStatus().rollout.message).startsWith("waiting for embedder-v4 to serve: HTTPRoute"
          + " image-embeddings-triton has not been accepted by any mesh or gateway");
      assertThat(Conditions.find(p.getStatus().conditions, "Progressing").orElseThrow().getMessage())
          .contains("status.parents is empty");
    });
    assertThat(env.pipeline(ns, "image-embeddings").getStatus().rollout.stepStartedAt)
        .as("no canary step counts on a route nobody applies").isNull();

    // the mesh arrives and takes the route: the rollout goes on
    env.standIns.behave(StandInControllers.Kind.HTTP_ROUTE, ns, "image-embeddings-triton", StandInControllers.Behaviour.READY);
    awaitPhase(ns, "image-embeddings", "Succeeded");
  }

  @Test
  void aPipelineMovedOffTritonLosesItsDeploymentServicesAndRouteOnceKServeServes() {
    String ns = "triton-to-kserve";
    tritonExampleReady(ns);
    // split by request, Triton's versions sit behind a route
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("image-embeddings")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"rollout\":{\"split\":\"request\"}}}");
    var routes = env.client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace(ns);
    await().atMost(Duration.ofSeconds(30)).until(() -> routes.withName("image-embeddings-triton").get() != null);
    env.createVersionOf(ns, "embedder-v3", "embedder-onnx", "5", spec -> {
      spec.runtime = dev.slipstream.api.v1alpha1.ServingRuntime.KSERVE;
      spec.format = dev.slipstream.api.v1alpha1.ModelFormat.ONNX;
      // KServe reads storage credentials through a service account, not Triton's Secret
      spec.storage = new dev.slipstream.api.v1alpha1.ModelStorage();
      spec.storage.serviceAccountName = "embedder-s3";
    });
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("image-embeddings")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"embedder-onnx\"}}}}");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(env.predictor(ns, "image-embeddings")).as("KServe serves").isNotNull();
      assertThat(routes.withName("image-embeddings-triton").get()).as("no Triton version is routed any more").isNull();
      assertThat(env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v3").get()).isNull();
      assertThat(env.client.services().inNamespace(ns).withName("image-embeddings-triton").get()).isNull();
    });
    assertThat(env.pipeline(ns, "image-embeddings").getStatus().rollout.message)
        .contains("the runtime changes from triton to kserve");
  }

  @Test
  void aTritonCanarySplitByKeyRunsTheCandidateBehindItsOwnServiceWithNoRouteAndNeverTouchesTheJob() {
    String ns = "triton-keyed";
    tritonExampleReady(ns);
    var routes = env.client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace(ns);
    assertThat(routes.withName("image-embeddings-triton").get()).as("split by key (the default): no route").isNull();
    var flink = env.client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment").inNamespace(ns)
        .withName("image-embeddings");
    String flinkVersion = flink.get().getMetadata().getResourceVersion();
    env.createVersionOf(ns, "embedder-v3", "embedder-v4", "4", spec -> spec.minReplicas = 4);
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("image-embeddings")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"rollout\":{\"canary\":{\"steps\":[25,100],\"interval\":\"5s\"}},"
                + "\"serving\":{\"modelVersionRef\":{\"name\":\"embedder-v4\"}}}}");

    var control = env.client.configMaps().inNamespace(ns).withName("image-embeddings-control");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(control.get()).isNotNull();
      assertThat(control.get().getData()).containsEntry("candidate-weight", "25")
          .containsEntry("candidate-endpoint", "http://image-embeddings-embedder-v4." + ns + ".svc.cluster.local:8000")
          .containsEntry("candidate-model-version", "4");
      assertThat(env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v4").get()
          .getSpec().getReplicas()).as("ceil(4 x 25%)").isEqualTo(1);
      assertThat(env.client.services().inNamespace(ns).withName("image-embeddings-triton").get().getSpec().getSelector())
          .containsEntry("slipstream.dev/model-version", "embedder-v3");
    });
    assertThat(routes.withName("image-embeddings-triton").get()).isNull();
    awaitPhase(ns, "image-embeddings", "Succeeded");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(env.client.services().inNamespace(ns).withName("image-embeddings-triton").get().getSpec().getSelector())
          .as("the pipeline's Service on the promoted version").containsEntry("slipstream.dev/model-version", "embedder-v4");
      assertThat(env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v4").get()
          .getSpec().getReplicas()).isEqualTo(4);
      assertThat(control.get()).as("the job needs no steering once promoted").isNull();
    });
    assertThat(flink.get().getMetadata().getResourceVersion()).as("the job never restarted").isEqualTo(flinkVersion);
  }

  @Test
  void aTritonCanaryRunsBothVersionsAndSplitsTrafficWithAnHttpRoute() {
    String ns = "triton-canary";
    rollOutEmbedderV4(ns, spec -> spec.minReplicas = 4);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(backendWeights(ns)).containsExactly(Map.entry("image-embeddings-embedder-v3", 75),
          Map.entry("image-embeddings-embedder-v4", 25));
      var candidate = env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v4").get();
      assertThat(candidate.getSpec().getReplicas()).as("ceil(4 x 25%)").isEqualTo(1);
      assertThat(env.client.services().inNamespace(ns).withName("image-embeddings-embedder-v4").get()).isNotNull();
    });
    awaitPhase(ns, "image-embeddings", "Succeeded");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(backendWeights(ns)).containsExactly(Map.entry("image-embeddings-embedder-v4", 100));
      assertThat(env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v3").get()
          .getSpec().getReplicas()).as("the old version stays warm (warmVersions 1) at its minimum, out of the route")
          .isEqualTo(1);
      assertThat(env.pipeline(ns, "image-embeddings").getStatus().rollout.warm).containsExactly("embedder-v3");
      assertThat(env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v4").get()
          .getSpec().getReplicas()).isEqualTo(4);
    });
    // with no version kept warm, the old one goes
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("image-embeddings")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"rollout\":{\"warmVersions\":0}}}");
    env.createVersionOf(ns, "embedder-v4", "embedder-v5", "5", spec -> { });
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("image-embeddings")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"embedder-v5\"}}}}");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(backendWeights(ns)).containsExactly(Map.entry("image-embeddings-embedder-v5", 100));
      assertThat(env.pipeline(ns, "image-embeddings").getStatus().rollout.warm).isNull();
      assertThat(env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v4").get()).isNull();
      assertThat(env.client.apps().deployments().inNamespace(ns).withName("image-embeddings-embedder-v3").get()).isNull();
    });
    assertThat(env.pipeline(ns, "image-embeddings").getStatus().endpoint)
        .isEqualTo("http://image-embeddings-triton.triton-canary.svc.cluster.local:8000");
  }

  @SuppressWarnings("unchecked")
  /** The Triton example in its own namespace (with its Kafka client Secret), Ready on embedder-v3. */
  private static void tritonExampleReady(String ns) {
    env.client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("kafka-client")
        .withNamespace(ns).endMetadata().withStringData(Map.of("security.protocol", "PLAINTEXT")).build()).create();
    var objects = env.example("triton-gpu.yaml");
    Manifests.moveTo(objects, ns);
    env.apply(objects);
    env.awaitReady(ns, "image-embeddings", true, "Ready");
  }

  /** The Triton example in its own namespace, Ready on embedder-v3, then rolled to embedder-v4 (canary 25, 100%). */
  private static void rollOutEmbedderV4(String ns, java.util.function.Consumer<dev.slipstream.api.v1alpha1.ModelVersionSpec> v4) {
    tritonExampleReady(ns);
    env.createVersionOf(ns, "embedder-v3", "embedder-v4", "4", v4);
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("image-embeddings")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            io.fabric8.kubernetes.client.utils.Serialization.asJson(Map.of("spec", Map.of(
                "rollout", OperatorFixture.fastRollout(25, 100),
                "serving", Map.of("modelVersionRef", Map.of("name", "embedder-v4"))))));
  }

  private static Map<String, Object> backendWeights(String namespace) {
    GenericKubernetesResource route = env.client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
        .inNamespace(namespace).withName("image-embeddings-triton").get();
    if (route == null) {
      return Map.of(); // not written yet: an assertion on it fails and is tried again, where a null would end the wait
    }
    var rules = (List<Map<String, Object>>) ((Map<String, Object>) route.getAdditionalProperties().get("spec")).get("rules");
    Map<String, Object> weights = new java.util.LinkedHashMap<>();
    ((List<Map<String, Object>>) rules.get(0).get("backendRefs"))
        .forEach(b -> weights.put((String) b.get("name"), b.get("weight")));
    return weights;
  }

  private static void awaitPhase(String namespace, String pipeline, String phase) {
    await("rollout " + phase + " in " + namespace).atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(env.pipeline(namespace, pipeline).getStatus().rollout.phase).isEqualTo(phase));
  }

  @Test
  void aManualPromoteRunsOnceAndTheAnnotationStaysAsGitWroteIt() {
    String ns = "canary-command";
    var slow = OperatorFixture.fastRollout(5, 25, 50, 100);
    slow.canary.interval = "1h"; // no check passes on its own within the test
    rollOutFraudV2(ns, slow);
    awaitRolloutPhase(ns, "Canary", 60);
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("fraud-scoring").edit(p -> {
      p.getMetadata().getAnnotations().put("slipstream.dev/rollout", "promote");
      return p;
    });
    StreamingPipeline applied = env.pipeline(ns, "fraud-scoring");
    StreamingPipeline promoted = awaitRolloutPhase(ns, "Succeeded", 60);
    assertThat(promoted.getStatus().rollout.stable).isEqualTo("fraud-v2");
    assertThat(promoted.getStatus().rollout.lastCommand).isEqualTo("promote");
    assertThat(promoted.getMetadata().getAnnotations()).as("the annotation as the user (or Git) wrote it")
        .isEqualTo(applied.getMetadata().getAnnotations());
    assertThat(promoted.getMetadata().getLabels()).isEqualTo(applied.getMetadata().getLabels());
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(promoted.getSpec()))
        .isEqualTo(io.fabric8.kubernetes.client.utils.Serialization.asJson(applied.getSpec()));

    // the next rollout (back to fraud-v1) is not promoted by the annotation still in place
    applySpec(ns, Map.of("serving", Map.of("modelVersionRef", Map.of("name", "fraud-v1"))));
    awaitRolloutPhase(ns, "Canary", 60);
    long reconciles = env.reconciles.finished("StreamingPipeline", ns, "fraud-scoring");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> env.reconciles.finished("StreamingPipeline", ns, "fraud-scoring") >= reconciles + 3);
    var rollout = env.pipeline(ns, "fraud-scoring").getStatus().rollout;
    assertThat(rollout.phase).as("held at its first step: the command ran once").isEqualTo("Canary");
    assertThat(rollout.candidate).isEqualTo("fraud-v1");

    // a new value gives the command again
    env.client.resources(StreamingPipeline.class).inNamespace(ns).withName("fraud-scoring").edit(p -> {
      p.getMetadata().getAnnotations().put("slipstream.dev/rollout", "promote:2");
      return p;
    });
    assertThat(awaitRolloutPhase(ns, "Succeeded", 60).getStatus().rollout.stable).isEqualTo("fraud-v1");
  }

  @Test
  void aGpuQuotaWithoutRoomHoldsTheRolloutWithoutDeployingTheCandidate() {
    String ns = "canary-gpu";
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, ns);
    env.apply(objects);
    env.awaitReady(ns, "fraud-scoring", true, "Ready");
    env.client.resource(new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder().withNewMetadata().withName("gpu-quota")
        .withNamespace(ns).endMetadata().withNewSpec()
        .withHard(Map.of("requests.nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("1"))).endSpec().build()).create();
    quotaUsed(ns, "1");
    env.createFraudV2(ns);
    // a merge patch, not an update: the operator may have written the new version's status in between
    env.client.resources(dev.slipstream.api.v1alpha1.ModelVersion.class).inNamespace(ns).withName("fraud-v2")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"resources\":{\"gpu\":1}}}");
    applySpec(ns, Map.of("rollout", OperatorFixture.fastRollout(20, 100),
        "serving", Map.of("modelVersionRef", Map.of("name", "fraud-v2"))));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(env.pipeline(ns, "fraud-scoring").getStatus().rollout.message)
        .contains("GPU quota gpu-quota (requests.nvidia.com/gpu) leaves 0 GPU(s) but fraud-v2 needs 1"));
    assertThat(storageUri(predictor(ns))).as("no candidate pods to sit Pending").isEqualTo("s3://models/fraud/1");
    assertThat(predictor(ns)).doesNotContainKey("canaryTrafficPercent");
    // the refusal's Event is the decision's, recorded after its status
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(events(ns)).filteredOn(e -> "GpuQuotaExceeded".equals(e.getReason())).hasSize(1));
    var progressing = Conditions.find(env.pipeline(ns, "fraud-scoring").getStatus().conditions, "Progressing").orElseThrow();
    assertThat(progressing.getMessage()).contains("GPU quota");

    quotaUsed(ns, "0");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(predictor(ns).get("canaryTrafficPercent")).isEqualTo(20);
      assertThat(storageUri(predictor(ns))).isEqualTo("s3://models/fraud/2");
    });
  }

  /** What the quota controller would report as used. */
  private static void quotaUsed(String namespace, String gpus) {
    var quota = env.client.resourceQuotas().inNamespace(namespace).withName("gpu-quota").get();
    quota.setStatus(new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
        .withHard(Map.of("requests.nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("1")))
        .withUsed(Map.of("requests.nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity(gpus))).build());
    env.client.resource(quota).updateStatus();
    assertThat(env.client.resourceQuotas().inNamespace(namespace).withName("gpu-quota").get().getStatus().getUsed())
        .containsEntry("requests.nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity(gpus));
  }

  private static GenericKubernetesResource flinkDeployment(String namespace, String name) {
    return env.client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment").inNamespace(namespace)
        .withName(name).get();
  }

  @Test
  void aHealthyCandidateWalksTheCanaryStepsOnTheInferenceServiceAndIsPromoted() {
    rollOutFraudV2("canary-ok", 20, 60, 100);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Map<String, Object> predictor = predictor("canary-ok");
      assertThat(predictor.get("canaryTrafficPercent")).isEqualTo(20);
      assertThat(storageUri(predictor)).isEqualTo("s3://models/fraud/2");
      assertThat(predictor).as("replicas follow the weight: ceil(2 x 20%) and ceil(6 x 20%)")
          .containsEntry("minReplicas", 1).containsEntry("maxReplicas", 2);
      StreamingPipeline p = env.pipeline("canary-ok", "fraud-scoring");
      assertThat(p.getStatus().rollout.phase).isEqualTo("Canary");
      assertThat(Conditions.isTrue(p.getStatus().conditions, "Progressing")).isTrue();
      assertThat(Conditions.isTrue(p.getStatus().conditions, "Ready")).as("v1 keeps serving").isTrue();
      assertThat(p.getStatus().model).isEqualTo("fraud-v1@1");
    });
    StreamingPipeline done = awaitRolloutPhase("canary-ok", "Succeeded", 60);
    assertThat(done.getStatus().rollout.stable).isEqualTo("fraud-v2");
    assertThat(done.getStatus().rollout.weight).as("no candidate weight once promoted").isNull();
    assertThat(done.getStatus().rollout.stepStartedAt).isNull();
    assertThat(done.getStatus().model).isEqualTo("fraud-v2@2");
    assertThat(Conditions.isTrue(done.getStatus().conditions, "Progressing")).isFalse();
    assertThat(storageUri(predictor("canary-ok"))).isEqualTo("s3://models/fraud/2");
    assertThat(predictor("canary-ok")).as("all replicas once promoted").containsEntry("minReplicas", 2).containsEntry("maxReplicas", 6);
    assertThat(done.getStatus().rollout.lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("consumerLag");
      assertThat(r.verdict).isEqualTo("Pass");
    });
    // a decision's Events are recorded after its status
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("canary-ok")).extracting(Event::getReason)
        .containsSubsequence("RolloutStarted", "CanaryStepAdvanced", "CanaryStepAdvanced", "Promoting", "RolloutSucceeded"));
    assertThat(events("canary-ok")).filteredOn(e -> "CanaryStepAdvanced".equals(e.getReason()))
        .extracting(Event::getMessage).anySatisfy(m -> assertThat(m).startsWith("canary at 60% (step 2/3)"));

    // the next rollout starts clean: nothing of the last one's steps or checks carries over
    env.createFraudVersion("canary-ok", 3);
    applySpec("canary-ok", Map.of("serving", Map.of("modelVersionRef", Map.of("name", "fraud-v3"))));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Map<String, Object> predictor = predictor("canary-ok");
      assertThat(predictor.get("canaryTrafficPercent")).isEqualTo(20);
      assertThat(storageUri(predictor)).isEqualTo("s3://models/fraud/3");
      var rollout = env.pipeline("canary-ok", "fraud-scoring").getStatus().rollout;
      assertThat(rollout.stable).isEqualTo("fraud-v2");
      assertThat(rollout.candidate).isEqualTo("fraud-v3");
      assertThat(rollout.consecutiveFailures).isZero();
    });
  }

  @Test
  void growingLagOnTheRealBrokerRollsTheCandidateBackAndSaysWhy() {
    // no ShedPolicy: under its ladder a flood is load to shed, and a degraded pipeline does not judge the lag
    rollOutFraudV2("canary-lag", OperatorFixture.fastRollout(20, 60, 100), false);
    // the candidate takes traffic: the pipeline's lag now (none) is the baseline its checks are judged against
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var rollout = env.pipeline("canary-lag", "fraud-scoring").getStatus().rollout;
      return "Canary".equals(rollout.phase) && rollout.weight != null && rollout.weight > 0;
    });
    assertThat(env.pipeline("canary-lag", "fraud-scoring").getStatus().rollout.baselineLag).isZero();
    // then the input floods and nothing consumes it: far above the lag SLO of 10000 and the baseline
    env.produce("canary-lag-card-transactions", 12_000);

    StreamingPipeline p = awaitRolloutPhase("canary-lag", "RolledBack", 60);
    assertThat(Conditions.isTrue(p.getStatus().conditions, "Ready")).as("the stable version serves").isTrue();
    var rolledBack = Conditions.find(p.getStatus().conditions, "RolledBack").orElseThrow();
    assertThat(rolledBack.getStatus()).isEqualTo("True");
    assertThat(rolledBack.getReason()).isEqualTo("AnalysisFailed");
    assertThat(rolledBack.getMessage()).contains("consumer lag 12000 > 10000").contains("(3/3 consecutive)");
    assertThat(Conditions.find(p.getStatus().conditions, "Degraded").orElseThrow().getReason()).isEqualTo("RolloutFailed");
    assertThat(p.getStatus().rollout.weight).isZero();
    assertThat(p.getStatus().rollout.lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("consumerLag");
      assertThat(r.value).isEqualTo(12000.0);
      assertThat(r.threshold).isEqualTo(10000.0);
      assertThat(r.verdict).isEqualTo("Fail");
    });
    assertThat(predictor("canary-lag").get("canaryTrafficPercent")).as("all traffic back on fraud-v1").isEqualTo(0);
    assertThat(predictor("canary-lag").get("minReplicas")).as("the candidate is scaled down, not deleted").isEqualTo(0);
    assertThat(events("canary-lag")).anySatisfy(e -> {
      assertThat(e.getReason()).isEqualTo("CanaryAnalysisFailed");
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).isEqualTo("pipeline consumer lag 12000 > 10000 (3/3 consecutive)");
    });
    assertThat(env.metrics())
        .contains("slipstream_rollbacks_total{namespace=\"canary-lag\",pipeline=\"fraud-scoring\",reason=\"AnalysisFailed\"} 1")
        .contains("slipstream_analysis_checks_total{metric=\"consumerLag\",namespace=\"canary-lag\",pipeline=\"fraud-scoring\",result=\"Fail\"} 3")
        .contains("slipstream_rollout_phase{namespace=\"canary-lag\",phase=\"RolledBack\",pipeline=\"fraud-scoring\"} 1");
    dev.slipstream.testkit.Reliability.record("Faults", "a candidate model breaking the lag SLO under a flood of"
        + " 12,000 events", "rolled back by itself: all traffic on the stable version, the reason in status and an Event");
  }

  @Test
  void revertingTheReferenceMidCanaryPutsAllTrafficBackAtOnce() {
    rollOutFraudV2("canary-revert", 50, 100);
    await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(50).equals(predictor("canary-revert").get("canaryTrafficPercent")));
    applySpec("canary-revert", Map.of("serving", Map.of("modelVersionRef", Map.of("name", "fraud-v1"))));

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Map<String, Object> predictor = predictor("canary-revert");
      assertThat(predictor).doesNotContainKey("canaryTrafficPercent");
      assertThat(storageUri(predictor)).isEqualTo("s3://models/fraud/1");
      assertThat(env.pipeline("canary-revert", "fraud-scoring").getStatus().rollout.phase).isEqualTo("Idle");
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(events("canary-revert")).extracting(Event::getReason).contains("RolloutAborted"));
  }

  @Test
  void anOperatorRestartedMidCanaryResumesTheSameStep() {
    rollOutFraudV2("canary-restart", 30, 60, 100);
    await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(60).equals(
        env.pipeline("canary-restart", "fraud-scoring").getStatus().rollout.weight));
    env.stopOperator();
    var atStop = env.pipeline("canary-restart", "fraud-scoring").getStatus().rollout;
    env.startOperator();
    StreamingPipeline done = awaitRolloutPhase("canary-restart", "Succeeded", 60);
    assertThat(atStop.weight).isEqualTo(60);
    assertThat(done.getStatus().rollout.stable).isEqualTo("fraud-v2");
    assertThat(events("canary-restart")).filteredOn(e -> "RolloutStarted".equals(e.getReason()))
        .as("the rollout was resumed, not started again").hasSize(1);
    assertThat(events("canary-restart")).filteredOn(e -> e.getMessage().startsWith("canary at 60%"))
        .as("the 60% step was entered once").hasSize(1);
  }

  /** What a GitOps apply of a changed spec amounts to: a merge patch of the spec, no read-modify-write. */
  private static void applySpec(String namespace, Map<String, Object> spec) {
    env.client.resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring")
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            io.fabric8.kubernetes.client.utils.Serialization.asJson(Map.of("spec", spec)));
  }

  private static StreamingPipeline awaitRolloutPhase(String namespace, String phase, int seconds) {
    await("rollout " + phase + " in " + namespace).atMost(Duration.ofSeconds(seconds)).untilAsserted(() -> {
      var rollout = env.pipeline(namespace, "fraud-scoring").getStatus().rollout;
      assertThat(rollout.phase).as(rollout.message).isEqualTo(phase);
    });
    return env.pipeline(namespace, "fraud-scoring");
  }

  private static Map<String, Object> predictor(String namespace) {
    return env.predictor(namespace, "fraud-scoring");
  }

  @SuppressWarnings("unchecked")
  private static String storageUri(Map<String, Object> predictor) {
    return (String) ((Map<String, Object>) predictor.get("model")).get("storageUri");
  }

  private static List<Event> events(String namespace) {
    return env.events(namespace);
  }
}
