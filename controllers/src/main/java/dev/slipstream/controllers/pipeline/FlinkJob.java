package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.FlinkDeploymentModel;
import dev.slipstream.core.model.PodMonitorModel;
import dev.slipstream.core.model.ThirdPartyKinds;
import dev.slipstream.core.status.ObjectReadiness;
import dev.slipstream.core.status.Readiness;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's Flink job (a FlinkDeployment) and, while a rollout shadows a candidate, the candidate's shadow
 * job beside it. The job is written only when its topics are ready and its model is known; a running job keeps
 * running while they are away.
 */
final class FlinkJob {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkJob.class);
  private final OwnedObjects<GenericKubernetesResource> flinkDeployments;
  private final OwnedObjects<GenericKubernetesResource> podMonitors;
  private final java.util.Map<String, String> podMonitorLabels;

  /**
   * @param podMonitors the Prometheus Operator's PodMonitors, written beside each job while their CRD is installed
   * @param podMonitorLabels the labels the admin's Prometheus selects PodMonitors by
   */
  FlinkJob(OwnedObjects<GenericKubernetesResource> flinkDeployments, OwnedObjects<GenericKubernetesResource> podMonitors,
      java.util.Map<String, String> podMonitorLabels) {
    this.flinkDeployments = flinkDeployments;
    this.podMonitors = podMonitors;
    this.podMonitorLabels = podMonitorLabels;
  }

  /** @param state the job state as the Flink operator reports it, or null */
  record Outcome(Readiness readiness, String state) {}

  /**
   * @param model the version whose contract the job runs (the stable one during a rollout), or empty while unknown
   * @param endpoint the inference endpoint, or null while serving has none
   * @param topicsReady whether the pipeline's topics are ready
   * @param shadowed the candidate a rollout shadows, or null; its shadow job follows the main job's writes
   * @param shadowEndpoint the candidate's own URL while it is shadowed, else null
   */
  Outcome reconcile(StreamingPipeline pipeline, Optional<ModelVersion> model, String endpoint, boolean topicsReady,
      ModelVersion shadowed, String shadowEndpoint) {
    return reconcile(pipeline, model, endpoint, topicsReady, shadowed, shadowEndpoint, null);
  }

  /** @param replay the candidate's replay job as the rollout wants it now, or null when none should exist */
  Outcome reconcile(StreamingPipeline pipeline, Optional<ModelVersion> model, String endpoint, boolean topicsReady,
      ModelVersion shadowed, String shadowEndpoint, Rollouts.ReplayRun replay) {
    if (!flinkDeployments.installed()) {
      return new Outcome(ObjectReadiness.crdMissing(ThirdPartyKinds.FLINK_DEPLOYMENT, "the pipeline's Flink job"), null);
    }
    if (endpoint == null || model.isEmpty() || !topicsReady) {
      return flinkDeployments.get(pipeline, FlinkDeploymentModel.name(pipeline))
          .map(running -> new Outcome(ObjectReadiness.flinkDeployment(running), ObjectReadiness.jobState(running)))
          .orElse(new Outcome(Readiness.pending("JobPending",
              "the Flink job starts once the topics are ready and the ModelVersion is known"), null));
    }
    var written = flinkDeployments.ensure(FlinkDeploymentModel.from(pipeline, model.get(), endpoint));
    if (podMonitors.installed()) {
      // without the Prometheus Operator the pods' prometheus.io annotations are how Prometheus finds them
      podMonitors.ensure(PodMonitorModel.from(pipeline, podMonitorLabels));
    }
    shadow(pipeline, shadowed, shadowEndpoint);
    replay(pipeline, replay);
    return new Outcome(ObjectReadiness.flinkDeployment(written), ObjectReadiness.jobState(written));
  }

  /**
   * The candidate's shadow job exists exactly while the rollout shadows it; then it is removed, its topic kept.
   *
   * @param candidate the version shadowed, or null outside a shadow run
   * @param endpoint the candidate's own URL while it is shadowed, else null
   */
  private void shadow(StreamingPipeline pipeline, ModelVersion candidate, String endpoint) {
    if (endpoint != null) {
      flinkDeployments.ensure(FlinkDeploymentModel.shadow(pipeline, candidate, endpoint));
      return;
    }
    flinkDeployments.get(pipeline, FlinkDeploymentModel.shadowName(pipeline)).ifPresent(shadow -> {
      LOG.info("pipeline {}/{}: the shadow run is over; deleting FlinkDeployment {}", pipeline.getMetadata().getNamespace(),
          pipeline.getMetadata().getName(), shadow.getMetadata().getName());
      flinkDeployments.delete(shadow);
    });
  }

  /**
   * The candidate's replay job exists while its replay runs (suspended while the pipeline is degraded or the rollout
   * paused); once it has a verdict it is removed, and the replay topic keeps its records for an hour.
   */
  private void replay(StreamingPipeline pipeline, Rollouts.ReplayRun replay) {
    if (replay != null) {
      flinkDeployments.ensure(FlinkDeploymentModel.replay(pipeline, replay.candidate(), replay.endpoint(), replay.range(),
          replay.suspended()));
      return;
    }
    flinkDeployments.get(pipeline, FlinkDeploymentModel.replayName(pipeline)).ifPresent(job -> {
      LOG.info("pipeline {}/{}: the replay is over; deleting FlinkDeployment {}", pipeline.getMetadata().getNamespace(),
          pipeline.getMetadata().getName(), job.getMetadata().getName());
      flinkDeployments.delete(job);
    });
  }

  Optional<GenericKubernetesResource> shadowJob(StreamingPipeline pipeline) {
    return flinkDeployments.get(pipeline, FlinkDeploymentModel.shadowName(pipeline));
  }
}
