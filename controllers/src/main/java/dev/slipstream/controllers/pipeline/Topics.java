package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.KafkaConnection.TopicManagement;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.StreamingPipelineSpec;
import dev.slipstream.api.v1alpha1.StreamingPipelineSpec.DeletionPolicy;
import dev.slipstream.api.v1alpha1.TopicStatus;
import dev.slipstream.controllers.common.EventRecorder;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.core.model.KafkaTopicModel;
import dev.slipstream.core.model.ThirdPartyKinds;
import dev.slipstream.core.port.ConsumerLagSource.Position;
import dev.slipstream.core.port.KafkaAccess;
import dev.slipstream.core.port.KafkaUnavailableException;
import dev.slipstream.core.port.ObservedTopic;
import dev.slipstream.core.port.TopicAction;
import dev.slipstream.core.status.ObjectReadiness;
import dev.slipstream.core.status.Readiness;
import dev.slipstream.core.status.TopicReadiness;
import dev.slipstream.core.topics.LostTopic;
import dev.slipstream.core.topics.TopicCleanup;
import dev.slipstream.core.topics.TopicPlan;
import dev.slipstream.core.topics.TopicPlanner;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's Kafka topics, in either mode: created and configured through the AdminClient port, or declared as
 * Strimzi KafkaTopics; and where the job's consumer group stands on its inputs. On deletion, the topics go only
 * under {@code deletionPolicy: Delete}.
 */
final class Topics {
  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
  private final OwnedObjects<GenericKubernetesResource> kafkaTopics;
  private final PipelineKafka kafka;
  private final EventRecorder events;
  private final Readers readers;
  private final TopicsShown shown;

  /** Other pipelines, in any namespace the operator watches, that declare a topic (by name, in any role). */
  interface Readers {
    /** @return the other pipelines as namespace/name */
    List<String> of(StreamingPipeline self, String topic);
  }

  /** @param shown reconciles a pipeline when the topics it waits for show */
  Topics(OwnedObjects<GenericKubernetesResource> kafkaTopics, PipelineKafka kafka, EventRecorder events, Readers readers,
      TopicsShown shown) {
    this.kafkaTopics = kafkaTopics;
    this.kafka = kafka;
    this.events = events;
    this.readers = readers;
    this.shown = shown;
  }

  /**
   * @param statuses the topics as they exist (kept from before while Kafka is unreachable)
   * @param position the pipeline's consumer group on its inputs, or null while unknown
   * @param unreachable Kafka could not be reached: the pipeline retries with backoff
   * @param watched topics it created are not shown yet, and the gateway will reconcile the pipeline when they are
   *     (its next look is then only a fallback)
   */
  record Outcome(Readiness readiness, List<TopicStatus> statuses, Position position, boolean unreachable, boolean watched) {
    Outcome(Readiness readiness, List<TopicStatus> statuses, Position position) {
      this(readiness, statuses, position, false, false);
    }

    Long lag() {
      return position == null ? null : position.lag();
    }
  }

  /**
   * @param previous the topics the last status reported, kept while Kafka cannot be read
   * @param jobCreated whether the pipeline's job exists: before it does, its consumer group's position is not read
   *     (no decision waits on it, and while thousands of pipelines are created the reads load the broker that is
   *     creating their topics)
   */
  Outcome reconcile(StreamingPipeline pipeline, List<TopicStatus> previous, boolean jobCreated) {
    return pipeline.getSpec().kafka.topicManagement == TopicManagement.STRIMZI ? strimzi(pipeline, jobCreated)
        : admin(pipeline, previous, jobCreated);
  }

  private Outcome admin(StreamingPipeline pipeline, List<TopicStatus> previous, boolean jobCreated) {
    var spec = pipeline.getSpec().kafka;
    List<DesiredTopic> desired = DesiredTopic.of(pipeline);
    List<String> names = desired.stream().map(DesiredTopic::name).toList();
    try {
      Optional<Secret> secret = kafka.clientSecret(pipeline);
      if (kafka.secretMissing(pipeline, secret)) {
        return new Outcome(Readiness.pending("KafkaSecretNotFound", "Secret " + spec.clientSecretRef.name
            + " named in spec.kafka.clientSecretRef does not exist; create it with the Kafka client properties"),
            previous, null);
      }
      KafkaAccess.KafkaCluster cluster = kafka.connect(pipeline, secret);
      var configKeys = TopicPlanner.configKeys(desired);
      Map<String, ObservedTopic> observed = cluster.topics().describe(names, configKeys);
      var known = TopicPlanner.KnownTopic.of(previous);
      TopicPlan plan = TopicPlanner.plan(desired, observed, known,
          pipeline.getSpec().lostTopicPolicy == StreamingPipelineSpec.LostTopicPolicy.Recreate);
      reportRecreated(pipeline, plan);
      Map<String, String> refused = Map.of();
      if (!plan.isNoop()) {
        LOG.info("pipeline {}/{}: applying topic changes {}", pipeline.getMetadata().getNamespace(),
            pipeline.getMetadata().getName(), plan.actions());
        refused = cluster.topics().apply(plan.actions());
        observed = cluster.topics().describe(names, configKeys);
      }
      boolean watched = awaitCreated(pipeline, cluster, plan, observed, refused, configKeys);
      List<TopicStatus> statuses = TopicPlanner.status(desired, observed, plan, refused, known);
      var inputs = desired.stream().filter(t -> t.role() == DesiredTopic.Role.INPUT).map(DesiredTopic::name).toList();
      Position position = jobCreated && observed.keySet().containsAll(inputs)
          ? cluster.lag().position(JobContract.consumerGroup(pipeline), inputs).orElse(null) : null;
      return new Outcome(TopicReadiness.of(statuses, !refused.isEmpty()), statuses, position, false, watched);
    } catch (KafkaUnavailableException e) {
      String why = unusable(pipeline, e);
      // one line per try, no stack trace: the tries back off, and the status says the same
      LOG.warn("pipeline {}/{}: {}: {}", pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
          e.kind().reason, why);
      return new Outcome(Readiness.pending(e.kind().reason, why), previous, null, true, false);
    }
  }

  /**
   * Topics this reconcile asked to create, Kafka did not refuse, and a describe does not show yet: the pipeline is
   * reconciled again as soon as they show, not only at its next look. A topic missing that the plan does not create (a
   * lost topic reported under {@code lostTopicPolicy: Report}) is not waited for.
   *
   * @return whether the gateway will tell when they show
   */
  private boolean awaitCreated(StreamingPipeline pipeline, KafkaAccess.KafkaCluster cluster, TopicPlan plan,
      Map<String, ObservedTopic> observed, Map<String, String> refused, Collection<String> configKeys) {
    List<String> coming = plan.actions().stream().filter(a -> a instanceof TopicAction.Create).map(TopicAction::topic)
        .filter(n -> !observed.containsKey(n) && !refused.containsKey(n)).toList();
    if (coming.isEmpty()) {
      return false;
    }
    ResourceID id = ResourceID.fromResource(pipeline);
    return cluster.topics().whenVisible(id.toString(), coming, configKeys, () -> shown.shown(id));
  }

  /** Why the pipeline's Kafka cannot be used, naming the address and where to look. */
  private static String unusable(StreamingPipeline pipeline, KafkaUnavailableException e) {
    var spec = pipeline.getSpec().kafka;
    String secret = spec.clientSecretRef == null ? "spec.kafka" : "Secret " + spec.clientSecretRef.name + " (spec.kafka.clientSecretRef)";
    String why = switch (e.kind()) {
      case UNREACHABLE -> "Kafka at " + spec.bootstrapServers + " is unreachable (" + e.getMessage() + ")";
      case UNRESOLVABLE -> "Kafka address " + spec.bootstrapServers + " does not resolve (" + e.getMessage()
          + "): check spec.kafka.bootstrapServers for a typo";
      case TLS_HANDSHAKE -> "the TLS handshake with Kafka at " + spec.bootstrapServers + " failed (" + e.getMessage()
          + "): check security.protocol and the truststore in " + secret;
      case AUTHENTICATION -> "Kafka at " + spec.bootstrapServers + " refused the pipeline's credentials (" + e.getMessage()
          + "): check the SASL settings in " + secret;
      case SECRET_FORBIDDEN -> "the operator may not read " + secret + ": " + e.getMessage() + ". The chart grants"
          + " Secret reads only in the namespaces it lists (values secretNamespaces, or the watched namespaces): add"
          + " namespace " + pipeline.getMetadata().getNamespace();
    };
    return why + "; retrying with backoff, nothing is deleted";
  }

  /**
   * A Warning Event when a lost topic is created again or its replacement accepted; a held loss has the Event of
   * Ready turning False (reason TopicLost).
   */
  private void reportRecreated(StreamingPipeline pipeline, TopicPlan plan) {
    plan.lost().values().stream().filter(LostTopic::recreated)
        .forEach(lost -> events.warning(pipeline, "TopicRecreated", "Topic " + lost.name() + " " + lost.message()));
  }

  private Outcome strimzi(StreamingPipeline pipeline, boolean jobCreated) {
    if (!kafkaTopics.installed()) {
      return new Outcome(ObjectReadiness.crdMissing(ThirdPartyKinds.KAFKA_TOPIC, "topicManagement strimzi"), List.of(), null);
    }
    List<DesiredTopic> desired = DesiredTopic.of(pipeline);
    List<Readiness> written = desired.stream()
        .map(topic -> ObjectReadiness.kafkaTopic(kafkaTopics.ensure(KafkaTopicModel.from(pipeline, topic)))).toList();
    TopicPlanner.TopicReport report = TopicPlanner.strimzi(desired, written);
    // Strimzi owns the topics, but the lag is still read from Kafka
    return new Outcome(report.readiness(), report.statuses(), jobCreated && report.readiness().isReady()
        ? kafka.position(pipeline, JobContract.consumerGroup(pipeline)).orElse(null) : null);
  }

  /** A pipeline deleted without a finalizer (Retain, topics managed through the admin API): its topics stay. */
  void retained(StreamingPipeline pipeline) {
    if (pipeline.getSpec() != null && pipeline.getSpec().topics != null && pipeline.getSpec().topics.output != null
        && !TopicCleanup.needsFinalizer(pipeline)) {
      LOG.info("pipeline {}/{} deleted; its topics {} are retained (deletionPolicy Retain)",
          pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
          DesiredTopic.of(pipeline).stream().map(DesiredTopic::name).toList());
    }
  }

  /**
   * On the pipeline's deletion: its topics are kept (Retain; Strimzi's KafkaTopics are unmanaged first, since
   * Strimzi deletes a topic with its KafkaTopic) or deleted (Delete): only the topics this pipeline created, under
   * the id it created them with, and that no other pipeline declares; a KafkaTopic whose topic another pipeline
   * declares is unmanaged. Returns when to try again while Kafka cannot be reached for a deletion, or empty when the
   * finalizer may go.
   */
  Optional<Duration> cleanup(StreamingPipeline pipeline, Duration retry) {
    var spec = pipeline.getSpec();
    if (spec == null || spec.kafka == null || spec.topics == null || spec.topics.output == null) {
      return Optional.empty();
    }
    List<String> names = DesiredTopic.of(pipeline).stream().map(DesiredTopic::name).toList();
    boolean delete = spec.deletionPolicy == DeletionPolicy.Delete;
    String pipelineName = pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName();
    if (spec.kafka.topicManagement == TopicManagement.STRIMZI) {
      kafkaTopics.ownedBy(pipeline).stream()
          .filter(kt -> !delete || !readers.of(pipeline, KafkaTopicModel.topicName(kt)).isEmpty())
          .forEach(kt -> kafkaTopics.edit(kt, o -> {
            o.getMetadata().getAnnotations().put(KafkaTopicModel.STRIMZI_MANAGED_ANNOTATION, "false");
            return o;
          }));
      return Optional.empty();
    }
    if (!delete) {
      LOG.info("pipeline {} deleted; its topics {} are retained (deletionPolicy Retain)", pipelineName, names);
      return Optional.empty();
    }
    Map<String, String> deletable = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    List<TopicStatus> seen = pipeline.getStatus() == null || pipeline.getStatus().topics == null
        ? List.of() : pipeline.getStatus().topics;
    for (TopicStatus topic : seen) {
      if (!Boolean.TRUE.equals(topic.created) || topic.topicId == null || Boolean.TRUE.equals(topic.lost)) {
        kept.add(topic.name + " (not created by this pipeline)");
        continue;
      }
      List<String> others = readers.of(pipeline, topic.name);
      if (others.isEmpty()) {
        deletable.put(topic.name, topic.topicId);
      } else {
        kept.add(topic.name + " (declared by " + String.join(", ", others) + ")");
      }
    }
    try {
      if (!deletable.isEmpty()) {
        kafka.connect(pipeline, kafka.clientSecret(pipeline)).topics().delete(deletable);
      }
      String message = "deletionPolicy Delete: deleted topics " + deletable.keySet()
          + (kept.isEmpty() ? "" : "; kept " + String.join(", ", kept));
      LOG.info("pipeline {} deleted; {}", pipelineName, message);
      events.normal(pipeline, "TopicsDeleted", message);
      return Optional.empty();
    } catch (KafkaUnavailableException e) {
      events.warning(pipeline, e.kind().reason, "Cannot delete topics " + deletable.keySet()
          + " yet (deletionPolicy Delete): " + unusable(pipeline, e) + ". Remove the finalizer to give up and keep the topics.");
      return Optional.of(retry);
    }
  }
}
