package dev.slipstream.demo;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The floor of the fan-out on this machine: the same wave against a minimal operator that makes only the requests
 * any operator must, with no logic. It watches pipelines, ModelVersions and the two owned kinds; per pipeline it
 * creates the InferenceService (a copy of what the real operator wrote for a pipeline of the wave before) and the
 * topics, in batched requests; it creates the FlinkDeployment (copied too) once a describe shows the topics, since a
 * job cannot read a topic Kafka does not show yet (it looks once a second, in one describe, as the operator does);
 * and once the stand-ins report both ready it writes the Ready status (the real operator's, copied) and one Event.
 * What the real operator takes beyond this floor is its own cost; the floor itself is the test API server's, the
 * stand-ins', the broker's and the clients' share of the same cores.
 *
 * <p>Asked not to wait for topics to show, it creates the FlinkDeployment at once and counts the topics done when
 * Kafka accepts their creates: a floor no operator can meet whose job must find its topics, kept for comparison
 * with the figures measured against it before.
 */
final class FanOutFloor implements AutoCloseable {
  /** Requests this stand-in operator makes, to tell them from the others in the API server's record. */
  static final String AGENT = "slipstream-floor";
  /** What is needed before the Ready status: the InferenceService ready, the FlinkDeployment ready, the topics. */
  private static final int PARTS = 3;
  /** How often the topics Kafka accepted and does not show yet are described. */
  private static final long LOOK_EVERY_MILLIS = 1000;

  private final KubernetesClient client;
  private final Admin admin;
  private final String namespace;
  private final StreamingPipeline readyTemplate;
  private final GenericKubernetesResource isvcTemplate;
  private final GenericKubernetesResource flinkTemplate;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final SharedIndexInformer<StreamingPipeline> pipelines;
  private final Map<String, AtomicInteger> parts = new ConcurrentHashMap<>();
  /** Per pipeline, its topics (the ones the operator creates), waiting for the next batched request. */
  private final BlockingQueue<Map.Entry<String, List<DesiredTopic>>> topicsToCreate = new LinkedBlockingQueue<>();
  private final java.util.Set<String> readyOwned = ConcurrentHashMap.newKeySet();
  private final ExecutorService workers = Executors.newFixedThreadPool(8);
  private final Thread topicBatcher;
  private final boolean untilShown;
  /** A pipeline's topics Kafka accepted: when (nanoTime), and the ones a describe has not shown yet. */
  private record Accepted(long at, List<String> notShown) {}

  /** Per pipeline whose topics Kafka accepted and a describe has not all shown yet (only when waiting for them). */
  private final Map<String, Accepted> notShown = new ConcurrentHashMap<>();
  /** Seconds from a create accepted to its topic shown, per topic, in the order they showed. */
  private final List<Double> shownAfter = java.util.Collections.synchronizedList(new ArrayList<>());
  /** Describes the accepted topics once a second, on a thread of its own so that creates never wait behind it. */
  private final java.util.concurrent.ScheduledExecutorService looks = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean closed;

  /**
   * The wave's time to all Ready with the floor operator in place of the real one (which must be stopped), its job
   * created once its topics show.
   */
  static double run(EmbeddedStack stack, String namespace, int pipelines, String templateNamespace) {
    return run(stack, namespace, pipelines, templateNamespace, true).seconds();
  }

  /**
   * A wave of the floor.
   *
   * @param seconds time from the first create to the last pipeline Ready
   * @param topicsShownAfter per topic, seconds from its create accepted to a describe showing it (empty when the
   *     floor does not wait for topics to show)
   */
  record Wave(double seconds, List<Double> topicsShownAfter) {}

  /** @param untilShown whether the job waits for its topics to show, or they count once Kafka accepts them */
  static Wave run(EmbeddedStack stack, String namespace, int pipelines, String templateNamespace, boolean untilShown) {
    try (FanOutFloor floor = new FanOutFloor(stack, namespace, templateNamespace, untilShown)) {
      double seconds = FanOut.wave(stack, namespace, pipelines).seconds();
      return new Wave(seconds, List.copyOf(floor.shownAfter));
    }
  }

  private FanOutFloor(EmbeddedStack stack, String namespace, String templateNamespace, boolean untilShown) {
    this.untilShown = untilShown;
    this.namespace = namespace;
    this.client = stack.api.newClient(AGENT);
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers()));
    this.readyTemplate = stack.client.resources(StreamingPipeline.class).inNamespace(templateNamespace).withName("p0").require();
    this.isvcTemplate = ownedBy(stack.client, StandInControllers.Kind.INFERENCE_SERVICE, templateNamespace, readyTemplate);
    this.flinkTemplate = ownedBy(stack.client, StandInControllers.Kind.FLINK_DEPLOYMENT, templateNamespace, readyTemplate);
    informers.add(client.resources(ModelVersion.class).inNamespace(namespace).inform());
    pipelines = client.resources(StreamingPipeline.class).inNamespace(namespace)
        .inform(Handlers.added(pipeline -> workers.execute(() -> start(pipeline))));
    informers.add(pipelines);
    for (StandInControllers.Kind kind : List.of(StandInControllers.Kind.INFERENCE_SERVICE, StandInControllers.Kind.FLINK_DEPLOYMENT)) {
      informers.add(client.genericKubernetesResources(kind.context()).inNamespace(namespace)
          .inform(Handlers.addedOrUpdated(this::ownedSeen)));
    }
    topicBatcher = new Thread(this::createTopicsInBatches, "slipstream-floor-topics");
    topicBatcher.start();
    if (untilShown) {
      looks.scheduleWithFixedDelay(this::lookForShownTopics, LOOK_EVERY_MILLIS, LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** An owned object the stand-ins have given a status is ready (they write it once, when it is). */
  private void ownedSeen(GenericKubernetesResource owned) {
    if (owned.getAdditionalProperties().get("status") != null && readyOwned.add(owned.getKind() + "/" + owned.getMetadata().getName())) {
      partDone(owned.getMetadata().getOwnerReferences().get(0).getName());
    }
  }

  private void start(StreamingPipeline pipeline) {
    create(isvcTemplate, pipeline);
    if (!untilShown) {
      create(flinkTemplate, pipeline);
    }
    topicsToCreate.add(Map.entry(pipeline.getMetadata().getName(), DesiredTopic.of(pipeline)));
  }

  /** The pipeline's copy of an object the operator wrote for the template pipeline p0. */
  private void create(GenericKubernetesResource template, StreamingPipeline pipeline) {
    String name = pipeline.getMetadata().getName();
    GenericKubernetesResource owned = Serialization.clone(template);
    owned.setMetadata(new ObjectMetaBuilder()
        .withName(template.getMetadata().getName().replaceFirst("^p0", name)).withNamespace(namespace)
        .withLabels(template.getMetadata().getLabels()).withAnnotations(template.getMetadata().getAnnotations())
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(pipeline.getApiVersion()).withKind(pipeline.getKind())
            .withName(name).withUid(pipeline.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build())
        .build());
    owned.getAdditionalProperties().remove("status");
    client.resource(owned).create();
  }

  /** One createTopics request for whatever has queued up since the last one answered. */
  private void createTopicsInBatches() {
    while (!closed) {
      try {
        var first = topicsToCreate.poll(100, TimeUnit.MILLISECONDS);
        if (first != null) {
          List<Map.Entry<String, List<DesiredTopic>>> batch = new ArrayList<>(List.of(first));
          topicsToCreate.drainTo(batch);
          admin.createTopics(batch.stream().flatMap(e -> e.getValue().stream())
              .map(t -> new NewTopic(t.name(), t.partitions(), (short) t.replicationFactor()).configs(t.configs())).toList())
              .all().get();
          if (untilShown) {
            long accepted = System.nanoTime();
            batch.forEach(e -> notShown.put(e.getKey(),
                new Accepted(accepted, e.getValue().stream().map(DesiredTopic::name).toList())));
          } else {
            batch.forEach(e -> partDone(e.getKey()));
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("the floor's topics", e.getCause());
      }
    }
  }

  /**
   * One describe of every topic accepted and not shown yet; the pipelines whose topics it shows get their
   * FlinkDeployment, and their topics are done.
   */
  private void lookForShownTopics() {
    try {
      lookOnce();
    } catch (RuntimeException e) {
      // looked at again in a second; a look that failed must not end the schedule
      System.err.println("floor: describing the accepted topics failed: " + e);
    }
  }

  private void lookOnce() {
    if (notShown.isEmpty()) {
      return;
    }
    var described = admin.describeTopics(notShown.values().stream().flatMap(a -> a.notShown().stream()).toList())
        .topicNameValues();
    java.util.Set<String> shown = new java.util.HashSet<>();
    for (var e : described.entrySet()) {
      try {
        e.getValue().get();
        shown.add(e.getKey());
      } catch (java.util.concurrent.ExecutionException notYet) {
        // UnknownTopicOrPartition: accepted, not shown yet
      } catch (InterruptedException stop) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    long now = System.nanoTime();
    var it = notShown.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      Accepted accepted = e.getValue();
      List<String> still = accepted.notShown().stream().filter(t -> !shown.contains(t)).toList();
      double after = (now - accepted.at()) / 1e9;
      for (int i = still.size(); i < accepted.notShown().size(); i++) {
        shownAfter.add(after);
      }
      if (still.isEmpty()) {
        it.remove();
        String pipeline = e.getKey();
        workers.execute(() -> {
          create(flinkTemplate, pipelines.getStore().getByKey(namespace + "/" + pipeline));
          partDone(pipeline);
        });
      } else {
        e.setValue(new Accepted(accepted.at(), still));
      }
    }
  }

  private void partDone(String pipeline) {
    if (parts.computeIfAbsent(pipeline, p -> new AtomicInteger()).incrementAndGet() == PARTS) {
      workers.execute(() -> ready(pipeline));
    }
  }

  private void ready(String name) {
    StreamingPipeline pipeline = Serialization.clone(pipelines.getStore().getByKey(namespace + "/" + name));
    pipeline.setStatus(readyTemplate.getStatus());
    client.resource(pipeline).updateStatus();
    ObjectMeta involved = pipeline.getMetadata();
    client.v1().events().inNamespace(namespace).resource(new EventBuilder()
        .withNewMetadata().withName(name + ".ready").withNamespace(namespace).endMetadata()
        .withNewInvolvedObject().withApiVersion(pipeline.getApiVersion()).withKind(pipeline.getKind()).withName(name)
        .withNamespace(namespace).withUid(involved.getUid()).endInvolvedObject()
        .withReason("Ready").withMessage("ready").withType("Normal").build()).create();
  }

  private static GenericKubernetesResource ownedBy(KubernetesClient client, StandInControllers.Kind kind, String namespace,
      HasMetadata owner) {
    return client.genericKubernetesResources(kind.context()).inNamespace(namespace).list().getItems().stream()
        .filter(o -> o.getMetadata().getOwnerReferences().stream().anyMatch(r -> owner.getMetadata().getUid().equals(r.getUid())))
        .findFirst().orElseThrow(() -> new IllegalStateException("no " + kind + " of " + owner.getMetadata().getName()));
  }

  @Override
  public void close() {
    closed = true;
    looks.shutdownNow();
    topicBatcher.interrupt();
    informers.forEach(SharedIndexInformer::close);
    // the wave ends at the last Ready status; that pipeline's Event may still be on its way: let it finish
    workers.shutdown();
    try {
      workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    admin.close();
    client.close();
  }
}
