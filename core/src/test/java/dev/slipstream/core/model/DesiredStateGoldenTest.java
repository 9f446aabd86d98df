package dev.slipstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.Examples;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every owned kind as its builder writes it for the examples, compared with golden YAML under
 * src/test/resources/golden. After an intended change, run with -Dgolden.update=true and review the diff.
 */
class DesiredStateGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final OperatorDefaults DEFAULTS = OperatorDefaults.STANDARD;

  @Test
  void kserveInferenceServiceForTheFraudExample() throws IOException {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    var model = Examples.model("fraud-scoring.yaml", "fraud-v1");
    DesiredServing serving = ServingModel.from(pipeline, model, DEFAULTS);
    assertThat(serving.endpoint()).isEqualTo("http://fraud-scoring.payments.svc.cluster.local");
    matchesGolden("inferenceservice-fraud-scoring.yaml", serving.objects());
  }

  @Test
  void tritonDeploymentAndServiceForTheGpuExample() throws IOException {
    var pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    var model = Examples.model("triton-gpu.yaml", "embedder-v3");
    DesiredServing serving = ServingModel.from(pipeline, model, DEFAULTS);
    assertThat(serving.endpoint()).isEqualTo("http://image-embeddings-triton.vision.svc.cluster.local:8000");
    matchesGolden("triton-image-embeddings.yaml", serving.objects());
  }

  @Test
  void tritonReadsGcsCredentialsFromTheMountedSecretAndRunsWithoutOneWhenNoneIsNamed() {
    var pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    var model = Examples.model("triton-gpu.yaml", "embedder-v3");
    model.getSpec().storageUri = "gs://models/embedder/repository";
    model.getSpec().storage.serviceAccountName = "embedder-gcs";
    var deployment = (io.fabric8.kubernetes.api.model.apps.Deployment) ServingModel.from(pipeline, model, DEFAULTS).objects()
        .stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.apps.Deployment).findFirst().orElseThrow();
    var pod = deployment.getSpec().getTemplate().getSpec();
    var triton = pod.getContainers().get(0);
    assertThat(pod.getServiceAccountName()).isEqualTo("embedder-gcs");
    assertThat(triton.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("GOOGLE_APPLICATION_CREDENTIALS");
      assertThat(e.getValue()).isEqualTo("/var/run/secrets/slipstream/model-storage/gcloud-application-credentials.json");
    });
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("embedder-s3"));

    // its twin: no storage block, no credentials and the namespace's default service account
    model.getSpec().storage = null;
    var plain = (io.fabric8.kubernetes.api.model.apps.Deployment) ServingModel.from(pipeline, model, DEFAULTS).objects()
        .stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.apps.Deployment).findFirst().orElseThrow();
    var plainPod = plain.getSpec().getTemplate().getSpec();
    assertThat(plainPod.getServiceAccountName()).isNull();
    assertThat(plainPod.getVolumes()).isEmpty();
    assertThat(plainPod.getContainers().get(0).getEnv()).isEmpty();
    assertThat(plainPod.getContainers().get(0).getEnvFrom()).isEmpty();
  }

  @Test
  void tritonCanaryRunsBothVersionsAndSplitsTrafficWithAnHttpRoute() throws IOException {
    var pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    var stable = Examples.model("triton-gpu.yaml", "embedder-v3");
    var candidate = Examples.model("triton-gpu.yaml", "embedder-v3");
    candidate.getMetadata().setName("embedder-v4");
    candidate.getSpec().version = "4";
    candidate.getSpec().minReplicas = 4;
    DesiredServing serving = TritonDeploymentModel.routed(pipeline, stable, candidate, 25, 25, DEFAULTS);
    assertThat(serving.endpoint()).as("the job keeps calling the pipeline's Service")
        .isEqualTo("http://image-embeddings-triton.vision.svc.cluster.local:8000");
    matchesGolden("triton-canary-image-embeddings.yaml", serving.objects());
  }

  @Test
  void shedPolicyTopLevelScalesOutLimitsConcurrencyAndSteersTheJobToTheWarmFallback() throws IOException {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    var model = Examples.model("fraud-scoring.yaml", "fraud-v1");
    var lite = Examples.model("fraud-scoring.yaml", "fraud-lite-v1");
    var policy = Examples.shedPolicy("fraud-scoring.yaml", "fraud-shed").getSpec();
    dev.slipstream.core.shed.ShedActions actions = dev.slipstream.core.shed.ShedActions.at(policy, 3);
    DesiredServing serving = ServingModel.desired(pipeline, ServingPlan.of(model)
        .withCapacity(ServingPlan.replicas(actions, false, false, null), ServingPlan.concurrency(actions, false, null)), DEFAULTS);
    DesiredServing fallback = ServingModel.fallback(pipeline, lite, DEFAULTS);
    assertThat(fallback.endpoint()).isEqualTo("http://fraud-scoring-fraud-lite-v1.payments.svc.cluster.local");
    List<HasMetadata> objects = new java.util.ArrayList<>(serving.objects());
    objects.addAll(fallback.objects());
    objects.add(JobControlModel.from(pipeline, 3, "shed", actions,
        dev.slipstream.core.shed.JobRouting.own(fallback.endpoint(), lite), null));
    matchesGolden("shed-fraud-scoring.yaml", objects);
  }

  @Test
  void flinkDeploymentCarriesTheJobContract() throws IOException {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    var model = Examples.model("fraud-scoring.yaml", "fraud-v1");
    matchesGolden("flinkdeployment-fraud-scoring.yaml",
        List.of(FlinkDeploymentModel.from(pipeline, model, "http://fraud-scoring.payments.svc.cluster.local")));
  }

  @Test
  void flinkDeploymentMountsTheKafkaSecretWithoutCopyingIt() throws IOException {
    var pipeline = Examples.pipeline("triton-gpu.yaml", "image-embeddings");
    var model = Examples.model("triton-gpu.yaml", "embedder-v3");
    matchesGolden("flinkdeployment-image-embeddings.yaml",
        List.of(FlinkDeploymentModel.from(pipeline, model, "http://image-embeddings-triton.vision.svc.cluster.local:8000")));
  }

  @Test
  void shadowJobReadsTheSameInputsUnderItsOwnGroupAndWritesOnlyTheShadowTopic() throws IOException {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new dev.slipstream.api.v1alpha1.RolloutSpec();
    pipeline.getSpec().rollout.shadow = new dev.slipstream.api.v1alpha1.ShadowSpec();
    var candidate = Examples.model("fraud-scoring.yaml", "fraud-v1");
    var shadow = FlinkDeploymentModel.shadow(pipeline, candidate,
        "http://latest-fraud-scoring-predictor.payments.svc.cluster.local");
    matchesGolden("flinkdeployment-fraud-scoring-shadow.yaml", List.of(shadow));
    assertThat(DesiredTopic.of(pipeline)).extracting(DesiredTopic::name)
        .containsExactly("card-transactions", "fraud-scores", "fraud-scores.late", "fraud-scores.shadow");
  }

  @Test
  void replayJobReadsItsFixedRangeUnderItsOwnGroupAndBoundAndWritesOnlyTheReplayTopic() throws IOException {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    pipeline.getSpec().rollout = new dev.slipstream.api.v1alpha1.RolloutSpec();
    pipeline.getSpec().rollout.replay = new dev.slipstream.api.v1alpha1.ReplaySpec();
    pipeline.getSpec().rollout.replay.window = "10m";
    var candidate = Examples.model("fraud-scoring.yaml", "fraud-v1");
    var range = new dev.slipstream.api.v1alpha1.ReplayStatus();
    range.warmUpFrom = "card-transactions:0:0,card-transactions:1:0";
    range.from = "card-transactions:0:1200,card-transactions:1:1180";
    range.until = "card-transactions:0:5000,card-transactions:1:4870";
    String url = "http://latest-fraud-scoring-predictor.payments.svc.cluster.local";
    matchesGolden("flinkdeployment-fraud-scoring-replay.yaml", List.of(FlinkDeploymentModel.replay(pipeline, candidate, url,
        range, false)));
    var suspended = FlinkDeploymentModel.replay(pipeline, candidate, url, range, true);
    assertThat(((java.util.Map<?, ?>) ((java.util.Map<?, ?>) suspended.getAdditionalProperties().get("spec")).get("job"))
        .get("state")).isEqualTo("suspended");
    assertThat(DesiredTopic.of(pipeline)).extracting(t -> t.name() + " " + t.partitions() + " " + t.configs())
        .contains("fraud-scores.replay 1 {retention.ms=3600000}");
  }

  @Test
  void strimziKafkaTopicsForEveryTopicOfThePipeline() throws IOException {
    var pipeline = Examples.pipeline("strimzi-topics.yaml", "churn-risk");
    List<HasMetadata> topics = DesiredTopic.of(pipeline).stream()
        .map(t -> (HasMetadata) KafkaTopicModel.from(pipeline, t)).toList();
    matchesGolden("kafkatopics-churn-risk.yaml", topics);
  }

  private static void matchesGolden(String file, List<? extends HasMetadata> objects) throws IOException {
    StringBuilder yaml = new StringBuilder();
    for (HasMetadata o : objects) {
      yaml.append(Serialization.asYaml(o));
    }
    Path golden = GOLDEN.resolve(file);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, yaml.toString());
    }
    assertThat(yaml.toString()).as("golden file %s (regenerate with -Dgolden.update=true)", golden)
        .isEqualTo(Files.readString(golden));
  }
}
