package dev.slipstream.controllers.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.Examples;
import dev.slipstream.core.model.OperatorDefaults;
import dev.slipstream.core.shed.ShedActions;
import dev.slipstream.core.shed.ShedLadder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The serving part against in-memory owned objects: a ShedPolicy's actions written as decided, and nothing else. */
class ServingTest {
  private final FakeOwned<GenericKubernetesResource> inferenceServices = new FakeOwned<>();
  private final FakeOwned<GenericKubernetesResource> scaledObjects = new FakeOwned<>();
  private final FakeOwned<Deployment> deployments = new FakeOwned<>();
  private final FakeOwned<Service> services = new FakeOwned<>();
  private final FakeOwned<ConfigMap> configMaps = new FakeOwned<>();
  private final Map<String, ModelVersion> models = new HashMap<>();

  private List<io.fabric8.kubernetes.api.model.ResourceQuota> quotas = List.of();

  private Serving serving(boolean kedaInstalled) {
    PipelineCaches caches = new PipelineCaches(inferenceServices, InformedObjects.absent(), InformedObjects.absent(),
        new FakeOwned<>(), kedaInstalled ? scaledObjects : InformedObjects.absent(), InformedObjects.absent(), deployments, services, configMaps,
        (namespace, name) -> Optional.ofNullable(models.get(name)), (namespace, name) -> Optional.empty(),
        (self, topic) -> List.of(), (self, group) -> List.of(), List.of());
    return new Serving(caches, OperatorDefaults.STANDARD, new JobControl(configMaps), namespace -> quotas);
  }

  @Test
  void theTopLevelScalesOutLimitsConcurrencyAndSendsTheJobToTheFallbackOnlyOnceItIsReady() {
    StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    ModelVersion stable = model("fraud-scoring.yaml", "fraud-v1");
    model("fraud-scoring.yaml", "fraud-lite-v1");
    ShedPolicy policy = Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed");
    Shedding.ShedStep shed = step(policy, 3);
    List<String> decided = List.copyOf(shed.decision().status().actions);

    Serving.Outcome first = serving(false).reconcile(pipeline, Optional.of(stable), null, shed, false);

    Map<String, Object> predictor = predictor("fraud-scoring");
    assertThat(predictor).containsEntry("minReplicas", 12).containsEntry("containerConcurrency", 8);
    assertThat(inferenceServices.get("payments", "fraud-scoring-fraud-lite-v1")).isPresent();
    ConfigMap control = configMaps.get("payments", "fraud-scoring-control").orElseThrow();
    assertThat(control.getData()).containsEntry("endpoint", first.endpoint());
    assertThat(first.shed().decision().status().actions).last().asString()
        .startsWith("waiting for fallback fraud-lite-v1 to be ready before sending traffic to it");
    // the ladder's decision is complete when returned: the act step wrote a new status, it did not edit that one
    assertThat(shed.decision().status().actions).isEqualTo(decided);

    inferenceServices.status("payments", "fraud-scoring-fraud-lite-v1", ServingTest::ready);
    Serving.Outcome second = serving(false).reconcile(pipeline, Optional.of(stable), null, shed, false);

    assertThat(configMaps.get("payments", "fraud-scoring-control").orElseThrow().getData())
        .containsEntry("endpoint", "http://fraud-scoring-fraud-lite-v1.payments.svc.cluster.local");
    assertThat(second.shed().decision().status().actions).isEqualTo(decided);
  }

  @Test
  void atNormalNothingDegradesAndTheControlConfigMapIsRemoved() {
    StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    ModelVersion stable = fraudAtTheTopLevel(pipeline);

    Serving.Outcome normal = serving(false).reconcile(pipeline, Optional.of(stable), null, null, false);

    assertThat(predictor("fraud-scoring")).containsEntry("minReplicas", 2).doesNotContainKey("containerConcurrency");
    assertThat(configMaps.get("payments", "fraud-scoring-control")).isEmpty();
    assertThat(inferenceServices.get("payments", "fraud-scoring-fraud-lite-v1")).isEmpty();
    assertThat(normal.shed()).isNull();
  }

  @Test
  void aFrozenPolicyTouchesNothingItPutInPlace() {
    StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    ModelVersion stable = fraudAtTheTopLevel(pipeline);
    ShedPolicy policy = Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed");
    int writes = inferenceServices.writes.size() + configMaps.writes.size();

    serving(false).reconcile(pipeline, Optional.of(stable), null, step(policy, 0), true);

    assertThat(predictor("fraud-scoring")).containsEntry("minReplicas", 12).containsEntry("containerConcurrency", 8);
    assertThat(inferenceServices.writes.size() + configMaps.writes.size()).isEqualTo(writes);
  }

  @Test
  void kedaScalesTritonOnTheLagAndSaysWhyNotWhenItCannot() {
    ModelVersion stable = model("triton-gpu.yaml", "embedder-v3");
    ShedPolicy policy = tritonScaleOut(true);
    StreamingPipeline withoutSecret = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    withoutSecret.getSpec().kafka.clientSecretRef = null;

    Serving.Outcome keda = serving(true).reconcile(withoutSecret, Optional.of(stable), null, step(policy, 1), false);

    assertThat(scaledObjects.writes).singleElement().asString().startsWith("create ");
    assertThat(keda.shed().decision().status().actions).noneMatch(a -> a.startsWith("KEDA not used"));

    StreamingPipeline withSecret = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    Serving.Outcome byHand = serving(true).reconcile(withSecret, Optional.of(stable), null, step(policy, 1), false);

    assertThat(byHand.shed().decision().status().actions)
        .contains("KEDA not used (KEDA would need a TriggerAuthentication for the Kafka client Secret): replicas raised by hand");
    assertThat(scaledObjects.writes).last().asString().startsWith("delete ");
    assertThat(deployments.get("vision", "image-embeddings-embedder-v3").orElseThrow().getSpec().getReplicas()).isEqualTo(4);
  }

  @Test
  void aScaleOutTheGpuQuotaHasNoRoomForIsHeldAtTheCurrentReplicasAndSaidOneInAnotherScopeDoesNotHoldIt() {
    ModelVersion stable = model("triton-gpu.yaml", "embedder-v3");
    ShedPolicy policy = tritonScaleOut(false);
    StreamingPipeline pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    serving(false).reconcile(pipeline, Optional.of(stable), null, null, false);
    var deployment = deployments.get("vision", "image-embeddings-embedder-v3").orElseThrow();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    // one GPU used of two: room for one more replica, not three
    quotas = List.of(quota("gpus", null, 2, 1));

    Serving.Outcome held = serving(false).reconcile(pipeline, Optional.of(stable), null, step(policy, 1), false);

    String why = "GPU quota gpus (requests.nvidia.com/gpu) leaves 1 GPU(s) but Deployment image-embeddings-embedder-v3"
        + " needs 3 more to go from 1 to 4 replicas; held at 1 until the quota has room";
    assertThat(deployments.get("vision", "image-embeddings-embedder-v3").orElseThrow().getSpec().getReplicas()).isEqualTo(1);
    assertThat(held.shed().decision().status().actions).contains(why);

    // its twin: the same quota scoped to BestEffort pods, which Triton's are not, holds nothing
    quotas = List.of(quota("gpus", "BestEffort", 2, 1));
    Serving.Outcome scaled = serving(false).reconcile(pipeline, Optional.of(stable), null, step(policy, 1), false);
    assertThat(deployments.get("vision", "image-embeddings-embedder-v3").orElseThrow().getSpec().getReplicas()).isEqualTo(4);
    assertThat(scaled.shed().decision().status().actions).noneMatch(a -> a.startsWith("GPU quota"));
  }

  @Test
  void aNewGpuDeploymentTheQuotaHasNoRoomForIsNotCreatedAndSaysWhy() {
    ModelVersion stable = model("triton-gpu.yaml", "embedder-v3");
    StreamingPipeline pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    quotas = List.of(quota("gpus", null, 1, 1));

    Serving.Outcome held = serving(false).reconcile(pipeline, Optional.of(stable), null, null, false);

    assertThat(deployments.get("vision", "image-embeddings-embedder-v3")).isEmpty();
    assertThat(held.readiness().reason()).isEqualTo("GpuQuotaExceeded");
    assertThat(held.readiness().message()).isEqualTo("GPU quota gpus (requests.nvidia.com/gpu) leaves 0 GPU(s) but"
        + " Deployment image-embeddings-embedder-v3 needs 1 more to go from 0 to 1 replicas; held at 0 until the quota has room");
    assertThat(services.get("vision", "image-embeddings-triton")).as("its Service is written all the same").isPresent();
    // its twin: room for one
    quotas = List.of(quota("gpus", null, 1, 0));
    serving(false).reconcile(pipeline, Optional.of(stable), null, null, false);
    assertThat(deployments.get("vision", "image-embeddings-embedder-v3")).isPresent();
  }

  /** A ShedPolicy for the Triton example: one level scaling out to 4 replicas above a lag of 1000, by KEDA or not. */
  private static ShedPolicy tritonScaleOut(boolean keda) {
    return Serialization.unmarshal("""
        apiVersion: slipstream.dev/v1alpha1
        kind: ShedPolicy
        metadata: {name: embed-shed, namespace: vision}
        spec:
          evaluationInterval: 15s
          levels:
            - name: scale-out
              triggers: {consumerLagAbove: 1000}
              scaleOut: {maxReplicas: 4, keda: %s}
        """.formatted(keda), ShedPolicy.class);
  }

  private static io.fabric8.kubernetes.api.model.ResourceQuota quota(String name, String scope, int hard, int used) {
    var gpus = new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(hard));
    return new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder().withNewMetadata().withName(name).withNamespace("vision")
        .endMetadata().withNewSpec().withHard(Map.of("requests.nvidia.com/gpu", gpus))
        .withScopes(scope == null ? List.of() : List.of(scope)).endSpec()
        .withNewStatus().withHard(Map.of("requests.nvidia.com/gpu", gpus))
        .withUsed(Map.of("requests.nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity(String.valueOf(used))))
        .endStatus().build();
  }

  /** fraud-v1 serving with the fraud ShedPolicy at its top level (scale-out, downgrade, shed); returns fraud-v1. */
  private ModelVersion fraudAtTheTopLevel(StreamingPipeline pipeline) {
    ModelVersion stable = model("fraud-scoring.yaml", "fraud-v1");
    model("fraud-scoring.yaml", "fraud-lite-v1");
    serving(false).reconcile(pipeline, Optional.of(stable), null,
        step(Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed"), 3), false);
    return stable;
  }

  @Test
  void aCanarySplitByKeyGivesTheCandidateItsOwnServingAndTellsTheJobItsShareOfKeys() {
    StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new dev.slipstream.api.v1alpha1.RolloutSpec();
    pipeline.getSpec().rollout.split = dev.slipstream.api.v1alpha1.RolloutSpec.Split.key;
    ModelVersion v1 = model("fraud-scoring.yaml", "fraud-v1");
    ModelVersion v2 = Serialization.clone(v1);
    v2.getMetadata().setName("fraud-v2");
    v2.getSpec().version = "2";
    v2.getSpec().storageUri = "s3://models/fraud/2";
    models.put("fraud-v2", v2);

    Serving.Outcome canary = serving(false).reconcile(pipeline, Optional.of(v2), rollout(v2, v1, "Canary", 25, 25), null, false);

    assertThat(predictor("fraud-scoring")).doesNotContainKey("canaryTrafficPercent").containsEntry("minReplicas", 2);
    assertThat(storageUri("fraud-scoring")).as("the pipeline's own serves the stable version").isEqualTo("s3://models/fraud/1");
    assertThat(predictor("fraud-scoring-fraud-v2")).as("ceil(2 x 25%)").containsEntry("minReplicas", 1);
    assertThat(storageUri("fraud-scoring-fraud-v2")).isEqualTo("s3://models/fraud/2");
    assertThat(canary.endpoint()).isEqualTo("http://fraud-scoring.payments.svc.cluster.local");
    assertThat(configMaps.get("payments", "fraud-scoring-control").orElseThrow().getData())
        .containsEntry("mode", "normal")
        .containsEntry("endpoint", "http://fraud-scoring.payments.svc.cluster.local")
        .containsEntry("model-version", "1")
        .containsEntry("candidate-endpoint", "http://fraud-scoring-fraud-v2.payments.svc.cluster.local")
        .containsEntry("candidate-model-name", "fraud")
        .containsEntry("candidate-model-version", "2")
        .containsEntry("candidate-weight", "25");

    serving(false).reconcile(pipeline, Optional.of(v2), rollout(v2, v1, "Promoting", 100, null), null, false);

    assertThat(storageUri("fraud-scoring")).as("promoting: the pipeline's own rolls to the candidate").isEqualTo("s3://models/fraud/2");
    assertThat(predictor("fraud-scoring-fraud-v2")).as("while every key still goes to it").containsEntry("minReplicas", 2);
    assertThat(configMaps.get("payments", "fraud-scoring-control").orElseThrow().getData())
        .containsEntry("candidate-weight", "100");

    inferenceServices.status("payments", "fraud-scoring", ServingTest::ready);
    serving(false).reconcile(pipeline, Optional.of(v2), rollout(v2, v2, "Succeeded", null, null), null, false);

    assertThat(inferenceServices.get("payments", "fraud-scoring-fraud-v2")).as("promoted: its own serving goes").isEmpty();
    assertThat(configMaps.get("payments", "fraud-scoring-control")).as("and the job needs no steering").isEmpty();
  }

  @Test
  void aTritonCanarySplitByKeyRunsEachVersionBehindItsOwnServiceWithNoRoute() {
    StreamingPipeline pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    ModelVersion v3 = model("triton-gpu.yaml", "embedder-v3");
    ModelVersion v4 = Serialization.clone(v3);
    v4.getMetadata().setName("embedder-v4");
    v4.getSpec().version = "4";
    v4.getSpec().minReplicas = 4;
    models.put("embedder-v4", v4);

    Serving.Outcome canary = serving(false).reconcile(pipeline, Optional.of(v4), rollout(v4, v3, "Canary", 25, 25), null, false);

    assertThat(deployments.get("vision", "image-embeddings-embedder-v3")).isPresent();
    assertThat(deployments.get("vision", "image-embeddings-embedder-v4").orElseThrow().getSpec().getReplicas())
        .as("ceil(4 x 25%)").isEqualTo(1);
    assertThat(services.get("vision", "image-embeddings-triton").orElseThrow().getSpec().getSelector())
        .as("the pipeline's Service on the stable version").containsEntry("slipstream.dev/model-version", "embedder-v3");
    assertThat(services.get("vision", "image-embeddings-embedder-v4")).isPresent();
    assertThat(canary.endpoint()).isEqualTo("http://image-embeddings-triton.vision.svc.cluster.local:8000");
    assertThat(configMaps.get("vision", "image-embeddings-control").orElseThrow().getData())
        .containsEntry("model-version", "3")
        .containsEntry("candidate-endpoint", "http://image-embeddings-embedder-v4.vision.svc.cluster.local:8000")
        .containsEntry("candidate-model-version", "4")
        .containsEntry("candidate-weight", "25");

    serving(false).reconcile(pipeline, Optional.of(v4), rollout(v4, v3, "Promoting", 100, null), null, false);

    assertThat(services.get("vision", "image-embeddings-triton").orElseThrow().getSpec().getSelector())
        .as("promoting: the pipeline's Service on the candidate").containsEntry("slipstream.dev/model-version", "embedder-v4");
    assertThat(deployments.get("vision", "image-embeddings-embedder-v4").orElseThrow().getSpec().getReplicas()).isEqualTo(4);
    assertThat(configMaps.get("vision", "image-embeddings-control").orElseThrow().getData())
        .containsEntry("candidate-weight", "100");
  }

  @Test
  void aCanarySplitByRequestStaysInThePipelinesInferenceService() {
    StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new dev.slipstream.api.v1alpha1.RolloutSpec();
    pipeline.getSpec().rollout.split = dev.slipstream.api.v1alpha1.RolloutSpec.Split.request;
    ModelVersion v1 = model("fraud-scoring.yaml", "fraud-v1");
    ModelVersion v2 = Serialization.clone(v1);
    v2.getMetadata().setName("fraud-v2");
    v2.getSpec().storageUri = "s3://models/fraud/2";

    serving(false).reconcile(pipeline, Optional.of(v2), rollout(v2, v1, "Canary", 25, 25), null, false);

    assertThat(predictor("fraud-scoring")).containsEntry("canaryTrafficPercent", 25);
    assertThat(storageUri("fraud-scoring")).isEqualTo("s3://models/fraud/2");
    assertThat(inferenceServices.get("payments", "fraud-scoring-fraud-v2")).isEmpty();
    assertThat(configMaps.get("payments", "fraud-scoring-control")).isEmpty();
  }

  private static Rollouts.RolloutStep rollout(ModelVersion served, ModelVersion stable, String phase, Integer weight,
      Integer replicaPercent) {
    var status = new dev.slipstream.api.v1alpha1.RolloutStatus();
    status.phase = phase;
    status.stable = stable.getMetadata().getName();
    status.candidate = served == stable ? null : served.getMetadata().getName();
    status.weight = weight;
    return new Rollouts.RolloutStep(served, weight, stable, new dev.slipstream.core.rollout.RolloutDecision(status,
        List.of(), null), dev.slipstream.core.rollout.RolloutCommand.NONE, null, null,
        dev.slipstream.core.rollout.RolloutPhase.of(phase), replicaPercent);
  }

  @SuppressWarnings("unchecked")
  private String storageUri(String name) {
    return (String) ((Map<String, Object>) predictor(name).get("model")).get("storageUri");
  }

  private ModelVersion model(String file, String name) {
    ModelVersion model = Examples.model(file, name);
    models.put(name, model);
    return model;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> predictor(String name) {
    var isvc = inferenceServices.get("payments", name).orElseThrow();
    return (Map<String, Object>) ((Map<String, Object>) isvc.getAdditionalProperties().get("spec")).get("predictor");
  }

  /** The ladder's step at {@code level}, as {@link ShedLadder} decides it. */
  private static Shedding.ShedStep step(ShedPolicy policy, int level) {
    ShedActions actions = ShedActions.at(policy.getSpec(), level);
    ShedStatus status = new ShedStatus();
    status.policy = policy.getMetadata().getName();
    status.level = level;
    status.levelName = level == 0 ? ShedLadder.NORMAL : policy.getSpec().levels.get(level - 1).name;
    status.actions = actions.describe();
    return new Shedding.ShedStep(status.policy, new ShedLadder.Decision(status, null, Duration.ofSeconds(15)), actions,
        Duration.ofSeconds(15));
  }

  private static GenericKubernetesResource ready(GenericKubernetesResource isvc) {
    // as KServe reports it: Ready, for the generation it processed
    isvc.getAdditionalProperties().put("status", Map.of("observedGeneration", isvc.getMetadata().getGeneration(),
        "conditions", List.of(Map.of("type", "Ready", "status", "True"))));
    return isvc;
  }
}
