package dev.slipstream.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.model.InferenceServiceModel;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** Readiness read from status shaped as KServe, Kubernetes, the Flink operator and Strimzi write it. */
class ObjectReadinessTest {
  private static GenericKubernetesResource withStatus(String json) {
    return Serialization.unmarshal("{\"apiVersion\":\"x/v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"fraud\"},\"status\":"
        + json + "}", GenericKubernetesResource.class);
  }

  @Test
  void inferenceServiceReadyPendingAndFailedToLoad() {
    assertThat(KServeStatus.readiness(withStatus(
        "{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}")).isReady()).isTrue();
    Readiness pending = KServeStatus.readiness(withStatus(
        "{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"message\":\"Revision fraud-00001 not ready\"}]}"));
    assertThat(pending.state()).isEqualTo(Readiness.State.PENDING);
    assertThat(pending.message()).contains("Revision fraud-00001 not ready");
    Readiness failed = KServeStatus.readiness(withStatus("{\"modelStatus\":{\"states\":{\"targetModelState\":"
        + "\"FailedToLoad\"},\"lastFailureInfo\":{\"reason\":\"ModelLoadFailed\",\"message\":\"no model.onnx\"}}}"));
    assertThat(failed.state()).isEqualTo(Readiness.State.FAILED);
    assertThat(failed.reason()).isEqualTo("ServingFailed");
    assertThat(failed.message()).contains("no model.onnx");
    assertThat(KServeStatus.readiness(null).state()).isEqualTo(Readiness.State.PENDING);
  }

  @Test
  void deploymentReadyOnlyWhenTheCurrentGenerationHasAllReplicas() {
    Deployment d = new DeploymentBuilder().withNewMetadata().withName("triton").withGeneration(2L).endMetadata()
        .withNewSpec().withReplicas(2).endSpec()
        .withNewStatus().withObservedGeneration(1L).withAvailableReplicas(2).endStatus().build();
    assertThat(ObjectReadiness.deployment(d).isReady()).as("status of an older generation").isFalse();
    d.getStatus().setObservedGeneration(2L);
    d.getStatus().setAvailableReplicas(1);
    assertThat(ObjectReadiness.deployment(d).message()).contains("1/2");
    d.getStatus().setAvailableReplicas(2);
    assertThat(ObjectReadiness.deployment(d).isReady()).isTrue();
  }

  @Test
  void deploymentPastItsProgressDeadlineHasFailed() {
    Deployment d = new DeploymentBuilder().withNewMetadata().withName("triton").endMetadata().withNewSpec().endSpec()
        .withNewStatus().addNewCondition().withType("Progressing").withStatus("False")
        .withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet has timed out progressing.").endCondition()
        .endStatus().build();
    assertThat(ObjectReadiness.deployment(d).state()).isEqualTo(Readiness.State.FAILED);
  }

  @Test
  void flinkJobRunningDeployingAndFailed() {
    assertThat(ObjectReadiness.flinkDeployment(withStatus("{\"jobStatus\":{\"state\":\"RUNNING\"}}")).isReady()).isTrue();
    assertThat(ObjectReadiness.flinkDeployment(withStatus("{\"jobStatus\":{\"state\":\"CREATED\"}}")).state())
        .isEqualTo(Readiness.State.PENDING);
    Readiness failed = ObjectReadiness.flinkDeployment(withStatus(
        "{\"jobStatus\":{\"state\":\"RECONCILING\"},\"error\":\"ClassNotFoundException: dev.slipstream.job.ScoringJob\"}"));
    assertThat(failed.state()).isEqualTo(Readiness.State.FAILED);
    assertThat(failed.message()).contains("ClassNotFoundException");
  }

  /** A FlinkDeployment at generation 2 with the status the Flink operator wrote. */
  private static GenericKubernetesResource flinkAt2(String status) {
    GenericKubernetesResource d = withStatus(status);
    d.getMetadata().setGeneration(2L);
    return d;
  }

  @Test
  void aFlinkJobIsReadyOnlyForItsCurrentSpecDeployedAndRunning() {
    Readiness deployed = ObjectReadiness.flinkDeployment(flinkAt2("{\"observedGeneration\":2,\"lifecycleState\":\"STABLE\","
        + "\"reconciliationStatus\":{\"state\":\"DEPLOYED\"},\"jobStatus\":{\"state\":\"RUNNING\"}}"));
    assertThat(deployed.isReady()).isTrue();

    Readiness earlierSpec = ObjectReadiness.flinkDeployment(flinkAt2("{\"observedGeneration\":1,\"lifecycleState\":\"STABLE\","
        + "\"reconciliationStatus\":{\"state\":\"DEPLOYED\"},\"jobStatus\":{\"state\":\"RUNNING\"}}"));
    assertThat(earlierSpec.state()).isEqualTo(Readiness.State.PENDING);
    assertThat(earlierSpec.message()).isEqualTo("the Flink operator has not reconciled generation 2 of FlinkDeployment"
        + " fraud yet (the job of an earlier spec is RUNNING)");

    Readiness upgrading = ObjectReadiness.flinkDeployment(flinkAt2("{\"observedGeneration\":2,\"lifecycleState\":\"UPGRADING\","
        + "\"reconciliationStatus\":{\"state\":\"UPGRADING\"},\"jobStatus\":{\"state\":\"RUNNING\"}}"));
    assertThat(upgrading.state()).isEqualTo(Readiness.State.PENDING);
    assertThat(upgrading.reason()).isEqualTo("JobUpgrading");
    assertThat(upgrading.message()).isEqualTo("FlinkDeployment fraud is being upgraded to its new spec (lifecycle UPGRADING)");

    Readiness rolledBack = ObjectReadiness.flinkDeployment(flinkAt2("{\"observedGeneration\":2,\"lifecycleState\":\"ROLLED_BACK\","
        + "\"reconciliationStatus\":{\"state\":\"ROLLED_BACK\"},\"jobStatus\":{\"state\":\"RUNNING\"},"
        + "\"error\":\"the new spec did not become stable in 5 min\"}"));
    assertThat(rolledBack.state()).isEqualTo(Readiness.State.FAILED);
    assertThat(rolledBack.reason()).isEqualTo("JobRolledBack");
    assertThat(rolledBack.message()).endsWith("back to its last stable spec: the new spec did not become stable in 5 min");
  }

  /** Stored at generation 3, stamped with the generation where its model last changed; KServe reports generation 2. */
  private static GenericKubernetesResource readyAt2Of3(String modelGeneration, String modelStatus) {
    GenericKubernetesResource isvc = withStatus("{\"observedGeneration\":2,\"conditions\":[{\"type\":\"Ready\","
        + "\"status\":\"True\"}]" + modelStatus + "}");
    isvc.getMetadata().setGeneration(3L);
    isvc.getMetadata().setAnnotations(java.util.Map.of(InferenceServiceModel.MODEL_GENERATION, modelGeneration));
    return isvc;
  }

  @Test
  void aStatusFromBeforeTheModelChangedIsNotReadyOneFromAfterIs() {
    Readiness otherModel = KServeStatus.readiness(readyAt2Of3("3", ""));
    assertThat(otherModel.state()).isEqualTo(Readiness.State.PENDING);
    assertThat(otherModel.message()).isEqualTo("InferenceService fraud: KServe has not processed generation 3, where "
        + "the model changed (it reports generation 2); what it says is about the model before");
    // a scale change made generation 3; the model has been asked for since generation 2, which KServe reports
    assertThat(KServeStatus.readiness(readyAt2Of3("2", "")).isReady()).isTrue();
    // unstamped (written by hand or before stamping): the object's own generation is the bar
    GenericKubernetesResource unstamped = readyAt2Of3("2", "");
    unstamped.getMetadata().setAnnotations(null);
    assertThat(KServeStatus.readiness(unstamped).state()).isEqualTo(Readiness.State.PENDING);
  }

  @Test
  void aLoadFailureOfTheModelBeforeIsNotThisModelsFailure() {
    String failedToLoad = ",\"modelStatus\":{\"states\":{\"targetModelState\":\"FailedToLoad\"},"
        + "\"lastFailureInfo\":{\"message\":\"no model.onnx\"}}";
    assertThat(KServeStatus.readiness(readyAt2Of3("3", failedToLoad)).state()).isEqualTo(Readiness.State.PENDING);
    assertThat(KServeStatus.readiness(readyAt2Of3("2", failedToLoad)).state()).isEqualTo(Readiness.State.FAILED);
  }

  @Test
  void theCandidatesRevisionIsNotReadyForAnEarlierGeneration() {
    GenericKubernetesResource isvc = withStatus("{\"observedGeneration\":1,\"components\":{\"predictor\":{"
        + "\"latestCreatedRevision\":\"fraud-1\",\"latestReadyRevision\":\"fraud-1\"}}}");
    isvc.getMetadata().setGeneration(2L);
    Readiness stale = KServeStatus.latestRevision(isvc);
    assertThat(stale.state()).isEqualTo(Readiness.State.PENDING);
    assertThat(stale.message()).isEqualTo("InferenceService fraud: KServe has not processed generation 2 yet");
    isvc.getMetadata().setGeneration(1L);
    assertThat(KServeStatus.latestRevision(isvc).isReady()).isTrue();
  }

  @Test
  void kafkaTopicReadyAndRefusedByStrimzi() {
    assertThat(ObjectReadiness.kafkaTopic(withStatus("{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}")).isReady()).isTrue();
    Readiness refused = ObjectReadiness.kafkaTopic(withStatus(
        "{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\",\"message\":\"Number of partitions cannot be decreased\"}]}"));
    assertThat(refused.state()).isEqualTo(Readiness.State.FAILED);
    assertThat(refused.message()).contains("cannot be decreased");
  }

  @Test
  void kafkaTopicOfAnEarlierGenerationOrPausedIsNotReady() {
    GenericKubernetesResource topic = withStatus("{\"observedGeneration\":1,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}");
    topic.getMetadata().setGeneration(2L);
    Readiness behind = ObjectReadiness.kafkaTopic(topic);
    assertThat(behind.state()).isEqualTo(Readiness.State.PENDING);
    assertThat(behind.message()).isEqualTo("the Strimzi topic operator has not reconciled generation 2 of KafkaTopic fraud yet");
    // its twin: the same Ready, for the generation it is at
    topic.getMetadata().setGeneration(1L);
    assertThat(ObjectReadiness.kafkaTopic(topic).isReady()).isTrue();

    Readiness paused = ObjectReadiness.kafkaTopic(withStatus(
        "{\"conditions\":[{\"type\":\"ReconciliationPaused\",\"status\":\"True\"}]}"));
    assertThat(paused.state()).isEqualTo(Readiness.State.FAILED);
    assertThat(paused.reason()).isEqualTo("TopicPaused");
    Readiness conflict = ObjectReadiness.kafkaTopic(withStatus("{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\","
        + "\"reason\":\"ResourceConflict\",\"message\":\"Managed by Ref{namespace='kafka', name='other'}\"}]}"));
    assertThat(conflict.message()).isEqualTo("KafkaTopic fraud: ResourceConflict: Managed by Ref{namespace='kafka', name='other'}");
  }

  @Test
  void scaledObjectAsKedaReportsIt() {
    assertThat(ObjectReadiness.scaledObject(null).state()).isEqualTo(Readiness.State.PENDING);
    // KEDA initialises every condition Unknown before its first check
    Readiness unchecked = ObjectReadiness.scaledObject(withStatus("{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"},"
        + "{\"type\":\"Active\",\"status\":\"Unknown\"},{\"type\":\"Fallback\",\"status\":\"Unknown\"},"
        + "{\"type\":\"Paused\",\"status\":\"Unknown\"}]}"));
    assertThat(unchecked.state()).isEqualTo(Readiness.State.PENDING);
    assertThat(unchecked.message()).isEqualTo("KEDA has not checked ScaledObject fraud yet");
    Readiness refused = ObjectReadiness.scaledObject(withStatus("{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\","
        + "\"reason\":\"ScaledObjectCheckFailed\",\"message\":\"ScaledObject doesn't have correct scaleTargetRef specification\"},"
        + "{\"type\":\"Active\",\"status\":\"Unknown\",\"reason\":\"UnknownState\",\"message\":\"ScaledObject check failed\"}]}"));
    assertThat(refused.state()).isEqualTo(Readiness.State.FAILED);
    assertThat(refused.reason()).isEqualTo("ScalingFailed");
    assertThat(refused.message()).isEqualTo("KEDA refused ScaledObject fraud: ScaledObjectCheckFailed, ScaledObject doesn't have"
        + " correct scaleTargetRef specification; the lag-driven scale-out is not in effect");
    // its twin: checked and scaling
    Readiness active = ObjectReadiness.scaledObject(withStatus("{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
        + "\"reason\":\"ScaledObjectReady\",\"message\":\"ScaledObject is defined correctly and is ready for scaling\"},"
        + "{\"type\":\"Active\",\"status\":\"True\",\"reason\":\"ScalerActive\"},"
        + "{\"type\":\"Fallback\",\"status\":\"True\",\"message\":\"At least one trigger is falling back\"}]}"));
    assertThat(active.isReady()).isTrue();
    assertThat(active.message()).isEqualTo("KEDA ScaledObject fraud is scaling on the consumer lag; KEDA holds its fallback"
        + " replicas: At least one trigger is falling back");
  }

  @Test
  void kserveGivesTheLatestRevisionsUrlAndThePredictorsNumbers() {
    var isvc = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: fraud-scoring, namespace: payments}
        spec:
          predictor: {minReplicas: 3, containerConcurrency: 8}
        status:
          components:
            predictor:
              latestCreatedRevision: fraud-scoring-predictor-00002
              latestRolledoutRevision: fraud-scoring-predictor-00001
              traffic:
                - {revisionName: fraud-scoring-predictor-00001, percent: 90, tag: prev, url: http://prev-fraud-scoring}
                - {revisionName: fraud-scoring-predictor-00002, percent: 10, tag: latest, latestRevision: true, url: http://latest-fraud-scoring}
        """, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
    assertThat(KServeStatus.latestUrl(isvc)).isEqualTo("http://latest-fraud-scoring");
    assertThat(KServeStatus.revision(isvc, true)).isEqualTo("fraud-scoring-predictor-00002");
    assertThat(KServeStatus.revision(isvc, false)).isEqualTo("fraud-scoring-predictor-00001");
    assertThat(KServeStatus.predictorNumber(isvc, "minReplicas")).isEqualTo(3);
    assertThat(KServeStatus.predictorNumber(isvc, "containerConcurrency")).isEqualTo(8);
    assertThat(KServeStatus.predictorNumber(isvc, "maxReplicas")).isNull();
    isvc.getAdditionalProperties().remove("status");
    assertThat(KServeStatus.latestUrl(isvc)).isNull();
  }
}
