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
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.core.replay.ReplayJudgement;
import dev.slipstream.core.replay.ReplayPlan;
import dev.slipstream.core.rollout.ReplayObservation;
import dev.slipstream.core.slo.PredictionAgreement;
import dev.slipstream.core.time.Durations;
import java.time.Duration;
import java.time.Instant;
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
  public Optional<GenericKubernetesResource> replayJob(StreamingPipeline pipeline) {
    return caches.flinkDeployments.get(pipeline, FlinkDeploymentModel.replayName(pipeline));
  }

  @Override
  public ReplayObservation planReplay(StreamingPipeline pipeline, Instant now) {
    var replay = pipeline.getSpec().rollout.replay;
    // the window by record timestamp; a maximum alone replays the newest of all that is retained
    Instant windowStart = replay.window == null ? Instant.EPOCH : now.minus(Durations.parse(replay.window));
    Duration warmUp = JobContract.featureHistory(pipeline);
    try {
      var cluster = kafka.cluster(pipeline);
      if (cluster.isEmpty()) {
        return null;
      }
      var source = cluster.get().replay();
      var offsets = source.offsets(pipeline.getSpec().topics.inputs.stream().map(t -> t.name).toList(), windowStart, warmUp);
      String outputFrom = source.ends(DesiredTopic.replayTopic(pipeline));
      if (offsets == null || outputFrom == null) {
        return null;
      }
      ReplayPlan plan = ReplayPlan.of(windowStart, warmUp, replay.maxEvents, offsets);
      return ReplayObservation.planned(plan, outputFrom);
    } catch (KafkaUnavailableException e) {
      return null;
    }
  }

  @Override
  public ReplayObservation judgeReplay(StreamingPipeline pipeline, RolloutStatus rollout) {
    var replay = pipeline.getSpec().rollout.replay;
    ReplayJudgement judgement = new ReplayJudgement(ReplayJudgement.Limits.of(replay, pipeline.getSpec().serving.slo));
    try {
      var cluster = kafka.cluster(pipeline);
      if (cluster.isEmpty() || !cluster.get().replay().read(DesiredTopic.replayTopic(pipeline), rollout.replay.outputFrom,
          pipeline.getSpec().topics.output.name, Instant.parse(rollout.replay.windowStart), judgement)) {
        return null;
      }
      return ReplayObservation.judged(judgement.counts(), judgement.judge(rollout.candidate));
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
