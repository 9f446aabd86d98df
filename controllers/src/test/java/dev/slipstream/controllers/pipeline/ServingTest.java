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

  private Serving serving(boolean kedaInstalled) {
    PipelineCaches caches = new PipelineCaches(inferenceServices, InformedObjects.absent(), InformedObjects.absent(),
        new FakeOwned<>(), kedaInstalled ? scaledObjects : InformedObjects.absent(), deployments, services, configMaps,
        (namespace, name) -> Optional.ofNullable(models.get(name)), (namespace, name) -> Optional.empty(), List.of());
    return new Serving(caches, OperatorDefaults.STANDARD, new JobControl(configMaps));
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
    ShedPolicy policy = Serialization.unmarshal("""
        apiVersion: slipstream.dev/v1alpha1
        kind: ShedPolicy
        metadata: {name: embed-shed, namespace: vision}
        spec:
          evaluationInterval: 15s
          levels:
            - name: scale-out
              triggers: {consumerLagAbove: 1000}
              scaleOut: {maxReplicas: 4, keda: true}
        """, ShedPolicy.class);
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

  /** fraud-v1 serving with the fraud ShedPolicy at its top level (scale-out, downgrade, shed); returns fraud-v1. */
  private ModelVersion fraudAtTheTopLevel(StreamingPipeline pipeline) {
    ModelVersion stable = model("fraud-scoring.yaml", "fraud-v1");
    model("fraud-scoring.yaml", "fraud-lite-v1");
    serving(false).reconcile(pipeline, Optional.of(stable), null,
        step(Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed"), 3), false);
    return stable;
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
    isvc.getAdditionalProperties().put("status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True"))));
    return isvc;
  }
}
