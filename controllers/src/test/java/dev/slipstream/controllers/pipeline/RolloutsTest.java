package dev.slipstream.controllers.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.core.Examples;
import dev.slipstream.core.model.OperatorDefaults;
import dev.slipstream.core.model.ThirdPartyKinds;
import dev.slipstream.core.port.LatencySource;
import dev.slipstream.core.port.PipelineMetrics;
import dev.slipstream.core.rollout.RolloutDecision;
import dev.slipstream.core.slo.PredictionAgreement;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rollout's wiring against a fake of what it reads: which version serves, at what weight and replica share. */
class RolloutsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final World world = new World();
  private final Rollouts rollouts = new Rollouts(null, new ControllersConfig(OperatorDefaults.STANDARD,
      Set.of(ThirdPartyKinds.values()), null, LatencySource.NONE, PipelineMetrics.NONE, Duration.ofMinutes(5),
      Duration.ofSeconds(1), Duration.ofMinutes(1), Clock.fixed(NOW, ZoneOffset.UTC)), null, world);

  @Test
  void aChangeOfRuntimeReplacesTheVersionDirectly() {
    ModelVersion triton = version(Examples.model("triton-gpu.yaml", "embedder-v3"), "fraud-v2", "payments");

    Rollouts.RolloutStep step = fromFraudV1To(triton);

    assertThat(step.decision().status().phase).isEqualTo("Idle");
    assertThat(step.decision().status().stable).isEqualTo("fraud-v2");
    assertThat(step.decision().status().message).contains("the runtime changes from kserve to triton");
    assertThat(step.served()).isSameAs(triton);
    assertThat(step.canaryPercent()).isNull();
  }

  @Test
  void theSameRuntimeStartsACanary() {
    Rollouts.RolloutStep step = fromFraudV1To(version(Examples.model("fraud-scoring.yaml", "fraud-v1"), "fraud-v2", "payments"));

    assertThat(step.decision().status().phase).isEqualTo("Canary");
    assertThat(step.decision().status().candidate).isEqualTo("fraud-v2");
  }

  @Test
  void aCandidateWithoutGpuQuotaIsNotDeployedAndTheRefusalIsAnEventOnce() {
    StreamingPipeline pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    ModelVersion candidate = embedderV3AndV4();
    ModelVersion stable = world.models.get("embedder-v3");
    world.quotas.add(gpuQuota(1, 1));

    Rollouts.RolloutStep started = rollouts.step(pipeline, idle("embedder-v3"), candidate, 0L, false, NOW);
    assertThat(started.served()).isSameAs(stable);
    Rollouts.RolloutStep refused = rollouts.step(pipeline, started.decision().status(), candidate, 0L, false, NOW.plusSeconds(5));
    Rollouts.RolloutStep again = rollouts.step(pipeline, refused.decision().status(), candidate, 0L, false, NOW.plusSeconds(10));

    assertThat(refused.served()).isSameAs(stable);
    assertThat(refused.canaryPercent()).isNull();
    assertThat(refused.decision().events()).extracting(RolloutDecision.Event::reason).containsExactly("GpuQuotaExceeded");
    assertThat(refused.decision().status().message).contains("GPU quota gpus (requests.nvidia.com/gpu) leaves 0 GPU(s)");
    assertThat(again.decision().events()).isEmpty();
  }

  @Test
  void aCandidateWithRoomIsDeployedAtTheFirstStepsShareOfReplicas() {
    StreamingPipeline pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    ModelVersion candidate = embedderV3AndV4();
    world.quotas.add(gpuQuota(4, 1));

    Rollouts.RolloutStep started = rollouts.step(pipeline, idle("embedder-v3"), candidate, 0L, false, NOW);

    assertThat(started.served()).isSameAs(candidate);
    assertThat(started.canaryPercent()).isZero();
    assertThat(started.replicaPercent()).isEqualTo(5);
    assertThat(started.decision().events()).extracting(RolloutDecision.Event::reason).containsExactly("RolloutStarted");
  }

  @Test
  void aCanaryStepRunsTheCandidateAtItsWeightInTrafficAndReplicas() {
    StreamingPipeline pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    ModelVersion candidate = embedderV3AndV4();
    world.deploy("image-embeddings-embedder-v3", 1);
    world.deploy("image-embeddings-embedder-v4", 1);
    RolloutStatus canary = canary("embedder-v3", "embedder-v4", 1, 25, NOW);

    Rollouts.RolloutStep step = rollouts.step(pipeline, canary, candidate, 0L, false, NOW.plusSeconds(1));

    assertThat(step.served()).isSameAs(candidate);
    assertThat(step.canaryPercent()).isEqualTo(25);
    assertThat(step.replicaPercent()).isEqualTo(25);
  }

  @Test
  void aCheckMeasuresTheStableVersionOverTheSameIntervalAndHoldsTheCandidateAgainstIt() {
    // the job's per-version metrics: fraud version 2 (the candidate) answers in 210ms, version 1 (stable) in 35ms
    List<LatencySource.Target> asked = new ArrayList<>();
    LatencySource latency = target -> {
      asked.add(target);
      return "2".equals(target.subject().version()) ? new LatencySource.Sample(210.0, 0.1, 1000L)
          : new LatencySource.Sample(35.0, 0.1, 19_000L);
    };
    Rollouts measured = new Rollouts(null, new ControllersConfig(OperatorDefaults.STANDARD, Set.of(ThirdPartyKinds.values()),
        null, latency, PipelineMetrics.NONE, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMinutes(1),
        Clock.fixed(NOW, ZoneOffset.UTC)), null, world);
    StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new dev.slipstream.api.v1alpha1.RolloutSpec();
    pipeline.getSpec().rollout.analysis.comparedToStable = new dev.slipstream.api.v1alpha1.StableComparison();
    pipeline.getSpec().rollout.analysis.comparedToStable.maxP99IncreaseMs = 50;
    world.add(Examples.model("fraud-scoring.yaml", "fraud-v1"));
    ModelVersion v2 = world.add(version(Examples.model("fraud-scoring.yaml", "fraud-v1"), "fraud-v2", "payments"));
    RolloutStatus canary = canary("fraud-v1", "fraud-v2", 0, 5, NOW.minusSeconds(120));

    Rollouts.RolloutStep step = measured.step(pipeline, canary, v2, 0L, false, NOW);

    assertThat(asked).extracting(t -> t.subject().version()).containsExactly("2", "1");
    assertThat(step.analysis()).filteredOn(r -> "p99VsStable".equals(r.metric)).singleElement().satisfies(r -> {
      assertThat(r.verdict).isEqualTo("Fail");
      assertThat(r.message).isEqualTo("candidate p99 latency 210ms > stable 35ms + 50ms");
    });
    assertThat(step.decision().status().consecutiveFailures).isEqualTo(1);
  }

  @Test
  void kserveInRawDeploymentModeCannotSplitByRequestSoTheCandidateIsNotDeployed() {
    world.isvc = Serialization.unmarshal("""
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: fraud-scoring, namespace: payments, labels: {slipstream.dev/model-version: fraud-v1}}
        status: {deploymentMode: RawDeployment, conditions: [{type: Ready, status: "True"}]}
        """, GenericKubernetesResource.class);
    ModelVersion next = version(Examples.model("fraud-scoring.yaml", "fraud-v1"), "fraud-v2", "payments");
    world.add(Examples.model("fraud-scoring.yaml", "fraud-v1"));
    world.add(next);
    StreamingPipeline byRequest = split(dev.slipstream.api.v1alpha1.RolloutSpec.Split.request);
    Rollouts.RolloutStep started = rollouts.step(byRequest, idle("fraud-v1"), next, 0L, false, NOW);
    assertThat(started.served().getMetadata().getName()).as("the candidate's weight would be ignored").isEqualTo("fraud-v1");
    Rollouts.RolloutStep held = rollouts.step(byRequest, started.decision().status(), next, 0L, false, NOW.plusSeconds(5));
    assertThat(held.served().getMetadata().getName()).isEqualTo("fraud-v1");
    assertThat(held.decision().events()).extracting(RolloutDecision.Event::reason).containsExactly("CanarySplitUnavailable");
    assertThat(held.decision().status().message).contains("in RawDeployment mode, which does not split traffic by"
        + " canaryTrafficPercent").contains("spec.rollout.split: key");

    // the same cluster with the canary split by key (the reference job's default): the candidate gets its own
    // InferenceService
    for (StreamingPipeline keyed : List.of(split(dev.slipstream.api.v1alpha1.RolloutSpec.Split.key),
        Examples.pipeline("fraud-scoring.yaml", "fraud-scoring"))) {
      Rollouts.RolloutStep split = rollouts.step(keyed, idle("fraud-v1"), next, 0L, false, NOW);
      assertThat(split.served()).isSameAs(next);
    }
  }

  private static StreamingPipeline split(dev.slipstream.api.v1alpha1.RolloutSpec.Split split) {
    StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new dev.slipstream.api.v1alpha1.RolloutSpec();
    pipeline.getSpec().rollout.split = split;
    return pipeline;
  }

  @Test
  void aTritonCandidateSplitByRequestWaitsForTheMeshToAcceptItsRoute() {
    StreamingPipeline pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    pipeline.getSpec().rollout = new dev.slipstream.api.v1alpha1.RolloutSpec();
    pipeline.getSpec().rollout.split = dev.slipstream.api.v1alpha1.RolloutSpec.Split.request;
    ModelVersion candidate = embedderV3AndV4();
    world.deploy("image-embeddings-embedder-v3", 1);
    world.deploy("image-embeddings-embedder-v4", 1);
    Rollouts.RolloutStep started = rollouts.step(pipeline, idle("embedder-v3"), candidate, 0L, false, NOW);
    world.route = route("spec: {}\n");

    Rollouts.RolloutStep unaccepted = rollouts.step(pipeline, started.decision().status(), candidate, 0L, false, NOW.plusSeconds(5));

    assertThat(unaccepted.decision().status().stepStartedAt).as("no step starts on a route nobody applies").isNull();
    assertThat(unaccepted.decision().status().message).startsWith("waiting for embedder-v4 to serve: HTTPRoute"
        + " image-embeddings-triton has not been accepted by any mesh or gateway");

    world.route = route("""
        status:
          parents:
            - parentRef: {group: "", kind: Service, name: image-embeddings-triton}
              controllerName: istio.io/gateway-controller
              conditions:
                - {type: Accepted, status: "False", reason: UnsupportedValue, message: weights are not supported}
                - {type: ResolvedRefs, status: "True", reason: ResolvedRefs, message: All references resolved}
        """);
    Rollouts.RolloutStep refused = rollouts.step(pipeline, started.decision().status(), candidate, 0L, false, NOW.plusSeconds(5));
    assertThat(refused.decision().status().message).endsWith("HTTPRoute image-embeddings-triton is not accepted by"
        + " istio.io/gateway-controller: UnsupportedValue, weights are not supported");

    world.route = new World().route;
    Rollouts.RolloutStep accepted = rollouts.step(pipeline, started.decision().status(), candidate, 0L, false, NOW.plusSeconds(5));
    assertThat(accepted.decision().status().weight).as("accepted: the first step").isEqualTo(5);
    assertThat(accepted.decision().status().stepStartedAt).isNotNull();

    // split by key (the reference job's default) the job calls the candidate's own Service: no route, no mesh
    world.route = route("spec: {}\n");
    StreamingPipeline keyed = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    Rollouts.RolloutStep byKey = rollouts.step(keyed, started.decision().status(), candidate, 0L, false, NOW.plusSeconds(5));
    assertThat(byKey.decision().status().weight).as("the first step, whatever the route says").isEqualTo(5);
  }

  /** The Triton example's embedder-v3 and a copy named embedder-v4, known to the world; returns embedder-v4. */
  private ModelVersion embedderV3AndV4() {
    world.add(Examples.model("triton-gpu.yaml", "embedder-v3"));
    return world.add(version(Examples.model("triton-gpu.yaml", "embedder-v3"), "embedder-v4", "vision"));
  }

  /** The fraud pipeline on fraud-v1 (KServe) when its reference changes to {@code next}. */
  private Rollouts.RolloutStep fromFraudV1To(ModelVersion next) {
    world.add(Examples.model("fraud-scoring.yaml", "fraud-v1"));
    world.add(next);
    return rollouts.step(Examples.pipeline("fraud-scoring.yaml", "fraud-scoring"), idle("fraud-v1"), next, 0L, false, NOW);
  }

  /** An object of the pipeline's, in YAML below its metadata. */
  private static GenericKubernetesResource route(String yaml) {
    return Serialization.unmarshal("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
        + "metadata: {name: image-embeddings-triton, namespace: vision}\n" + yaml, GenericKubernetesResource.class);
  }

  /** A canary of {@code candidate} at a step whose last check was {@code checked}. */
  private static RolloutStatus canary(String stable, String candidate, int step, int weight, Instant checked) {
    RolloutStatus status = idle(stable);
    status.phase = "Canary";
    status.candidate = candidate;
    status.stepIndex = step;
    status.weight = weight;
    status.stepStartedAt = checked.toString();
    status.lastCheckAt = checked.toString();
    status.lastProgressAt = checked.toString();
    return status;
  }

  private static RolloutStatus idle(String stable) {
    RolloutStatus status = new RolloutStatus();
    status.phase = "Idle";
    status.stable = stable;
    return status;
  }

  private static ModelVersion version(ModelVersion of, String name, String namespace) {
    ModelVersion copy = Serialization.clone(of);
    copy.getMetadata().setName(name);
    copy.getMetadata().setNamespace(namespace);
    copy.getSpec().version = name.substring(name.lastIndexOf('v') + 1);
    return copy;
  }

  private static ResourceQuota gpuQuota(int hard, int used) {
    return new ResourceQuotaBuilder().withNewMetadata().withName("gpus").endMetadata()
        .withNewStatus().addToHard("requests.nvidia.com/gpu", new Quantity(String.valueOf(hard)))
        .addToUsed("requests.nvidia.com/gpu", new Quantity(String.valueOf(used))).endStatus().build();
  }

  /** The cluster as a rollout reads it: ModelVersions, Triton Deployments and quotas; no KServe, no Kafka. */
  private static final class World implements Rollouts.World {
    private final Map<String, ModelVersion> models = new HashMap<>();
    private final Map<String, Deployment> deployments = new HashMap<>();
    private final List<ResourceQuota> quotas = new ArrayList<>();
    private GenericKubernetesResource route = route("""
        status:
          parents:
            - parentRef: {group: "", kind: Service, name: image-embeddings-triton}
              controllerName: istio.io/gateway-controller
              conditions:
                - {type: Accepted, status: "True", reason: Accepted, message: Route was valid}
                - {type: ResolvedRefs, status: "True", reason: ResolvedRefs, message: All references resolved}
        """);
    private GenericKubernetesResource isvc;

    ModelVersion add(ModelVersion model) {
      models.put(model.getMetadata().getName(), model);
      return model;
    }

    void deploy(String name, int available) {
      deployments.put(name, new DeploymentBuilder().withNewMetadata().withName(name).withGeneration(1L).endMetadata()
          .withNewSpec().withReplicas(available).endSpec()
          .withNewStatus().withObservedGeneration(1L).withAvailableReplicas(available).endStatus().build());
    }

    @Override
    public Optional<GenericKubernetesResource> inferenceService(StreamingPipeline pipeline) {
      return Optional.ofNullable(isvc);
    }

    @Override
    public Optional<GenericKubernetesResource> httpRoute(StreamingPipeline pipeline) {
      return Optional.ofNullable(route);
    }

    @Override
    public Optional<GenericKubernetesResource> candidateService(StreamingPipeline pipeline, String candidate) {
      return Optional.empty();
    }

    @Override
    public Optional<GenericKubernetesResource> shadowJob(StreamingPipeline pipeline) {
      return Optional.empty();
    }

    @Override
    public Optional<ModelVersion> modelVersion(String namespace, String name) {
      return Optional.ofNullable(name == null ? null : models.get(name));
    }

    @Override
    public Long shadowLag(StreamingPipeline pipeline) {
      return null;
    }

    @Override
    public PredictionAgreement.Agreement shadowAgreement(StreamingPipeline pipeline) {
      return null;
    }

    @Override
    public Optional<GenericKubernetesResource> replayJob(StreamingPipeline pipeline) {
      return Optional.empty();
    }

    @Override
    public dev.slipstream.core.rollout.ReplayObservation planReplay(StreamingPipeline pipeline, java.time.Instant now) {
      return null;
    }

    @Override
    public dev.slipstream.core.rollout.ReplayObservation judgeReplay(StreamingPipeline pipeline,
        dev.slipstream.api.v1alpha1.RolloutStatus rollout) {
      return null;
    }

    @Override
    public List<ResourceQuota> resourceQuotas(String namespace) {
      return quotas;
    }

    @Override
    public Optional<Deployment> deployment(String namespace, String name) {
      return Optional.ofNullable(deployments.get(name));
    }

    @Override
    public boolean routesInstalled() {
      return true;
    }
  }
}
