package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.common.OwnedWriter;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.model.InferenceServiceModel;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.model.Labels;
import dev.slipstream.core.model.ThirdPartyKinds;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The informers of the pipeline controller and the lookups through their indexes: the objects a pipeline owns
 * (one {@link OwnedObjects} per kind, absent when its CRD is not installed) and the ModelVersions and ShedPolicies
 * it names. Lookups go through indexes, never a scan of a whole cache.
 */
final class PipelineCaches {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineCaches.class);

  private final List<EventSource<?, StreamingPipeline>> sources;
  final OwnedObjects<GenericKubernetesResource> inferenceServices;
  final OwnedObjects<GenericKubernetesResource> flinkDeployments;
  final OwnedObjects<GenericKubernetesResource> kafkaTopics;
  final OwnedObjects<GenericKubernetesResource> httpRoutes;
  final OwnedObjects<GenericKubernetesResource> scaledObjects;
  final OwnedObjects<GenericKubernetesResource> podMonitors;
  final OwnedObjects<Deployment> deployments;
  final OwnedObjects<Service> services;
  final OwnedObjects<ConfigMap> configMaps;
  private final Lookup<ModelVersion> modelVersions;
  private final Lookup<ShedPolicy> shedPolicies;
  private final Topics.Readers topicReaders;
  private final Topics.Readers groupUsers;

  /** Objects a pipeline names, by namespace and name. */
  interface Lookup<R> {
    Optional<R> get(String namespace, String name);
  }

  /** @param sources the informers behind these, to register with the controller */
  PipelineCaches(OwnedObjects<GenericKubernetesResource> inferenceServices,
      OwnedObjects<GenericKubernetesResource> flinkDeployments, OwnedObjects<GenericKubernetesResource> kafkaTopics,
      OwnedObjects<GenericKubernetesResource> httpRoutes, OwnedObjects<GenericKubernetesResource> scaledObjects,
      OwnedObjects<GenericKubernetesResource> podMonitors, OwnedObjects<Deployment> deployments, OwnedObjects<Service> services, OwnedObjects<ConfigMap> configMaps,
      Lookup<ModelVersion> modelVersions, Lookup<ShedPolicy> shedPolicies, Topics.Readers topicReaders,
      Topics.Readers groupUsers, List<EventSource<?, StreamingPipeline>> sources) {
    this.inferenceServices = inferenceServices;
    this.flinkDeployments = flinkDeployments;
    this.kafkaTopics = kafkaTopics;
    this.httpRoutes = httpRoutes;
    this.scaledObjects = scaledObjects;
    this.podMonitors = podMonitors;
    this.deployments = deployments;
    this.services = services;
    this.configMaps = configMaps;
    this.modelVersions = modelVersions;
    this.shedPolicies = shedPolicies;
    this.topicReaders = topicReaders;
    this.groupUsers = groupUsers;
    this.sources = List.copyOf(sources);
  }

  /** The informers of a running controller: one per owned kind whose CRD is installed, one per referenced kind. */
  static PipelineCaches informed(KubernetesClient client, Set<ThirdPartyKinds> installed,
      EventSourceContext<StreamingPipeline> context) {
    return new Informers(client, installed, context).caches();
  }

  /** The event sources to register with the controller, one per informer. */
  List<EventSource<?, StreamingPipeline>> sources() {
    return sources;
  }

  /** The third-party kinds whose CRD may come or go while the operator runs. */
  List<ThirdPartyObjects> thirdParty() {
    return java.util.stream.Stream.of(inferenceServices, flinkDeployments, kafkaTopics, httpRoutes, scaledObjects,
            podMonitors)
        .filter(ThirdPartyObjects.class::isInstance).map(ThirdPartyObjects.class::cast).toList();
  }

  /** The pipeline's own InferenceService (KServe), named after it. */
  Optional<GenericKubernetesResource> inferenceService(StreamingPipeline pipeline) {
    return inferenceServices.get(pipeline, InferenceServiceModel.name(pipeline));
  }

  /** Other pipelines that declare the topic, found through an index of every watched pipeline's topics. */
  List<String> topicReaders(StreamingPipeline self, String topic) {
    return topicReaders.of(self, topic);
  }

  /**
   * An older pipeline (created first; by name when created in the same second) whose job uses the same consumer
   * group, as namespace/name; the newer one is refused and the older keeps running.
   */
  Optional<String> olderInConsumerGroup(StreamingPipeline pipeline) {
    return groupUsers.of(pipeline, JobContract.consumerGroup(pipeline)).stream().findFirst();
  }

  Optional<ModelVersion> modelVersion(String namespace, String name) {
    return name == null ? Optional.empty() : modelVersions.get(namespace, name);
  }

  Optional<ShedPolicy> shedPolicy(String namespace, String name) {
    return name == null ? Optional.empty() : shedPolicies.get(namespace, name);
  }

  /** Builds the informers, in the order they are registered. */
  private static final class Informers {
    private final KubernetesClient client;
    private final Set<ThirdPartyKinds> installed;
    private final EventSourceContext<StreamingPipeline> context;
    private final OwnedWriter writer;
    private final List<EventSource<?, StreamingPipeline>> sources = new ArrayList<>();

    Informers(KubernetesClient client, Set<ThirdPartyKinds> installed, EventSourceContext<StreamingPipeline> context) {
      this.client = client;
      this.installed = installed;
      this.context = context;
      this.writer = new OwnedWriter(client);
    }

    PipelineCaches caches() {
      var isvc = ownedThirdParty(ThirdPartyKinds.INFERENCE_SERVICE);
      var flink = ownedThirdParty(ThirdPartyKinds.FLINK_DEPLOYMENT);
      var topics = ownedThirdParty(ThirdPartyKinds.KAFKA_TOPIC);
      var routes = ownedThirdParty(ThirdPartyKinds.HTTP_ROUTE);
      var scaled = ownedThirdParty(ThirdPartyKinds.SCALED_OBJECT);
      var monitors = ownedThirdParty(ThirdPartyKinds.POD_MONITOR);
      var deployments = owned(Deployment.class, "deployments");
      var services = owned(Service.class, "services");
      var configMaps = owned(ConfigMap.class, "configmaps");
      // a pipeline reads a ModelVersion's spec and metadata, never its status (which says which pipelines serve it):
      // a status write of the ModelVersion reconciler is no reason to reconcile the pipelines naming it
      var modelVersions = referenced(ModelVersion.class, "modelversions",
          p -> p.getSpec().serving == null || p.getSpec().serving.modelVersionRef == null ? null : p.getSpec().serving.modelVersionRef.name,
          PipelineCaches::beyondStatus);
      // a ShedPolicy's status (Ready: its ladder valid) is read: every change counts
      var shedPolicies = referenced(ShedPolicy.class, "shedpolicies",
          p -> p.getSpec().serving == null || p.getSpec().serving.shedPolicyRef == null ? null : p.getSpec().serving.shedPolicyRef.name,
          (changed, before) -> true);
      return new PipelineCaches(isvc, flink, topics, routes, scaled, monitors, deployments, services, configMaps,
          (namespace, name) -> modelVersions.get(new ResourceID(name, namespace)),
          (namespace, name) -> shedPolicies.get(new ResourceID(name, namespace)), topicReaders(), groupUsers(), sources);
    }

    /** An index of the pipelines by their job's consumer group; a lookup gives the pipelines older than the one asking. */
    private Topics.Readers groupUsers() {
      String index = "consumer-groups";
      context.getPrimaryCache().addIndexer(index, p -> p.getSpec() == null || p.getSpec().kafka == null
          ? List.of() : List.of(JobContract.consumerGroup(p)));
      Comparator<StreamingPipeline> age = Comparator.comparing((StreamingPipeline p) -> p.getMetadata().getCreationTimestamp(),
          Comparator.nullsLast(Comparator.naturalOrder())).thenComparing(Informers::name);
      return (self, group) -> others(index, group, self).filter(p -> age.compare(p, self) < 0).sorted(age)
          .map(Informers::name).toList();
    }

    /** An index of the pipelines by the topics they declare (by name, whatever the cluster: the safe side). */
    private Topics.Readers topicReaders() {
      String index = "declared-topics";
      context.getPrimaryCache().addIndexer(index, p -> {
        var spec = p.getSpec();
        if (spec == null || spec.topics == null || spec.topics.output == null || spec.topics.inputs == null) {
          return List.of();
        }
        return DesiredTopic.of(p).stream().map(DesiredTopic::name).filter(Objects::nonNull).distinct().toList();
      });
      return (self, topic) -> others(index, topic, self).map(Informers::name).sorted().toList();
    }

    /** The pipelines other than {@code self} under {@code key} in a primary-cache index. */
    private java.util.stream.Stream<StreamingPipeline> others(String index, String key, StreamingPipeline self) {
      ResourceID me = ResourceID.fromResource(self);
      return context.getPrimaryCache().byIndex(index, key).stream().filter(p -> !me.equals(ResourceID.fromResource(p)));
    }

    private static String name(StreamingPipeline p) {
      return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    private OwnedObjects<GenericKubernetesResource> ownedThirdParty(ThirdPartyKinds kind) {
      ThirdPartyObjects objects = new ThirdPartyObjects(kind, writer, client);
      if (!installed.contains(kind)) {
        LOG.warn("{} CRD ({}) is not installed: pipelines that need it report CrdMissing until it is", kind.kind,
            kind.crdName());
        return objects;
      }
      var source = objects.source(context);
      sources.add(source);
      objects.watchedBy(source);
      return objects;
    }

    private <R extends HasMetadata> OwnedObjects<R> owned(Class<R> type, String name) {
      var source = new InformerEventSource<>(InformerEventSourceConfiguration.from(type, StreamingPipeline.class)
          .withName(name)
          .withLabelSelector(Labels.managedSelector())
          .withSecondaryToPrimaryMapper(Mappers.<R>fromOwnerReferences(StreamingPipeline.class))
          .build(), context);
      sources.add(source);
      return new InformedObjects<>(source, null, writer, client);
    }

    /**
     * Objects pipelines refer to by name: a change to one re-reconciles every pipeline that names it, found through
     * an index of the pipelines by the name they refer to (namespace/name), not by testing every pipeline.
     */
    private <R extends HasMetadata> InformerEventSource<R, StreamingPipeline> referenced(Class<R> type, String name,
        Function<StreamingPipeline, String> reference,
        io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter<R> counts) {
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
          .withOnUpdateFilter(counts)
          .build(), context);
      sources.add(source);
      return source;
    }
  }

  /**
   * Whether an update changed more than the status: the generation (the spec), labels, annotations, owners,
   * finalizers or deletion.
   */
  static boolean beyondStatus(HasMetadata changed, HasMetadata before) {
    var a = changed.getMetadata();
    var b = before.getMetadata();
    return !java.util.Objects.equals(a.getGeneration(), b.getGeneration()) || !java.util.Objects.equals(a.getLabels(), b.getLabels())
        || !java.util.Objects.equals(a.getAnnotations(), b.getAnnotations())
        || !java.util.Objects.equals(a.getOwnerReferences(), b.getOwnerReferences())
        || !java.util.Objects.equals(a.getFinalizers(), b.getFinalizers())
        || !java.util.Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp());
  }
}
