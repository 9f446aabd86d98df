package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.controllers.common.EventRecorder;
import dev.slipstream.core.model.Labels;
import dev.slipstream.core.port.LatencySource;
import dev.slipstream.core.rollout.RolloutCommand;
import dev.slipstream.core.rollout.RolloutDecision;
import dev.slipstream.core.rollout.RolloutObservation;
import dev.slipstream.core.rollout.RolloutPhase;
import dev.slipstream.core.rollout.RolloutStateMachine;
import dev.slipstream.core.slo.LatencyQueries;
import dev.slipstream.core.slo.Signals;
import dev.slipstream.core.slo.SloEvaluator;
import dev.slipstream.core.status.ObjectReadiness;
import dev.slipstream.core.status.Readiness;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O around the rollout state machine: observes the candidate's and stable version's serving,
 * measures a check when one is due, asks the state machine, and says which version serves at what
 * weight. After the status is recorded it emits the decision's Events and consumes a manual command.
 */
final class Rollouts {
  private static final Logger LOG = LoggerFactory.getLogger(Rollouts.class);
  private final KubernetesClient client;
  private final ControllersConfig config;
  private final EventRecorder events;
  private final Function<StreamingPipeline, Optional<GenericKubernetesResource>> inferenceService;
  private final BiFunction<String, String, Optional<ModelVersion>> modelVersions;

  Rollouts(KubernetesClient client, ControllersConfig config, EventRecorder events,
      Function<StreamingPipeline, Optional<GenericKubernetesResource>> inferenceService,
      BiFunction<String, String, Optional<ModelVersion>> modelVersions) {
    this.client = client;
    this.config = config;
    this.events = events;
    this.inferenceService = inferenceService;
    this.modelVersions = modelVersions;
  }

  /**
   * @param served the ModelVersion the serving objects are built for
   * @param canaryPercent its share of traffic, or null when it serves everything
   * @param stable the version outside the rollout (the Flink job's model, the status' model)
   */
  record RolloutStep(ModelVersion served, Integer canaryPercent, ModelVersion stable, RolloutDecision decision,
      RolloutCommand command) {}

  RolloutStep step(StreamingPipeline pipeline, RolloutStatus before, ModelVersion desired, Long lag, Instant now) {
    String namespace = pipeline.getMetadata().getNamespace();
    String desiredName = desired.getMetadata().getName();
    if (desired.getSpec().runtime != ServingRuntime.KSERVE) {
      // weighted routing for Triton (HTTPRoute) is not built yet: the new version replaces the old once ready
      RolloutStatus direct = new RolloutStatus();
      direct.phase = RolloutPhase.Idle.name();
      direct.stable = desiredName;
      direct.message = desiredName + " serves all traffic (runtime triton: a new version replaces the old once ready)";
      return new RolloutStep(desired, null, desired, new RolloutDecision(direct, List.of(), null), RolloutCommand.NONE);
    }
    RolloutSpec spec = pipeline.getSpec().rollout != null ? pipeline.getSpec().rollout : new RolloutSpec();
    Optional<GenericKubernetesResource> isvc = inferenceService.apply(pipeline);
    String candidate = before == null ? null : before.candidate;
    Readiness candidateServing = candidate == null ? null : candidateReadiness(isvc, candidate);
    Readiness stableServing = isvc.map(ObjectReadiness::inferenceService)
        .orElse(Readiness.pending("ServingPending", "InferenceService not created yet"));
    List<AnalysisResult> analysis = null;
    if (RolloutStateMachine.checkDue(spec, before, now)) {
      LatencySource.Target target = latencyTarget(pipeline, spec, candidate);
      LatencySource.Sample latency = config.latency().measure(target);
      analysis = SloEvaluator.evaluate(pipeline.getSpec().serving.slo, spec.analysis, new Signals("candidate", lag,
          previousLag(before), latency.p99LatencyMs(), latency.errorRatePercent(), latency.requests(),
          config.latency().configured(target)));
    }
    String annotation = pipeline.getMetadata().getAnnotations() == null ? null
        : pipeline.getMetadata().getAnnotations().get(RolloutCommand.ANNOTATION);
    RolloutCommand command = RolloutCommand.parse(annotation);
    RolloutDecision decision = RolloutStateMachine.next(spec,
        before, new RolloutObservation(desiredName, candidateServing, stableServing, analysis, false, command), now);

    RolloutStatus after = decision.status();
    ModelVersion stable = modelVersions.apply(namespace, after.stable).orElse(desired);
    RolloutPhase phase = RolloutPhase.of(after.phase);
    Optional<ModelVersion> candidateModel = after.candidate == null ? Optional.empty()
        : modelVersions.apply(namespace, after.candidate);
    if ((phase.isActive() || phase == RolloutPhase.RolledBack) && candidateModel.isPresent()) {
      int weight = after.weight == null ? 0 : after.weight;
      return new RolloutStep(candidateModel.get(), weight, stable, decision, annotation == null ? RolloutCommand.NONE : command);
    }
    return new RolloutStep(stable, null, stable, decision, annotation == null ? RolloutCommand.NONE : command);
  }

  /** After the status is written: the decision's Events, and a manual command consumed. */
  void after(StreamingPipeline pipeline, RolloutStep step) {
    for (RolloutDecision.Event e : step.decision().events()) {
      LOG.info("pipeline {}/{} rollout: {} {}", pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
          e.reason(), e.message());
      if (e.warning()) {
        events.warning(pipeline, e.reason(), e.message());
      } else {
        events.normal(pipeline, e.reason(), e.message());
      }
    }
    var annotations = pipeline.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(RolloutCommand.ANNOTATION)) {
      if (step.command() == RolloutCommand.NONE) {
        events.warning(pipeline, "UnknownRolloutCommand", "annotation " + RolloutCommand.ANNOTATION + "="
            + annotations.get(RolloutCommand.ANNOTATION) + " is not promote, abort or retry; it was removed");
      }
      try {
        client.resources(StreamingPipeline.class).inNamespace(pipeline.getMetadata().getNamespace())
            .withName(pipeline.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/metadata/annotations/"
                + RolloutCommand.ANNOTATION.replace("~", "~0").replace("/", "~1") + "\"}]");
      } catch (KubernetesClientException e) {
        LOG.warn("could not remove annotation {} from {}/{}: {}", RolloutCommand.ANNOTATION,
            pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(), e.getMessage());
      }
    }
  }

  private static LatencySource.Target latencyTarget(StreamingPipeline pipeline, RolloutSpec spec, String version) {
    var prometheus = spec.analysis.prometheus;
    LatencyQueries queries = prometheus == null ? LatencyQueries.DEFAULT : LatencyQueries.DEFAULT.overriddenBy(
        prometheus.p99LatencyQuery, prometheus.errorRateQuery, prometheus.requestsQuery);
    return new LatencySource.Target(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(), version,
        prometheus == null ? null : prometheus.address, queries, RolloutStateMachine.interval(spec));
  }

  /** The candidate serves once the InferenceService carries it and its latest revision is ready. */
  private static Readiness candidateReadiness(Optional<GenericKubernetesResource> isvc, String candidate) {
    String deployed = isvc.map(o -> o.getMetadata().getLabels().get(Labels.MODEL_VERSION)).orElse(null);
    if (!candidate.equals(deployed)) {
      return Readiness.pending("ServingPending", candidate + " is not deployed yet");
    }
    return ObjectReadiness.inferenceServiceLatestRevision(isvc.get());
  }

  private static Long previousLag(RolloutStatus before) {
    if (before == null || before.lastAnalysis == null) {
      return null;
    }
    return before.lastAnalysis.stream().filter(r -> SloEvaluator.CONSUMER_LAG.equals(r.metric) && r.value != null)
        .map(r -> Math.round(r.value)).findFirst().orElse(null);
  }
}
