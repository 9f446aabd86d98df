package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.model.FlinkDeploymentModel;
import dev.slipstream.core.model.InferenceServiceModel;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.model.TritonDeploymentModel;
import dev.slipstream.core.port.ConsumerLagSource.Position;
import dev.slipstream.core.port.KafkaUnavailableException;
import dev.slipstream.core.slo.PredictionAgreement;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/** What a rollout reads of the cluster and of Kafka: the pipeline controller's caches, its Kafka, resource quotas. */
final class RolloutReads implements Rollouts.World {
  private final KubernetesClient client;
  private final PipelineCaches caches;
  private final PipelineKafka kafka;

  RolloutReads(KubernetesClient client, PipelineCaches caches, PipelineKafka kafka) {
    this.client = client;
    this.caches = caches;
    this.kafka = kafka;
  }

  @Override
  public Optional<GenericKubernetesResource> inferenceService(StreamingPipeline pipeline) {
    return caches.inferenceService(pipeline);
  }

  @Override
  public Optional<GenericKubernetesResource> httpRoute(StreamingPipeline pipeline) {
    return caches.httpRoutes.get(pipeline, TritonDeploymentModel.serviceName(pipeline));
  }

  @Override
  public Optional<GenericKubernetesResource> candidateService(StreamingPipeline pipeline, String candidate) {
    return caches.inferenceServices.get(pipeline, InferenceServiceModel.candidateName(pipeline, candidate));
  }

  @Override
  public Optional<GenericKubernetesResource> shadowJob(StreamingPipeline pipeline) {
    return caches.flinkDeployments.get(pipeline, FlinkDeploymentModel.shadowName(pipeline));
  }

  @Override
  public Optional<ModelVersion> modelVersion(String namespace, String name) {
    return caches.modelVersion(namespace, name);
  }

  @Override
  public Long shadowLag(StreamingPipeline pipeline) {
    return kafka.position(pipeline, JobContract.shadowConsumerGroup(pipeline)).map(Position::lag).orElse(null);
  }

  @Override
  public PredictionAgreement.Agreement shadowAgreement(StreamingPipeline pipeline) {
    var shadow = pipeline.getSpec().rollout.shadow;
    try {
      var cluster = kafka.cluster(pipeline);
      if (cluster.isEmpty()) {
        return null;
      }
      var outputs = cluster.get().outputs();
      var served = outputs.latest(pipeline.getSpec().topics.output.name, shadow.agreementSample);
      var candidate = outputs.latest(DesiredTopic.shadowTopic(pipeline), shadow.agreementSample);
      return served.isEmpty() || candidate.isEmpty() ? null
          : PredictionAgreement.compare(served, candidate, shadow.scoreTolerance);
    } catch (KafkaUnavailableException e) {
      return null;
    }
  }

  @Override
  public List<ResourceQuota> resourceQuotas(String namespace) {
    return client.resourceQuotas().inNamespace(namespace).list().getItems();
  }

  @Override
  public Optional<Deployment> deployment(String namespace, String name) {
    return caches.deployments.get(namespace, name);
  }

  @Override
  public boolean routesInstalled() {
    return caches.httpRoutes.installed();
  }
}
