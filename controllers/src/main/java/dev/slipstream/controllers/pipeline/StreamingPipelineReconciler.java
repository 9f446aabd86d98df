package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.KafkaConnection.TopicManagement;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.StreamingPipelineSpec.DeletionPolicy;
import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import dev.slipstream.api.v1alpha1.TopicStatus;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.controllers.common.EventRecorder;
import dev.slipstream.controllers.common.Kinds;
import dev.slipstream.controllers.common.OwnedWriter;
import dev.slipstream.controllers.common.StatusRecorder;
import dev.slipstream.core.model.DesiredServing;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.model.FlinkDeploymentModel;
import dev.slipstream.core.model.JobControlModel;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.model.KafkaTopicModel;
import dev.slipstream.core.model.Labels;
import dev.slipstream.core.model.ScaledObjectModel;
import dev.slipstream.core.model.ServingModel;
import dev.slipstream.core.model.ThirdPartyKinds;
import dev.slipstream.core.model.TritonDeploymentModel;
import dev.slipstream.core.port.KafkaAccess;
import dev.slipstream.core.port.KafkaUnavailableException;
import dev.slipstream.core.port.ConsumerLagSource.Position;
import dev.slipstream.core.port.ObservedTopic;
import dev.slipstream.core.shed.ShedActions;
import dev.slipstream.core.slo.PredictionAgreement;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.core.status.ObjectReadiness;
import dev.slipstream.core.status.PipelineObservation;
import dev.slipstream.core.status.PipelineStatusDecider;
import dev.slipstream.core.status.Readiness;
import dev.slipstream.core.status.RetryBackoff;
import dev.slipstream.core.status.TopicReadiness;
import dev.slipstream.core.topics.TopicPlan;
import dev.slipstream.core.topics.TopicPlanner;
import dev.slipstream.core.validation.ModelVersionValidator;
import dev.slipstream.core.validation.PipelineValidator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a StreamingPipeline into Kafka topics, the serving layer for its ModelVersion and its Flink job,
 * in a fixed order: validate, topics, serving, job, then status. Decisions are made in core; this class
 * observes, acts through the writer and the Kafka port, and records status.
 */
@ControllerConfiguration(name = "streamingpipeline")
public class StreamingPipelineReconciler implements Reconciler<StreamingPipeline>, Cleaner<StreamingPipeline> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingPipelineReconciler.class);
  private static final String POLICY_IN_FORCE = "ShedPolicyReady";
  /** A referenced ShedPolicy that exists but is invalid or not yet validated: what it put in place stays as it is. */
  private static final List<String> FROZEN = List.of("ShedPolicyInvalid", "ShedPolicyValidating");

  private final ControllersConfig config;
  private final KubernetesClient client;
  private final OwnedWriter writer;
  private final StatusRecorder statusRecorder;
  private final EventRecorder events;
  private final Rollouts rollouts;
  private final Shedding shedding;

  private InformerEventSource<GenericKubernetesResource, StreamingPipeline> inferenceServices;
  private InformerEventSource<GenericKubernetesResource, StreamingPipeline> flinkDeployments;
  private InformerEventSource<GenericKubernetesResource, StreamingPipeline> kafkaTopics;
  private InformerEventSource<GenericKubernetesResource, StreamingPipeline> httpRoutes;
  private InformerEventSource<GenericKubernetesResource, StreamingPipeline> scaledObjects;
  private InformerEventSource<Deployment, StreamingPipeline> deployments;
  private InformerEventSource<Service, StreamingPipeline> services;
  private InformerEventSource<ModelVersion, StreamingPipeline> modelVersions;
  private InformerEventSource<ShedPolicy, StreamingPipeline> shedPolicies;
  private InformerEventSource<ConfigMap, StreamingPipeline> configMaps;

  public StreamingPipelineReconciler(KubernetesClient client, ControllersConfig config) {
    this.client = client;
    this.config = config;
    this.writer = new OwnedWriter(client);
    this.statusRecorder = new StatusRecorder(client);
    this.events = new EventRecorder(client, config.clock());
    this.shedding = new Shedding(config, events);
    this.rollouts = new Rollouts(client, config, events, new Rollouts.World() {
      @Override
      public Optional<GenericKubernetesResource> inferenceService(StreamingPipeline pipeline) {
        return StreamingPipelineReconciler.this.inferenceService(pipeline);
      }

      @Override
      public Optional<GenericKubernetesResource> shadowJob(StreamingPipeline pipeline) {
        return flinkDeployments == null ? Optional.empty() : flinkDeployments.get(
            new ResourceID(FlinkDeploymentModel.shadowName(pipeline), pipeline.getMetadata().getNamespace()));
      }

      @Override
      public Optional<ModelVersion> modelVersion(String namespace, String name) {
        return modelVersions.get(new ResourceID(name, namespace));
      }

      @Override
      public Long shadowLag(StreamingPipeline pipeline) {
        return groupPosition(pipeline, JobContract.shadowConsumerGroup(pipeline)).map(Position::lag).orElse(null);
      }

      @Override
      public PredictionAgreement.Agreement shadowAgreement(StreamingPipeline pipeline) {
        var shadow = pipeline.getSpec().rollout.shadow;
        try {
          var cluster = kafkaCluster(pipeline);
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
      public List<io.fabric8.kubernetes.api.model.ResourceQuota> resourceQuotas(String namespace) {
        return client.resourceQuotas().inNamespace(namespace).list().getItems();
      }

      @Override
      public Optional<Deployment> deployment(String namespace, String name) {
        return deployments.get(new ResourceID(name, namespace));
      }

      @Override
      public boolean routesInstalled() {
        return httpRoutes != null;
      }
    });
  }

  @Override
  public List<EventSource<?, StreamingPipeline>> prepareEventSources(EventSourceContext<StreamingPipeline> context) {
    List<EventSource<?, StreamingPipeline>> sources = new ArrayList<>();
    inferenceServices = ownedThirdParty(ThirdPartyKinds.INFERENCE_SERVICE, context, sources);
    flinkDeployments = ownedThirdParty(ThirdPartyKinds.FLINK_DEPLOYMENT, context, sources);
    kafkaTopics = ownedThirdParty(ThirdPartyKinds.KAFKA_TOPIC, context, sources);
    httpRoutes = ownedThirdParty(ThirdPartyKinds.HTTP_ROUTE, context, sources);
    scaledObjects = ownedThirdParty(ThirdPartyKinds.SCALED_OBJECT, context, sources);
    deployments = owned(Deployment.class, "deployments", context, sources);
    services = owned(Service.class, "services", context, sources);
    configMaps = owned(ConfigMap.class, "configmaps", context, sources);
    modelVersions = referenced(ModelVersion.class, "modelversions", context, sources,
        p -> p.getSpec().serving == null || p.getSpec().serving.modelVersionRef == null ? null : p.getSpec().serving.modelVersionRef.name);
    shedPolicies = referenced(ShedPolicy.class, "shedpolicies", context, sources,
        p -> p.getSpec().serving == null || p.getSpec().serving.shedPolicyRef == null ? null : p.getSpec().serving.shedPolicyRef.name);
    return sources;
  }

  @Override
  public UpdateControl<StreamingPipeline> reconcile(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    Instant now = config.clock().instant();
    long generation = Optional.ofNullable(pipeline.getMetadata().getGeneration()).orElse(0L);
    StreamingPipelineStatus previous = pipeline.getStatus() == null ? new StreamingPipelineStatus() : pipeline.getStatus();

    List<String> problems = PipelineValidator.validate(pipeline);
    if (!problems.isEmpty()) {
      record(pipeline, previous, PipelineObservation.invalid(problems), generation, now, context);
      return UpdateControl.noUpdate();
    }

    String namespace = pipeline.getMetadata().getNamespace();
    Optional<ModelVersion> model = modelVersions.get(new ResourceID(pipeline.getSpec().serving.modelVersionRef.name, namespace));
    TopicsOutcome topics = pipeline.getSpec().kafka.topicManagement == TopicManagement.STRIMZI
        ? strimziTopics(pipeline) : adminTopics(pipeline, previous);
    Readiness policyReadiness = shedPolicy(pipeline);
    // the ladder first: a degraded pipeline holds its rollout, and a rollback in progress holds the ladder
    String servingVersion = servingVersion(pipeline, previous);
    Shedding.ShedStep shed = policyInForce(pipeline, policyReadiness, previous).map(p -> shedding.step(pipeline, p,
        previous.shed, topics.position, previous.rollout, servingVersion,
        modelVersions.get(new ResourceID(servingVersion, namespace)).orElse(null),
        inferenceService(pipeline).map(i -> ObjectReadiness.kserveRevision(i, false)).orElse(null),
        POLICY_IN_FORCE.equals(policyReadiness.reason()) ? null
            : policyReadiness.message() + "; the pipeline stays at its level meanwhile",
        now)).orElse(null);
    Long lag = topics.position == null ? null : topics.position.lag();
    Rollouts.RolloutStep rollout = model.map(m -> rollouts.step(pipeline, previous.rollout, m, lag,
        shed != null && shed.degraded(), now)).orElse(null);
    // an invalid or unvalidated policy edit touches nothing the policy put in place (replicas, limits, fallbacks)
    boolean policyFrozen = FROZEN.contains(policyReadiness.reason());
    ServingOutcome serving = serving(pipeline, model, rollout, shed, policyFrozen);
    Optional<ModelVersion> jobModel = rollout == null ? model : Optional.of(rollout.stable());
    JobOutcome job = flinkJob(pipeline, jobModel, serving, topics, rollout);

    PipelineObservation seen = new PipelineObservation(List.of(), topics.readiness, topics.statuses, serving.readiness,
        job.readiness, policyReadiness, serving.model, serving.endpoint, job.state, JobContract.consumerGroup(pipeline), lag,
        rollout == null ? null : rollout.decision().status(), shed == null ? null : shed.decision().status(),
        shed == null ? null : shed.actions().reason());
    StreamingPipelineStatus next = record(pipeline, previous, seen, generation, now, context);
    config.metrics().consumerLag(namespace, pipeline.getMetadata().getName(), lag);
    Duration soon = config.resync();
    if (shed != null) {
      shedding.after(pipeline, shed);
      soon = min(soon, shed.decision().requeueAfter());
    } else {
      config.metrics().shedLevel(namespace, pipeline.getMetadata().getName(), null);
    }
    if (rollout != null) {
      rollouts.after(pipeline, rollout);
      soon = min(soon, rollout.decision().requeueAfter());
    }
    if ("KafkaUnavailable".equals(topics.readiness.reason())) {
      Instant since = Conditions.find(next.conditions, Conditions.TOPICS_READY)
          .map(c -> Instant.parse(c.getLastTransitionTime())).orElse(now);
      soon = min(soon, RetryBackoff.after(since, now, config.kafkaRetryMin(), config.kafkaRetryMax()));
    } else if (topics.readiness.state() == Readiness.State.PENDING) {
      soon = min(soon, config.kafkaRetryMin());
    }
    return UpdateControl.<StreamingPipeline>noUpdate().rescheduleAfter(soon);
  }

  @Override
  public DeleteControl cleanup(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    config.metrics().forget(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName());
    var spec = pipeline.getSpec();
    if (spec == null || spec.kafka == null || spec.topics == null || spec.topics.output == null) {
      return DeleteControl.defaultDelete();
    }
    List<String> names = DesiredTopic.of(pipeline).stream().map(DesiredTopic::name).toList();
    boolean delete = spec.deletionPolicy == DeletionPolicy.Delete;
    if (spec.kafka.topicManagement == TopicManagement.STRIMZI) {
      if (!delete && kafkaTopics != null) {
        // Strimzi deletes the Kafka topic with its KafkaTopic; unmanaged first, so the data stays
        ownedBy(kafkaTopics, pipeline).forEach(kt -> client.genericKubernetesResources(Kinds.context(ThirdPartyKinds.KAFKA_TOPIC))
            .inNamespace(kt.getMetadata().getNamespace()).withName(kt.getMetadata().getName())
            .edit(o -> {
              o.getMetadata().getAnnotations().put(KafkaTopicModel.STRIMZI_MANAGED_ANNOTATION, "false");
              return o;
            }));
      }
      return DeleteControl.defaultDelete();
    }
    if (!delete) {
      LOG.info("pipeline {}/{} deleted; its topics {} are retained (deletionPolicy Retain)",
          pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(), names);
      return DeleteControl.defaultDelete();
    }
    try {
      Secret secret = clientSecret(pipeline).orElse(null);
      config.kafka().connect(KafkaClientProperties.of(pipeline, secret)).topics().delete(names);
      LOG.info("pipeline {}/{} deleted with deletionPolicy Delete; deleted topics {}",
          pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(), names);
      return DeleteControl.defaultDelete();
    } catch (KafkaUnavailableException e) {
      events.warning(pipeline, "KafkaUnavailable", "Cannot delete topics " + names + " yet (deletionPolicy Delete): "
          + e.getMessage() + "; retrying. Remove the finalizer to give up and keep the topics.");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(config.kafkaRetryMin());
    }
  }

  // ---- topics

  /** @param position the pipeline's consumer group on its inputs, or null while unknown */
  private record TopicsOutcome(Readiness readiness, List<TopicStatus> statuses, Position position) {}

  private TopicsOutcome adminTopics(StreamingPipeline pipeline, StreamingPipelineStatus previous) {
    var kafka = pipeline.getSpec().kafka;
    Optional<Secret> secret = clientSecret(pipeline);
    if (kafka.clientSecretRef != null && secret.isEmpty()) {
      return new TopicsOutcome(Readiness.pending("KafkaSecretNotFound", "Secret " + kafka.clientSecretRef.name
          + " named in spec.kafka.clientSecretRef does not exist; create it with the Kafka client properties"),
          previous.topics, null);
    }
    List<DesiredTopic> desired = DesiredTopic.of(pipeline);
    List<String> names = desired.stream().map(DesiredTopic::name).toList();
    try {
      KafkaAccess.KafkaCluster cluster = config.kafka().connect(KafkaClientProperties.of(pipeline, secret.orElse(null)));
      var configKeys = TopicPlanner.configKeys(desired);
      Map<String, ObservedTopic> observed = cluster.topics().describe(names, configKeys);
      TopicPlan plan = TopicPlanner.plan(desired, observed);
      Map<String, String> refused = Map.of();
      if (!plan.isNoop()) {
        LOG.info("pipeline {}/{}: applying topic changes {}", pipeline.getMetadata().getNamespace(),
            pipeline.getMetadata().getName(), plan.actions());
        refused = cluster.topics().apply(plan.actions());
        observed = cluster.topics().describe(names, configKeys);
      }
      List<TopicStatus> statuses = TopicPlanner.status(desired, observed, plan.notes(), refused);
      var inputs = desired.stream().filter(t -> t.role() == DesiredTopic.Role.INPUT).map(DesiredTopic::name).toList();
      Position position = observed.keySet().containsAll(inputs)
          ? cluster.lag().position(JobContract.consumerGroup(pipeline), inputs).orElse(null) : null;
      return new TopicsOutcome(TopicReadiness.of(statuses, !refused.isEmpty()), statuses, position);
    } catch (KafkaUnavailableException e) {
      return new TopicsOutcome(Readiness.pending("KafkaUnavailable", "Kafka at " + kafka.bootstrapServers
          + " is unreachable (" + e.getMessage() + "); retrying with backoff, nothing is deleted"), previous.topics, null);
    }
  }

  private TopicsOutcome strimziTopics(StreamingPipeline pipeline) {
    if (kafkaTopics == null) {
      return new TopicsOutcome(crdMissing(ThirdPartyKinds.KAFKA_TOPIC, "topicManagement strimzi"), List.of(), null);
    }
    List<TopicStatus> statuses = new ArrayList<>();
    List<Readiness> parts = new ArrayList<>();
    for (DesiredTopic topic : DesiredTopic.of(pipeline)) {
      var written = writer.ensure(KafkaTopicModel.from(pipeline, topic), kafkaTopics, Kinds.context(ThirdPartyKinds.KAFKA_TOPIC));
      Readiness r = ObjectReadiness.kafkaTopic(written.object());
      parts.add(r);
      statuses.add(new TopicStatus(topic.name(), topic.role().wireName, r.isReady() ? topic.partitions() : null,
          r.isReady() ? topic.replicationFactor() : null, r.isReady(), r.isReady() ? null : r.message()));
    }
    Readiness readiness = parts.stream().filter(r -> r.state() == Readiness.State.FAILED).findFirst()
        .orElseGet(() -> parts.stream().allMatch(Readiness::isReady)
            ? Readiness.ready("TopicsReady", parts.size() + " KafkaTopics are ready")
            : TopicReadiness.of(statuses, false));
    // Strimzi owns the topics, but the lag is still read from Kafka
    return new TopicsOutcome(readiness, statuses,
        readiness.isReady() ? groupPosition(pipeline, JobContract.consumerGroup(pipeline)).orElse(null) : null);
  }

  /** Where a consumer group of this pipeline stands on its input topics, read from Kafka; empty while unknown. */
  private Optional<Position> groupPosition(StreamingPipeline pipeline, String group) {
    List<String> inputs = pipeline.getSpec().topics.inputs.stream().map(t -> t.name).toList();
    try {
      return kafkaCluster(pipeline).flatMap(cluster -> cluster.lag().position(group, inputs));
    } catch (KafkaUnavailableException e) {
      return Optional.empty();
    }
  }

  /** The pipeline's Kafka cluster, with its client properties; empty while the Secret it names does not exist. */
  private Optional<KafkaAccess.KafkaCluster> kafkaCluster(StreamingPipeline pipeline) {
    Optional<Secret> secret = clientSecret(pipeline);
    if (pipeline.getSpec().kafka.clientSecretRef != null && secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(config.kafka().connect(KafkaClientProperties.of(pipeline, secret.orElse(null))));
  }

  // ---- serving

  private record ServingOutcome(Readiness readiness, String model, String endpoint) {}

  private ServingOutcome serving(StreamingPipeline pipeline, Optional<ModelVersion> found, Rollouts.RolloutStep rollout,
      Shedding.ShedStep shed, boolean frozen) {
    String ref = pipeline.getSpec().serving.modelVersionRef.name;
    if (found.isEmpty()) {
      return new ServingOutcome(Readiness.pending("ModelVersionNotFound", "ModelVersion " + ref
          + " (spec.serving.modelVersionRef) does not exist in namespace " + pipeline.getMetadata().getNamespace()), null, null);
    }
    // outside a rollout the referenced version serves; during one, the candidate at its weight beside the stable
    ModelVersion model = rollout == null ? found.get() : rollout.served();
    String label = rollout == null ? ref + "@" + model.getSpec().version
        : rollout.stable().getMetadata().getName() + "@" + rollout.stable().getSpec().version;
    List<String> problems = ModelVersionValidator.validate(model);
    if (!problems.isEmpty()) {
      return new ServingOutcome(Readiness.failed("ModelVersionInvalid", "ModelVersion " + model.getMetadata().getName()
          + " is invalid: " + String.join("; ", problems)), label, null);
    }
    boolean kserve = model.getSpec().runtime == ServingRuntime.KSERVE;
    if (kserve && inferenceServices == null) {
      return new ServingOutcome(crdMissing(ThirdPartyKinds.INFERENCE_SERVICE, "runtime kserve"), label, null);
    }
    ShedActions actions = shed == null ? ShedActions.NONE : shed.actions();
    ModelVersion servingStable = rollout == null ? model : rollout.stable();
    // a frozen policy's actions come from a spec that is not usable: what runs keeps its replicas and limits
    Integer replicas = frozen ? observedReplicas(pipeline, servingStable, kserve) : scaleOut(pipeline, shed, servingStable, kserve);
    Integer concurrency = frozen ? observedPredictorNumber(pipeline, "containerConcurrency")
        : actions.shed() == null ? null : actions.shed().containerConcurrency;
    DesiredServing desired;
    if (!kserve && httpRoutes != null && rollout != null) {
      // Triton behind an HTTPRoute: both versions side by side during a rollout, all traffic to stable outside one
      ModelVersion stable = rollout.stable();
      boolean candidate = !model.getMetadata().getName().equals(stable.getMetadata().getName());
      List<String> warmNames = rollout.decision().status().warm == null ? List.of() : rollout.decision().status().warm;
      List<ModelVersion> warm = warmNames.stream()
          .map(n -> modelVersions.get(new ResourceID(n, pipeline.getMetadata().getNamespace())))
          .flatMap(Optional::stream).toList();
      desired = TritonDeploymentModel.routed(pipeline, ServingModel.scaledOut(stable, replicas),
          candidate ? model : null, candidate && rollout.canaryPercent() != null ? rollout.canaryPercent() : 0,
          rollout.replicaPercent(), warm, config.defaults());
    } else {
      desired = ServingModel.from(pipeline, model, config.defaults(),
          rollout == null ? null : rollout.canaryPercent(), rollout == null ? null : rollout.replicaPercent(),
          replicas, concurrency);
    }
    Readiness readiness = null;
    for (HasMetadata object : desired.objects()) {
      Readiness seen = ensureServingObject(object);
      if (readiness == null && seen != null) {
        readiness = seen; // the stable version comes first
      }
    }
    if (readiness != null && readiness.isReady()) {
      pruneServing(pipeline, desired);
    }
    if (!frozen) {
      fallbacks(pipeline, shed, desired.endpoint(), model.getSpec().modelName);
    }
    return new ServingOutcome(Objects.requireNonNull(readiness), label, desired.endpoint());
  }

  /**
   * The serving replicas a ShedPolicy's scale-out asks for. With {@code keda: true} on Triton, a KEDA
   * ScaledObject scales the stable version's Deployment on the consumer lag, and the replicas are left as
   * observed (KEDA owns them); otherwise, or where KEDA cannot be used, they are raised by hand and the
   * status says why. Outside a KEDA scale-out no ScaledObject exists.
   */
  private Integer scaleOut(StreamingPipeline pipeline, Shedding.ShedStep shed, ModelVersion stable, boolean kserve) {
    ShedActions actions = shed == null ? ShedActions.NONE : shed.actions();
    String namespace = pipeline.getMetadata().getNamespace();
    Integer replicas = actions.replicas();
    boolean keda = false;
    if (actions.keda()) {
      String why = kserve ? "runtime kserve scales its InferenceService itself"
          : scaledObjects == null ? "the KEDA ScaledObject CRD is not installed"
          : pipeline.getSpec().kafka.clientSecretRef != null ? "KEDA would need a TriggerAuthentication for the Kafka client Secret"
          : null;
      if (why == null) {
        keda = true;
        String target = TritonDeploymentModel.deploymentName(pipeline, stable);
        writer.ensure(ScaledObjectModel.from(pipeline, target, stable.getSpec().minReplicas, actions.replicas(),
            actions.scaleOutLag(), shed.interval().toSeconds()), scaledObjects, Kinds.context(ThirdPartyKinds.SCALED_OBJECT));
        replicas = deployments.get(new ResourceID(target, namespace))
            .map(d -> d.getSpec() == null ? null : d.getSpec().getReplicas()).orElse(null);
      } else {
        shed.decision().status().actions.add("KEDA not used (" + why + "): replicas raised by hand");
      }
    }
    if (!keda && scaledObjects != null) {
      scaledObjects.get(new ResourceID(ScaledObjectModel.name(pipeline), namespace)).ifPresent(o ->
          client.genericKubernetesResources(Kinds.context(ThirdPartyKinds.SCALED_OBJECT)).inNamespace(namespace)
              .withName(o.getMetadata().getName()).delete());
    }
    return replicas;
  }

  /** The replicas the stable version runs now (the Deployment's, or the InferenceService's minimum); null if unknown. */
  private Integer observedReplicas(StreamingPipeline pipeline, ModelVersion stable, boolean kserve) {
    if (kserve) {
      return observedPredictorNumber(pipeline, "minReplicas");
    }
    return deployments.get(new ResourceID(TritonDeploymentModel.deploymentName(pipeline, stable),
        pipeline.getMetadata().getNamespace())).map(d -> d.getSpec() == null ? null : d.getSpec().getReplicas()).orElse(null);
  }

  /** A number the InferenceService's predictor runs with now ({@code spec.predictor.<key>}), or null. */
  private Integer observedPredictorNumber(StreamingPipeline pipeline, String key) {
    return inferenceService(pipeline).map(i -> i.getAdditionalProperties().get("spec"))
        .map(spec -> spec instanceof Map<?, ?> s ? s.get("predictor") : null)
        .map(predictor -> predictor instanceof Map<?, ?> p ? p.get(key) : null)
        .filter(Number.class::isInstance).map(n -> ((Number) n).intValue()).orElse(null);
  }

  /**
   * A ShedPolicy's fallback versions: the one in force and those kept warm are deployed beside the pipeline's
   * serving; the job is steered through the control ConfigMap, to the fallback only once it is ready (until
   * then the status says so and requests keep going to the pipeline's own endpoint). Without a ShedPolicy
   * neither exists.
   */
  private void fallbacks(StreamingPipeline pipeline, Shedding.ShedStep shed, String endpoint, String modelName) {
    String namespace = pipeline.getMetadata().getNamespace();
    Set<String> keep = new HashSet<>();
    if (shed != null) {
      ShedActions actions = shed.actions();
      Set<String> wanted = new java.util.LinkedHashSet<>(actions.warmFallbacks());
      if (actions.fallbackModelVersion() != null) {
        wanted.add(actions.fallbackModelVersion());
      }
      String jobEndpoint = endpoint;
      String jobModel = modelName;
      for (String name : wanted) {
        Optional<ModelVersion> fallback = modelVersions.get(new ResourceID(name, namespace));
        if (fallback.isEmpty() || (fallback.get().getSpec().runtime == ServingRuntime.KSERVE && inferenceServices == null)) {
          continue; // the ShedPolicy reports a missing fallback; the pipeline keeps serving as it is
        }
        DesiredServing desired = ServingModel.fallback(pipeline, fallback.get(), config.defaults());
        Readiness ready = null;
        for (HasMetadata object : desired.objects()) {
          keep.add(object.getKind() + "/" + object.getMetadata().getName());
          Readiness seen = ensureServingObject(object);
          ready = ready == null ? seen : ready;
        }
        if (name.equals(actions.fallbackModelVersion())) {
          if (ready != null && ready.isReady()) {
            jobEndpoint = desired.endpoint();
            jobModel = fallback.get().getSpec().modelName;
          } else {
            shed.decision().status().actions.add("waiting for fallback " + name + " to be ready before sending traffic to it ("
                + (ready == null ? "not created yet" : ready.message()) + ")");
          }
        }
      }
      var status = shed.decision().status();
      writer.ensure(JobControlModel.from(pipeline, shed.level(), status.levelName, actions, jobEndpoint, jobModel),
          configMaps, null);
    } else {
      configMaps.get(new ResourceID(JobControlModel.name(pipeline), namespace))
          .ifPresent(cm -> client.resource(cm).delete());
    }
    Stream.of(inferenceServices, deployments, services).filter(Objects::nonNull)
        .flatMap(source -> ownedBy(source, pipeline).stream())
        .filter(o -> ServingModel.FALLBACK_COMPONENT.equals(o.getMetadata().getLabels().get(Labels.COMPONENT)))
        .filter(o -> !keep.contains(o.getKind() + "/" + o.getMetadata().getName()))
        .forEach(o -> delete(pipeline, o, "no longer a fallback in force or kept warm"));
  }

  /** Creates or updates one serving object; returns its readiness for the kinds that have one. */
  private Readiness ensureServingObject(HasMetadata object) {
    if (object instanceof GenericKubernetesResource generic && ThirdPartyKinds.HTTP_ROUTE.kind.equals(generic.getKind())) {
      writer.ensure(generic, httpRoutes, Kinds.context(ThirdPartyKinds.HTTP_ROUTE));
    } else if (object instanceof GenericKubernetesResource isvc) {
      return ObjectReadiness.inferenceService(
          writer.ensure(isvc, inferenceServices, Kinds.context(ThirdPartyKinds.INFERENCE_SERVICE)).object());
    } else if (object instanceof Deployment deployment) {
      return ObjectReadiness.deployment(writer.ensure(deployment, deployments, null).object());
    } else if (object instanceof Service service) {
      writer.ensure(service, services, null);
    }
    return null;
  }

  private void delete(StreamingPipeline pipeline, HasMetadata o, String why) {
    LOG.info("pipeline {}/{}: deleting {} {}, {}", pipeline.getMetadata().getNamespace(),
        pipeline.getMetadata().getName(), o.getKind(), o.getMetadata().getName(), why);
    if (o instanceof GenericKubernetesResource) {
      client.genericKubernetesResources(Kinds.context(ThirdPartyKinds.INFERENCE_SERVICE))
          .inNamespace(o.getMetadata().getNamespace()).withName(o.getMetadata().getName()).delete();
    } else {
      client.resource(o).delete();
    }
  }

  /** Serving objects of an earlier version or runtime go once the current one serves. */
  private void pruneServing(StreamingPipeline pipeline, DesiredServing desired) {
    Set<String> keep = desired.objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).collect(Collectors.toSet());
    Stream.of(inferenceServices, deployments, services).filter(Objects::nonNull)
        .flatMap(source -> ownedBy(source, pipeline).stream())
        .filter(o -> "serving".equals(o.getMetadata().getLabels().get(Labels.COMPONENT)))
        .filter(o -> !keep.contains(o.getKind() + "/" + o.getMetadata().getName()))
        .forEach(o -> delete(pipeline, o, "no longer serving"));
  }

  // ---- the Flink job

  private record JobOutcome(Readiness readiness, String state) {}

  /** The candidate's shadow job exists exactly while the rollout shadows it; it is removed, its topic kept. */
  private void shadowJob(StreamingPipeline pipeline, Rollouts.RolloutStep rollout) {
    if (rollout != null && rollout.shadowEndpoint() != null) {
      writer.ensure(FlinkDeploymentModel.shadow(pipeline, rollout.served(), rollout.shadowEndpoint()),
          flinkDeployments, Kinds.context(ThirdPartyKinds.FLINK_DEPLOYMENT));
      return;
    }
    flinkDeployments.get(new ResourceID(FlinkDeploymentModel.shadowName(pipeline), pipeline.getMetadata().getNamespace()))
        .ifPresent(shadow -> {
          LOG.info("pipeline {}/{}: the shadow run is over; deleting FlinkDeployment {}", pipeline.getMetadata().getNamespace(),
              pipeline.getMetadata().getName(), shadow.getMetadata().getName());
          client.genericKubernetesResources(Kinds.context(ThirdPartyKinds.FLINK_DEPLOYMENT))
              .inNamespace(shadow.getMetadata().getNamespace()).withName(shadow.getMetadata().getName()).delete();
        });
  }

  private JobOutcome flinkJob(StreamingPipeline pipeline, Optional<ModelVersion> model, ServingOutcome serving,
      TopicsOutcome topics, Rollouts.RolloutStep rollout) {
    if (flinkDeployments == null) {
      return new JobOutcome(crdMissing(ThirdPartyKinds.FLINK_DEPLOYMENT, "the pipeline's Flink job"), null);
    }
    Optional<GenericKubernetesResource> existing = flinkDeployments.get(
        new ResourceID(FlinkDeploymentModel.name(pipeline), pipeline.getMetadata().getNamespace()));
    boolean canWrite = serving.endpoint() != null && model.isPresent() && topics.readiness.isReady();
    if (!canWrite) {
      if (existing.isPresent()) {
        // a running job keeps running while Kafka or the model is away; it is updated when they are back
        Readiness r = ObjectReadiness.flinkDeployment(existing.get());
        return new JobOutcome(r, ObjectReadiness.jobState(existing.get()));
      }
      return new JobOutcome(Readiness.pending("JobPending",
          "the Flink job starts once the topics are ready and the ModelVersion is known"), null);
    }
    var written = writer.ensure(FlinkDeploymentModel.from(pipeline, model.get(), serving.endpoint()),
        flinkDeployments, Kinds.context(ThirdPartyKinds.FLINK_DEPLOYMENT));
    shadowJob(pipeline, rollout);
    return new JobOutcome(ObjectReadiness.flinkDeployment(written.object()), ObjectReadiness.jobState(written.object()));
  }

  /**
   * The referenced ShedPolicy when it is in force: it exists and is valid; or it became invalid while the
   * pipeline was on its ladder, which then stays where it is (an invalid edit does not touch what runs).
   */
  private Optional<ShedPolicy> policyInForce(StreamingPipeline pipeline, Readiness policyReadiness,
      StreamingPipelineStatus previous) {
    var ref = pipeline.getSpec().serving.shedPolicyRef;
    boolean usable = POLICY_IN_FORCE.equals(policyReadiness.reason());
    boolean frozen = FROZEN.contains(policyReadiness.reason())
        && previous.shed != null
        && ref != null && ref.name.equals(previous.shed.policy);
    if (ref == null || !(usable || frozen)) {
      return Optional.empty();
    }
    return shedPolicies.get(new ResourceID(ref.name, pipeline.getMetadata().getNamespace()))
        .filter(p -> p.getSpec() != null && p.getSpec().levels != null && !p.getSpec().levels.isEmpty());
  }

  /** The version serving real traffic: the rollout's stable one, else the one the spec names. */
  private static String servingVersion(StreamingPipeline pipeline, StreamingPipelineStatus previous) {
    return previous.rollout != null && previous.rollout.stable != null ? previous.rollout.stable
        : pipeline.getSpec().serving.modelVersionRef.name;
  }

  private Readiness shedPolicy(StreamingPipeline pipeline) {
    var ref = pipeline.getSpec().serving.shedPolicyRef;
    if (ref == null) {
      return Readiness.ready("NoShedPolicy", "no ShedPolicy referenced");
    }
    Optional<ShedPolicy> policy = shedPolicies.get(new ResourceID(ref.name, pipeline.getMetadata().getNamespace()));
    if (policy.isEmpty()) {
      return Readiness.pending("ShedPolicyNotFound", "ShedPolicy " + ref.name
          + " (spec.serving.shedPolicyRef) does not exist; without it the pipeline has no degradation policy");
    }
    var status = policy.get().getStatus();
    var ready = status == null ? Optional.<io.fabric8.kubernetes.api.model.Condition>empty()
        : Conditions.find(status.conditions, Conditions.READY);
    if (ready.isPresent() && "False".equals(ready.get().getStatus())) {
      return Readiness.failed("ShedPolicyInvalid", "ShedPolicy " + ref.name + " is not usable: " + ready.get().getMessage());
    }
    if (ready.isPresent() && !Objects.equals(status.observedGeneration, policy.get().getMetadata().getGeneration())) {
      // an edit not validated yet is not applied: a pipeline on the ladder stays where it is until it is
      return Readiness.ready("ShedPolicyValidating", "ShedPolicy " + ref.name + " changed and is being validated");
    }
    return Readiness.ready(POLICY_IN_FORCE, "ShedPolicy " + ref.name + " is in force");
  }

  // ---- status

  private StreamingPipelineStatus record(StreamingPipeline pipeline, StreamingPipelineStatus previous,
      PipelineObservation seen, long generation, Instant now, Context<StreamingPipeline> context) {
    StreamingPipelineStatus next = PipelineStatusDecider.decide(previous, seen, generation, now);
    var before = Conditions.find(previous.conditions, Conditions.READY);
    var after = Conditions.find(next.conditions, Conditions.READY).orElseThrow();
    boolean readyChanged = before.isEmpty() || !before.get().getStatus().equals(after.getStatus())
        || !before.get().getReason().equals(after.getReason());
    statusRecorder.record(pipeline, next, context);
    if (readyChanged) {
      if ("True".equals(after.getStatus())) {
        events.normal(pipeline, after.getReason(), after.getMessage());
      } else if ("Failed".equals(next.phase) || "Degraded".equals(next.phase)) {
        events.warning(pipeline, after.getReason(), after.getMessage());
      } else {
        events.normal(pipeline, after.getReason(), after.getMessage());
      }
    }
    return next;
  }

  // ---- helpers

  private Optional<GenericKubernetesResource> inferenceService(StreamingPipeline pipeline) {
    return inferenceServices == null ? Optional.empty() : inferenceServices.get(
        new ResourceID(dev.slipstream.core.model.InferenceServiceModel.name(pipeline), pipeline.getMetadata().getNamespace()));
  }

  private Optional<Secret> clientSecret(StreamingPipeline pipeline) {
    var ref = pipeline.getSpec().kafka.clientSecretRef;
    if (ref == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(client.secrets().inNamespace(pipeline.getMetadata().getNamespace()).withName(ref.name).get());
  }

  private Readiness crdMissing(ThirdPartyKinds kind, String neededFor) {
    return Readiness.failed("CrdMissing", neededFor + " needs the " + kind.kind + " CRD (" + kind.crdName()
        + "), which is not installed in this cluster; install it and restart the operator");
  }

  /**
   * The objects of {@code source} that {@code pipeline} owns, by name: looked up in the source's index of owners
   * (a scan of the whole cache per reconcile made a fan-out quadratic), then checked against the pipeline's uid.
   */
  private static <R extends HasMetadata> List<R> ownedBy(InformerEventSource<R, StreamingPipeline> source, StreamingPipeline pipeline) {
    String uid = pipeline.getMetadata().getUid();
    return source.getSecondaryResources(pipeline).stream()
        .filter(o -> o.getMetadata().getOwnerReferences().stream().anyMatch(r -> Objects.equals(uid, r.getUid())))
        .sorted(java.util.Comparator.comparing((R o) -> o.getMetadata().getName()))
        .toList();
  }

  private static Duration min(Duration a, Duration b) {
    return b != null && b.compareTo(a) < 0 ? b : a;
  }

  private InformerEventSource<GenericKubernetesResource, StreamingPipeline> ownedThirdParty(ThirdPartyKinds kind,
      EventSourceContext<StreamingPipeline> context, List<EventSource<?, StreamingPipeline>> sources) {
    if (!config.installedKinds().contains(kind)) {
      LOG.warn("{} CRD ({}) is not installed: pipelines that need it will report CrdMissing", kind.kind, kind.crdName());
      return null;
    }
    var source = new InformerEventSource<>(Kinds.informer(kind, StreamingPipeline.class)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(StreamingPipeline.class)).build(), context);
    sources.add(source);
    return source;
  }

  private static <R extends HasMetadata> InformerEventSource<R, StreamingPipeline> owned(Class<R> type, String name,
      EventSourceContext<StreamingPipeline> context, List<EventSource<?, StreamingPipeline>> sources) {
    var source = new InformerEventSource<>(InformerEventSourceConfiguration.from(type, StreamingPipeline.class)
        .withName(name)
        .withLabelSelector(Labels.managedSelector())
        .withSecondaryToPrimaryMapper(Mappers.<R>fromOwnerReferences(StreamingPipeline.class))
        .build(), context);
    sources.add(source);
    return source;
  }

  /**
   * Objects pipelines refer to by name: a change to one re-reconciles every pipeline that names it, found through
   * an index of the pipelines by the name they refer to (namespace/name), not by testing every pipeline.
   */
  private static <R extends HasMetadata> InformerEventSource<R, StreamingPipeline> referenced(Class<R> type, String name,
      EventSourceContext<StreamingPipeline> context, List<EventSource<?, StreamingPipeline>> sources,
      Function<StreamingPipeline, String> reference) {
    String index = "references-" + name;
    context.getPrimaryCache().addIndexer(index, p -> {
      String referenced = p.getSpec() == null ? null : reference.apply(p);
      return referenced == null ? List.of() : List.of(p.getMetadata().getNamespace() + "/" + referenced);
    });
    var source = new InformerEventSource<>(InformerEventSourceConfiguration.from(type, StreamingPipeline.class)
        .withName(name)
        .withSecondaryToPrimaryMapper((R object) -> context.getPrimaryCache()
            .byIndex(index, object.getMetadata().getNamespace() + "/" + object.getMetadata().getName()).stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toCollection(HashSet::new)))
        .build(), context);
    sources.add(source);
    return source;
  }
}
