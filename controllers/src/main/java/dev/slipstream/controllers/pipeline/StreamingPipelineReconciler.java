package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.controllers.common.EventRecorder;
import dev.slipstream.controllers.common.Finalizers;
import dev.slipstream.controllers.common.HeldStatus;
import dev.slipstream.controllers.common.StatusRecorder;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.rollout.RolloutStateMachine;
import dev.slipstream.core.shed.PolicyStanding;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.core.status.KServeStatus;
import dev.slipstream.core.status.PipelineObservation;
import dev.slipstream.core.status.PipelineStatusDecider;
import dev.slipstream.core.status.Readiness;
import dev.slipstream.core.status.RetryBackoff;
import dev.slipstream.core.status.StatusPacing;
import dev.slipstream.core.topics.TopicCleanup;
import dev.slipstream.core.validation.PipelineValidator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reconciles a StreamingPipeline in a fixed order: validate; observe and act per part (topics, the ShedPolicy's
 * ladder, the rollout, serving with its fallbacks and the control ConfigMap, the Flink job); decide status; record
 * status, then the decisions' Events. Each part is a class of its own; every decision is made in core.
 *
 * <p>Called on every event, deletion included: a pipeline carries the operator's finalizer only when deleting it
 * leaves work to do ({@link TopicCleanup#needsFinalizer}), so the framework's all-or-nothing finalizer is not used.
 */
@ControllerConfiguration(name = "streamingpipeline", triggerReconcilerOnAllEvents = true)
public class StreamingPipelineReconciler implements Reconciler<StreamingPipeline> {
  private final ControllersConfig config;
  private final KubernetesClient client;
  private final StatusRecorder statusRecorder;
  private final EventRecorder events;
  private final PipelineKafka kafka;
  private final Shedding shedding;
  private final ThirdPartyCrds crds;
  private final Notifier notifier;
  private final Finalizers finalizers;
  private final HeldStatus<StreamingPipelineStatus> held = new HeldStatus<>();
  private PipelineCaches caches;
  private Topics topics;
  private Rollouts rollouts;
  private Serving serving;
  private FlinkJob flinkJob;

  public StreamingPipelineReconciler(KubernetesClient client, ControllersConfig config) {
    this.client = client;
    this.config = config;
    this.statusRecorder = new StatusRecorder(client);
    this.events = new EventRecorder(client, config.clock());
    this.kafka = new PipelineKafka(client, config.kafka());
    this.shedding = new Shedding(config, events);
    this.crds = new ThirdPartyCrds(client, config.clock());
    this.notifier = new Notifier(client, config.notifications(), events, config.clock());
    this.finalizers = new Finalizers(client);
  }

  /** The informers exist only once the framework hands over the context; the parts that read them are built here. */
  @Override
  public List<EventSource<?, StreamingPipeline>> prepareEventSources(EventSourceContext<StreamingPipeline> context) {
    caches = PipelineCaches.informed(client, config.installedKinds(), context);
    TopicsShown shown = new TopicsShown();
    topics = new Topics(caches.kafkaTopics, kafka, events, caches::topicReaders, shown);
    rollouts = new Rollouts(client, config, events, new RolloutReads(client, caches, kafka));
    serving = new Serving(caches, config.defaults(), new JobControl(caches.configMaps),
        namespace -> client.resourceQuotas().inNamespace(namespace).list().getItems());
    flinkJob = new FlinkJob(caches.flinkDeployments, caches.podMonitors, config.defaults().podMonitorLabels());
    List<EventSource<?, StreamingPipeline>> sources = new java.util.ArrayList<>(caches.sources());
    sources.add(shown);
    return sources;
  }

  @Override
  public UpdateControl<StreamingPipeline> reconcile(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    if (context.isPrimaryResourceDeleted()) {
      config.metrics().forget(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName());
      held.forget(pipeline.getMetadata().getUid());
      topics.retained(pipeline);
      return UpdateControl.noUpdate();
    }
    if (pipeline.isMarkedForDeletion()) {
      return delete(pipeline, context);
    }
    if (TopicCleanup.needsFinalizer(pipeline)) {
      finalizers.add(pipeline, TopicCleanup.FINALIZER, context);
    } else {
      finalizers.remove(pipeline, TopicCleanup.FINALIZER, context);
    }
    crds.check(caches.thirdParty(), context.eventSourceRetriever());
    Instant now = config.clock().instant();
    long generation = Optional.ofNullable(pipeline.getMetadata().getGeneration()).orElse(0L);
    StreamingPipelineStatus stored = held.previous(pipeline.getMetadata().getUid(), pipeline.getStatus());
    StreamingPipelineStatus previous = stored == null ? new StreamingPipelineStatus() : stored;
    String namespace = pipeline.getMetadata().getNamespace();
    String name = pipeline.getMetadata().getName();

    // validate: a problem is reported and nothing is touched
    List<String> problems = new java.util.ArrayList<>(PipelineValidator.validate(pipeline));
    var prometheus = pipeline.getSpec() == null || pipeline.getSpec().rollout == null
        || pipeline.getSpec().rollout.analysis == null ? null : pipeline.getSpec().rollout.analysis.prometheus;
    if (problems.isEmpty() && prometheus != null) {
      config.latency().refuses(prometheus.source, prometheus.address).ifPresent(problems::add);
    }
    if (problems.isEmpty()) {
      caches.olderInConsumerGroup(pipeline).ifPresent(older -> problems.add("spec.kafka.consumerGroup '"
          + JobContract.consumerGroup(pipeline) + "' is already used by pipeline " + older + ": two jobs in one group"
          + " split the partitions and each sees only part of the events; choose another group (the older pipeline"
          + " keeps running)"));
    }
    if (!problems.isEmpty()) {
      record(pipeline, previous, PipelineObservation.invalid(problems), generation, now, context);
      return UpdateControl.noUpdate();
    }

    // observe and act, part by part
    var spec = pipeline.getSpec().serving;
    Optional<ModelVersion> model = caches.modelVersion(namespace, spec.modelVersionRef.name);
    Topics.Outcome topicsSeen = topics.reconcile(pipeline, previous.topics,
        caches.flinkDeployments.get(namespace, dev.slipstream.core.model.FlinkDeploymentModel.name(pipeline)).isPresent());
    String policyName = spec.shedPolicyRef == null ? null : spec.shedPolicyRef.name;
    PolicyStanding policy = PolicyStanding.of(policyName, caches.shedPolicy(namespace, policyName).orElse(null),
        spec.modelVersionRef.name);
    // the ladder first: a degraded pipeline holds its rollout, and a rollback in progress holds the ladder
    String servingVersion = RolloutStateMachine.servingVersion(previous.rollout, spec.modelVersionRef.name);
    Shedding.ShedStep ladder = policy.ladder(previous.shed).map(p -> shedding.step(pipeline, p, previous.shed,
        topicsSeen.position(), previous.rollout, servingVersion, caches.modelVersion(namespace, servingVersion).orElse(null),
        caches.inferenceService(pipeline).map(i -> KServeStatus.revision(i, false)).orElse(null),
        policy.hold(), now)).orElse(null);
    Rollouts.RolloutStep rollout = model.map(m -> rollouts.step(pipeline, previous.rollout, m, topicsSeen.lag(),
        ladder != null && ladder.degraded(), now)).orElse(null);
    Serving.Outcome served = serving.reconcile(pipeline, model, rollout, ladder, policy.frozen());
    Shedding.ShedStep shed = served.shed();
    FlinkJob.Outcome job = flinkJob.reconcile(pipeline, rollout == null ? model : Optional.of(rollout.stable()),
        served.endpoint(), topicsSeen.readiness().isReady(),
        rollout == null ? null : rollout.served(), rollout == null ? null : rollout.shadowEndpoint(),
        rollout == null ? null : rollout.replay());

    // decide status, record it, then the Events and metrics of what was decided
    PipelineObservation seen = new PipelineObservation(List.of(), topicsSeen.readiness(), topicsSeen.statuses(),
        served.readiness(), job.readiness(), policy.readiness(), served.model(), served.endpoint(), job.state(),
        JobContract.consumerGroup(pipeline), topicsSeen.lag(),
        rollout == null ? null : rollout.decision().status(), shed == null ? null : shed.decision().status(),
        shed == null ? null : shed.actions().reason()).withKafkaUnavailable(topicsSeen.unreachable());
    Recorded recorded = record(pipeline, previous, seen, generation, now, context);
    StreamingPipelineStatus next = recorded.status();
    config.metrics().consumerLag(namespace, name, topicsSeen.lag());
    Duration soon = recorded.heldFor() == null ? config.resync() : recorded.heldFor();
    if (shed != null) {
      shedding.after(pipeline, shed);
      if (shed.decision().change() != null) {
        notifier.shed(pipeline, shed.decision().change(), shed.decision().status());
      }
      soon = min(soon, shed.decision().requeueAfter());
    } else {
      config.metrics().shedLevel(namespace, name, null);
    }
    if (rollout != null) {
      rollouts.after(pipeline, rollout);
      rollout.decision().events().forEach(e -> notifier.rollout(pipeline, e, rollout.decision().status()));
      soon = min(soon, rollout.decision().requeueAfter());
    }
    return UpdateControl.<StreamingPipeline>noUpdate().rescheduleAfter(min(soon, kafkaRetry(topicsSeen, next, now)));
  }

  /**
   * A pipeline being deleted: with the finalizer, its topics are dealt with as its deletionPolicy says, then the
   * finalizer goes (or the same is tried again later, while Kafka cannot confirm); without one there is nothing to
   * do, and the API server removes it.
   */
  private UpdateControl<StreamingPipeline> delete(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    if (!pipeline.hasFinalizer(TopicCleanup.FINALIZER)) {
      return UpdateControl.noUpdate();
    }
    Optional<Duration> retry = topics.cleanup(pipeline, config.kafkaRetryMin());
    if (retry.isPresent()) {
      return UpdateControl.<StreamingPipeline>noUpdate().rescheduleAfter(retry.get());
    }
    finalizers.remove(pipeline, TopicCleanup.FINALIZER, context);
    return UpdateControl.noUpdate();
  }

  /**
   * Writes the decided status, or holds it back when it is only progress that may wait (StatusPacing), then
   * records the Event its change is worth.
   */
  private Recorded record(StreamingPipeline pipeline, StreamingPipelineStatus previous,
      PipelineObservation seen, long generation, Instant now, Context<StreamingPipeline> context) {
    StreamingPipelineStatus next = PipelineStatusDecider.decide(previous, seen, generation, now);
    String uid = pipeline.getMetadata().getUid();
    Instant since = held.pendingSince(uid, now);
    boolean onlyCreating = seen.waiting() == PipelineObservation.Waiting.ONLY_CREATING;
    Optional<Duration> hold = java.util.Objects.equals(pipeline.getStatus(), next) ? Optional.empty()
        : StatusPacing.neverWritten(pipeline.getStatus())
            ? StatusPacing.firstPipelineStatus(next, seen.waiting(), since, now, config.statusProgressInterval())
            : StatusPacing.pipeline(pipeline.getStatus(), next, held.lastWrite(uid), onlyCreating && held.lastWriteQuiet(uid),
                now, config.statusProgressInterval());
    if (hold.isPresent()) {
      held.hold(uid, next, since, now);
    } else if (statusRecorder.record(pipeline, next, context)) {
      held.written(uid, now, onlyCreating);
    } else {
      held.settled(uid);
    }
    PipelineStatusDecider.readyEvent(previous, next).ifPresent(e -> events.record(pipeline, e.warning(), e.reason(),
        e.message()));
    return new Recorded(next, hold.orElse(null));
  }

  /** The status decided, and how long its write is held back (null: written, or unchanged). */
  private record Recorded(StreamingPipelineStatus status, Duration heldFor) {}

  /**
   * When to look at the topics again: with backoff from how long Kafka has been unreachable, or the topics pending
   * (the condition's transition time, so it survives a restart; pending topics at most every 10 s), else at the
   * resync.
   */
  private Duration kafkaRetry(Topics.Outcome topicsSeen, StreamingPipelineStatus next, Instant now) {
    boolean pending = topicsSeen.readiness().state() == Readiness.State.PENDING;
    if (!topicsSeen.unreachable() && !pending) {
      return config.resync();
    }
    Instant since = Conditions.find(next.conditions, Conditions.TOPICS_READY)
        .map(c -> Instant.parse(c.getLastTransitionTime())).orElse(now);
    return topicsSeen.unreachable() ? RetryBackoff.after(since, now, config.kafkaRetryMin(), config.kafkaRetryMax())
        : RetryBackoff.pending(since, now, config.kafkaRetryMin(), topicsSeen.watched());
  }

  private static Duration min(Duration a, Duration b) {
    return b != null && b.compareTo(a) < 0 ? b : a;
  }
}
