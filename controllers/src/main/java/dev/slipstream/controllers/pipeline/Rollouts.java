package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.controllers.common.EventRecorder;
import dev.slipstream.core.model.InferenceServiceModel;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.model.Labels;
import dev.slipstream.core.port.LatencySource;
import dev.slipstream.api.v1alpha1.ReplayStatus;
import dev.slipstream.core.rollout.GpuQuota;
import dev.slipstream.core.rollout.ReplayObservation;
import dev.slipstream.core.rollout.RolloutCommand;
import dev.slipstream.core.rollout.RolloutDecision;
import dev.slipstream.core.rollout.RolloutObservation;
import dev.slipstream.core.rollout.RolloutPhase;
import dev.slipstream.core.rollout.RolloutStateMachine;
import dev.slipstream.core.slo.LagBaseline;
import dev.slipstream.core.slo.LatencyQueries;
import dev.slipstream.core.slo.PredictionAgreement;
import dev.slipstream.core.slo.Signals;
import dev.slipstream.core.slo.AnalysisSources;
import dev.slipstream.core.slo.SloEvaluator;
import dev.slipstream.core.status.KServeStatus;
import dev.slipstream.core.status.ObjectReadiness;
import dev.slipstream.core.status.Readiness;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
  private final World world;

  /** What a rollout reads of the cluster and of Kafka, from the reconciler's caches and adapters. */
  interface World {
    Optional<GenericKubernetesResource> inferenceService(StreamingPipeline pipeline);

    /** The pipeline's HTTPRoute (Triton), as the mesh reports on it. */
    Optional<GenericKubernetesResource> httpRoute(StreamingPipeline pipeline);

    /** A candidate's own InferenceService under a canary split by key. */
    Optional<GenericKubernetesResource> candidateService(StreamingPipeline pipeline, String candidate);

    Optional<GenericKubernetesResource> shadowJob(StreamingPipeline pipeline);

    Optional<ModelVersion> modelVersion(String namespace, String name);

    /** Lag of the shadow job's consumer group; null while unknown. */
    Long shadowLag(StreamingPipeline pipeline);

    /** How the shadow's latest predictions match the served ones (spec.rollout.shadow); null when unreadable. */
    PredictionAgreement.Agreement shadowAgreement(StreamingPipeline pipeline);

    /** The candidate's replay job, as the Flink operator reports on it. */
    Optional<GenericKubernetesResource> replayJob(StreamingPipeline pipeline);

    /** The range a replay starting now reads, and the replay topic's ends; null when Kafka cannot answer. */
    ReplayObservation planReplay(StreamingPipeline pipeline, Instant now);

    /** The finished replay's records judged against the stable version's decisions; null when unreadable. */
    ReplayObservation judgeReplay(StreamingPipeline pipeline, RolloutStatus rollout);

    List<io.fabric8.kubernetes.api.model.ResourceQuota> resourceQuotas(String namespace);

    Optional<io.fabric8.kubernetes.api.model.apps.Deployment> deployment(String namespace, String name);

    /** Whether the Gateway API HTTPRoute CRD is installed: Triton canaries need it. */
    boolean routesInstalled();
  }

  Rollouts(KubernetesClient client, ControllersConfig config, EventRecorder events, World world) {
    this.client = client;
    this.config = config;
    this.events = events;
    this.world = world;
  }

  /**
   * @param served the ModelVersion the serving objects are built for
   * @param canaryPercent its share of traffic, or null when it serves everything
   * @param stable the version outside the rollout (the Flink job's model, the status' model)
   * @param shadowEndpoint the candidate's own URL while a shadow job should run against it, else null
   * @param analysis the check measured in this pass, or null
   * @param previousPhase the rollout's phase before this pass
   * @param replicaPercent the share of its replicas the served version runs, or null for all of them
   */
  record RolloutStep(ModelVersion served, Integer canaryPercent, ModelVersion stable, RolloutDecision decision,
      RolloutCommand command, String shadowEndpoint, List<AnalysisResult> analysis, RolloutPhase previousPhase,
      Integer replicaPercent, String freshCommand, ReplayRun replay) {
    RolloutStep(ModelVersion served, Integer canaryPercent, ModelVersion stable, RolloutDecision decision,
        RolloutCommand command, String shadowEndpoint, List<AnalysisResult> analysis, RolloutPhase previousPhase,
        Integer replicaPercent, String freshCommand) {
      this(served, canaryPercent, stable, decision, command, shadowEndpoint, analysis, previousPhase, replicaPercent,
          freshCommand, null);
    }

    RolloutStep(ModelVersion served, Integer canaryPercent, ModelVersion stable, RolloutDecision decision,
        RolloutCommand command, String shadowEndpoint, List<AnalysisResult> analysis, RolloutPhase previousPhase,
        Integer replicaPercent) {
      this(served, canaryPercent, stable, decision, command, shadowEndpoint, analysis, previousPhase, replicaPercent, null);
    }
  }

  /** The candidate's replay job as it should be: its model and own URL, its fixed range, and whether it is suspended. */
  record ReplayRun(ModelVersion candidate, String endpoint, ReplayStatus range, boolean suspended) {}

  /** @param degraded the pipeline is on a ShedPolicy level above normal: the rollout holds */
  RolloutStep step(StreamingPipeline pipeline, RolloutStatus before, ModelVersion desired, Long lag, boolean degraded,
      Instant now) {
    String annotation = pipeline.getMetadata().getAnnotations() == null ? null
        : pipeline.getMetadata().getAnnotations().get(RolloutCommand.ANNOTATION);
    boolean fresh = RolloutCommand.fresh(annotation, before == null ? null : before.lastCommand);
    RolloutStep s = decide(pipeline, before, desired, lag, degraded, fresh ? annotation : null, now);
    s.decision().status().lastCommand = annotation;
    return new RolloutStep(s.served(), s.canaryPercent(), s.stable(), s.decision(), s.command(), s.shadowEndpoint(),
        s.analysis(), s.previousPhase(), s.replicaPercent(), fresh ? annotation : null, s.replay());
  }

  /** @param annotation the rollout annotation's value when it is new (its command runs), else null */
  private RolloutStep decide(StreamingPipeline pipeline, RolloutStatus before, ModelVersion desired, Long lag,
      boolean degraded, String annotation, Instant now) {
    String namespace = pipeline.getMetadata().getNamespace();
    String desiredName = desired.getMetadata().getName();
    boolean triton = desired.getSpec().runtime == ServingRuntime.TRITON;
    RolloutSpec spec = pipeline.getSpec().rollout != null ? pipeline.getSpec().rollout : new RolloutSpec();
    RolloutCommand command = RolloutCommand.parse(annotation);
    RolloutCommand consumed = annotation == null ? RolloutCommand.NONE : command;
    ServingRuntime stableRuntime = before == null || before.stable == null ? null
        : world.modelVersion(namespace, before.stable).map(m -> m.getSpec().runtime).orElse(null);
    boolean keySplit = RolloutStateMachine.splitsByKey(pipeline.getSpec(), desired.getSpec().runtime);
    Optional<String> direct = RolloutStateMachine.directReplacement(stableRuntime, desired.getSpec().runtime,
        world.routesInstalled(), keySplit);
    if (direct.isPresent()) {
      RolloutDecision decision = RolloutStateMachine.next(spec, before, new RolloutObservation(desiredName, null, null,
          null, degraded, command, direct.get(), null, lag), now);
      return new RolloutStep(desired, null, desired, decision, RolloutCommand.NONE, null, null, RolloutPhase.Idle, null);
    }
    ServingViews.View view = triton ? ServingViews.triton(world, pipeline, config.defaults(), keySplit)
        : keySplit ? ServingViews.keyed(world, pipeline, config.defaults(),
            before != null && RolloutPhase.Promoting.name().equals(before.phase))
        : ServingViews.kserve(world.inferenceService(pipeline));
    String candidate = before == null ? null : before.candidate;
    boolean shadowing = RolloutStateMachine.shadowing(before);
    Readiness candidateServing = candidate == null ? null : view.candidate(candidate);
    Optional<RolloutObservation.Blocked> noRoom = blocked(pipeline, spec, before, view, triton || keySplit);
    if (noRoom.isPresent()) {
      candidateServing = Readiness.pending(noRoom.get().reason(), noRoom.get().message());
    }
    if (shadowing && candidateServing != null && candidateServing.isReady()) {
      candidateServing = view.candidateUrl(candidate) == null
          ? Readiness.pending("ServingPending", "waiting for the own URL of " + candidate + " for the shadow job")
          : world.shadowJob(pipeline).map(ObjectReadiness::flinkDeployment)
              .orElse(Readiness.pending("JobPending", "the shadow job of " + candidate + " is starting"));
    }
    ReplayObservation replay = null;
    if (RolloutStateMachine.replaying(before) && candidateServing != null && candidateServing.isReady()) {
      if (view.candidateUrl(candidate) == null) {
        candidateServing = Readiness.pending("ServingPending", "waiting for the own URL of " + candidate + " for the replay job");
      } else {
        replay = observeReplay(pipeline, before, degraded);
      }
    }
    Readiness stableServing = view.stable(before == null || before.stable == null ? desiredName : before.stable);
    List<AnalysisResult> analysis = null;
    if (RolloutStateMachine.checkDue(spec, before, now)) {
      String revision = triton ? null : (keySplit ? world.candidateService(pipeline, candidate) : world.inferenceService(pipeline))
          .filter(i -> candidate != null && candidate.equals(i.getMetadata().getLabels().get(Labels.MODEL_VERSION)))
          .map(i -> KServeStatus.revision(i, true)).orElse(null);
      LatencySource.Target target = latencyTarget(pipeline, world.modelVersion(namespace, candidate).orElse(null),
          candidate, revision, RolloutStateMachine.interval(spec));
      LatencySource.Sample latency = config.latency().measure(target);
      String measured = shadowing ? "shadow" : "candidate";
      // a canary's lag is the whole pipeline's (its group), judged against the baseline from before the candidate's
      // traffic; the shadow's is its own group's
      String whose = shadowing ? "shadow" : "pipeline";
      Long measuredLag = shadowing ? world.shadowLag(pipeline) : lag;
      Signals signals = new Signals(measured, measuredLag, previousLag(before, whose), latency.p99LatencyMs(),
          latency.errorRatePercent(), latency.requests(), config.latency().configured(target))
          .withLag(whose, shadowing ? null : LagBaseline.of(before, now));
      // the stable version over the same interval, by the same queries: what the candidate is held against, and whose
      // backlog its own is weighed with. KServe: under a request split the stable version is the last rolled-out
      // revision of the pipeline's InferenceService; under a key split that InferenceService serves only the stable one
      LatencySource.Target stableTarget = shadowing || before == null || before.stable == null ? null
          : latencyTarget(pipeline, world.modelVersion(namespace, before.stable).orElse(null), before.stable,
              triton ? null : world.inferenceService(pipeline).map(i -> KServeStatus.revision(i, keySplit)).orElse(null),
              RolloutStateMachine.interval(spec));
      if (spec.analysis.comparedToStable != null && stableTarget != null) {
        LatencySource.Sample stable = config.latency().measure(stableTarget);
        signals = signals.withStable(new Signals.Stable(stable.p99LatencyMs(), stable.errorRatePercent(), stable.requests()));
      }
      if (keySplit && stableTarget != null && before.weight != null && config.latency().configured(target)) {
        // the job reports each version's own backlog: whose slowness a growing lag is. Within two intervals of the
        // step's start, a side without data is one the job's gauge at this weight has not reached Prometheus for yet
        boolean settling = before.stepStartedAt != null
            && now.isBefore(Instant.parse(before.stepStartedAt).plus(RolloutStateMachine.interval(spec).multipliedBy(2)));
        signals = signals.withBacklog(new Signals.Backlog(config.latency().backlog(target, "candidate"),
            config.latency().backlog(stableTarget, "stable"), before.weight, settling));
      }
      if (shadowing && spec.shadow != null && spec.shadow.minAgreementPercent != null) {
        signals = signals.withAgreement(world.shadowAgreement(pipeline), spec.shadow.minAgreementPercent);
      }
      AnalysisSources sources = new AnalysisSources(shadowing ? JobContract.shadowConsumerGroup(pipeline)
          : JobContract.consumerGroup(pipeline));
      if (config.latency().configured(target)) {
        sources.candidate(target.queries(), target.subject(), target.window());
        if (stableTarget != null) {
          sources.stable(stableTarget.queries(), stableTarget.subject(), stableTarget.window());
        }
      }
      analysis = sources.attach(SloEvaluator.evaluate(pipeline.getSpec().serving.slo, spec.analysis, signals));
    }
    RolloutDecision decision = RolloutStateMachine.next(spec, before, new RolloutObservation(desiredName,
        candidateServing, stableServing, analysis, degraded, command, null, noRoom.orElse(null), lag, replay), now);

    RolloutStatus after = decision.status();
    RolloutPhase previous = RolloutPhase.of(before == null ? null : before.phase);
    ModelVersion stable = world.modelVersion(namespace, after.stable).orElse(desired);
    RolloutPhase phase = RolloutPhase.of(after.phase);
    Optional<ModelVersion> candidateModel = after.candidate == null ? Optional.empty()
        : world.modelVersion(namespace, after.candidate);
    // a rollout that starts in this pass is checked before its candidate is first deployed, too
    Optional<RolloutObservation.Blocked> noRoomNow = before != null
        && java.util.Objects.equals(before.candidate, after.candidate) ? noRoom
        : blocked(pipeline, spec, after, view, triton || keySplit);
    if (noRoomNow.isPresent() && phase.isJudging()) {
      // the candidate is not deployed until the quota has room: no Pending pods, the stable version serves
      return new RolloutStep(stable, null, stable, decision, consumed, null, analysis, previous, null);
    }
    if ((phase.isActive() || phase == RolloutPhase.RolledBack) && candidateModel.isPresent()) {
      int weight = after.weight == null ? 0 : after.weight;
      String candidateUrl = view.candidateUrl(candidateModel.get().getMetadata().getName());
      String shadowEndpoint = RolloutStateMachine.shadowing(after) ? candidateUrl : null;
      ReplayRun replayRun = RolloutStateMachine.replayJobWanted(after) && candidateUrl != null
          ? new ReplayRun(candidateModel.get(), candidateUrl, after.replay, degraded || phase == RolloutPhase.Paused)
          : null;
      return new RolloutStep(candidateModel.get(), weight, stable, decision, consumed, shadowEndpoint, analysis,
          previous, RolloutStateMachine.replicaPercent(spec, after), null, replayRun);
    }
    return new RolloutStep(stable, null, stable, decision, consumed, null, analysis, previous, null);
  }

  /**
   * What this pass sees of a replay whose candidate serves: its plan when it is about to start, its job while it runs,
   * the judgement of its records once the job has finished (a paused or degraded replay is neither planned nor judged).
   */
  private ReplayObservation observeReplay(StreamingPipeline pipeline, RolloutStatus before, boolean degraded) {
    if (!RolloutPhase.Replaying.name().equals(before.phase)) {
      return null; // paused
    }
    if (before.replay == null) {
      return world.planReplay(pipeline, Instant.now());
    }
    if (before.replay.finishedAt != null) {
      return null;
    }
    Optional<GenericKubernetesResource> job = world.replayJob(pipeline);
    if (!degraded && job.isPresent() && ObjectReadiness.finished(job.get())) {
      ReplayObservation judged = world.judgeReplay(pipeline, before);
      return judged != null ? judged : ReplayObservation.running(Readiness.pending("ReplayUnreadable",
          "the replay job of " + before.candidate + " has finished; its records could not be read yet"));
    }
    return ReplayObservation.running(job.map(ObjectReadiness::flinkDeployment)
        .orElse(Readiness.pending("JobPending", "the replay job of " + before.candidate + " is starting")));
  }

  /**
   * Before a candidate is first deployed: whether it can be. A canary split by KServe needs Knative revisions
   * (Serverless mode); a candidate with GPUs needs the namespace's GPU quota to leave room for the replicas it starts
   * with (all of them in shadow, the first step's share in a canary).
   */
  private Optional<RolloutObservation.Blocked> blocked(StreamingPipeline pipeline, RolloutSpec spec, RolloutStatus rollout,
      ServingViews.View view, boolean splitOutsideKserve) {
    if (rollout == null || rollout.candidate == null || !RolloutPhase.of(rollout.phase).isJudging()
        || rollout.stepStartedAt != null || view.deployed(rollout.candidate)) {
      return Optional.empty();
    }
    if (!splitOutsideKserve) {
      // a request split in KServe needs Knative revisions: in RawDeployment mode the weight would be ignored
      Optional<String> unsplittable = world.inferenceService(pipeline).map(KServeStatus::requestSplitUnavailable);
      if (unsplittable.isPresent()) {
        return Optional.of(new RolloutObservation.Blocked("CanarySplitUnavailable", unsplittable.get()));
      }
    }
    Optional<ModelVersion> candidate = world.modelVersion(pipeline.getMetadata().getNamespace(), rollout.candidate);
    if (candidate.isEmpty() || candidate.get().getSpec().resources == null
        || candidate.get().getSpec().resources.gpu == null || candidate.get().getSpec().resources.gpu <= 0) {
      return Optional.empty();
    }
    var mv = candidate.get().getSpec();
    Integer share = RolloutPhase.Shadowing.name().equals(rollout.phase) || RolloutPhase.Replaying.name().equals(rollout.phase) ? null : RolloutStateMachine.steps(spec).get(0);
    int needed = mv.resources.gpu * InferenceServiceModel.share(mv.minReplicas, share);
    return GpuQuota.shortfall(world.resourceQuotas(pipeline.getMetadata().getNamespace()), needed, rollout.candidate)
        .map(why -> new RolloutObservation.Blocked("GpuQuotaExceeded", why));
  }

  /** After the status is written: the decision's Events and metrics, and a manual command consumed. */
  void after(StreamingPipeline pipeline, RolloutStep step) {
    String namespace = pipeline.getMetadata().getNamespace();
    String name = pipeline.getMetadata().getName();
    RolloutStatus after = step.decision().status();
    config.metrics().rollout(namespace, name, after);
    if (step.analysis() != null) {
      config.metrics().checked(namespace, name, step.analysis());
    }
    if (RolloutPhase.RollingBack.name().equals(after.phase) && step.previousPhase() != RolloutPhase.RollingBack) {
      config.metrics().rolledBack(namespace, name, after.rollbackReason);
    }
    for (RolloutDecision.Event e : step.decision().events()) {
      LOG.info("pipeline {}/{} rollout: {} {}", pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
          e.reason(), e.message());
      events.record(pipeline, e.warning(), e.reason(), e.message());
    }
    String annotation = step.freshCommand();
    if (annotation != null && step.command() == RolloutCommand.NONE) {
      events.warning(pipeline, "UnknownRolloutCommand", "annotation " + RolloutCommand.ANNOTATION + "=" + annotation
          + " is not promote, abort, retry or approve (an id after ':' or '/' repeats one, as in retry:2); nothing was done");
    }
  }

  /**
   * Latency and errors of one version of the pipeline over a window, by the queries its rollout analysis names.
   * The model and version are the ModelVersion's modelName and version, which is what the model server reports
   * with each answer; a ModelVersion that cannot be read is asked for by its name (and has no data).
   */
  static LatencySource.Target latencyTarget(StreamingPipeline pipeline, ModelVersion model, String name, String revision,
      java.time.Duration window) {
    RolloutSpec spec = pipeline.getSpec().rollout != null ? pipeline.getSpec().rollout : new RolloutSpec();
    var prometheus = spec.analysis.prometheus;
    LatencyQueries queries = prometheus == null ? LatencyQueries.DEFAULT : preset(prometheus.preset).overriddenBy(
        prometheus.p99LatencyQuery, prometheus.errorRateQuery, prometheus.requestsQuery);
    LatencyQueries.Subject subject = new LatencyQueries.Subject(pipeline.getMetadata().getNamespace(),
        pipeline.getMetadata().getName(), model == null ? name : model.getSpec().modelName,
        model == null ? name : model.getSpec().version, name, revision);
    return new LatencySource.Target(subject, prometheus == null ? null : prometheus.source,
        prometheus == null ? null : prometheus.address, queries, window);
  }

  private static LatencyQueries preset(dev.slipstream.api.v1alpha1.PrometheusSpec.Preset preset) {
    return switch (preset == null ? dev.slipstream.api.v1alpha1.PrometheusSpec.Preset.job : preset) {
      case triton -> LatencyQueries.TRITON_PRESET;
      case kserve -> LatencyQueries.KSERVE_PRESET;
      case job -> LatencyQueries.DEFAULT;
    };
  }

  /** The lag the last check measured for the same target (shadow and canary lags are different groups'). */
  private static Long previousLag(RolloutStatus before, String target) {
    if (before == null || before.lastAnalysis == null) {
      return null;
    }
    return before.lastAnalysis.stream().filter(r -> SloEvaluator.CONSUMER_LAG.equals(r.metric) && r.value != null
            && target.equals(r.target))
        .map(r -> Math.round(r.value)).findFirst().orElse(null);
  }
}
