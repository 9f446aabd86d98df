package dev.slipstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The life of a pipeline as a platform team lives it, written once and run on any cluster: the operator
 * runs and leads; the fraud example is applied and becomes Ready with its topics on the broker and a PodMonitor
 * for its job's metrics; Git moves
 * it to a new model version, which the canary promotes; the next version breaks the lag SLO and is rolled
 * back by itself; the pipeline is deleted and its topics, holding data, stay.
 */
class EndToEndIT {
  private static Cluster cluster;
  private static KubernetesClient client;
  private static final String NS = "e2e-" + UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  static void start() {
    cluster = Cluster.fromSystemProperties();
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      if (client.namespaces().withName(NS).get() != null) {
        client.namespaces().withName(NS).delete();
      }
      cluster.close();
    }
  }

  @Test
  void theLifeOfAPipeline() throws Exception {
    cluster.awaitOperator();

    // kubectl apply -f examples/fraud-scoring.yaml (in its own namespace, with its own topics)
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    List<GenericKubernetesResource> objects = Manifests.moveTo(Manifests.withBootstrapServers(
        Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml")), cluster.bootstrapServers()), NS);
    objects.forEach(o -> client.resource(Manifests.typed(o)).create());
    await("fraud-scoring Ready").atMost(Duration.ofSeconds(120)).until(() -> Scenarios.ready(Scenarios.pipeline(client, NS)));
    String input = NS + "-card-transactions";
    try (Admin admin = cluster.admin()) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .contains(input, NS + "-fraud-scores", NS + "-fraud-scores.late");
    }
    assertThat(client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService").inNamespace(NS)
        .withName("fraud-scoring").get()).isNotNull();
    assertThat(client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment").inNamespace(NS)
        .withName("fraud-scoring").get()).isNotNull();
    // the Prometheus Operator's Prometheus finds the job's metrics through a PodMonitor on the job's port
    await("the job's PodMonitor").atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(
        client.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com").withVersion("v1").withKind("PodMonitor").withPlural("podmonitors")
            .withNamespaced(true).build()).inNamespace(NS)
            .withName("fraud-scoring-job-metrics").get()).isNotNull());

    // ArgoCD syncs the same manifests again: nothing the operator owns changes
    Map<String, String> versions = ownedVersions();
    objects.forEach(o -> client.resource(Manifests.typed(o)).createOr(NonDeletingOperation::update));
    await("no churn after a second apply").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(ownedVersions()).isEqualTo(versions));

    // Git moves the pipeline to fraud-v2: a canary at 50% then 100%, checked every 5s, promoted
    newVersion(2);
    patch("{\"spec\":{\"rollout\":{\"canary\":{\"steps\":[50,100],\"interval\":\"5s\"}},"
        + "\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"}}}}");
    await("fraud-v2 promoted").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      StreamingPipeline p = Scenarios.pipeline(client, NS);
      assertThat(p.getStatus().rollout.phase).as(p.getStatus().rollout.message).isEqualTo("Succeeded");
      assertThat(p.getStatus().model).isEqualTo("fraud-v2@2");
    });

    // fraud-v3 arrives while the input floods past a lag SLO of 100: rolled back by itself, and says why
    newVersion(3);
    patch("{\"spec\":{\"rollout\":{\"analysis\":{\"failureThreshold\":1}},\"serving\":{\"modelVersionRef\":"
        + "{\"name\":\"fraud-v3\"},\"slo\":{\"maxConsumerLag\":100}}}}");
    // the flood comes once fraud-v3 takes traffic: the lag before it is the baseline, not the candidate's doing
    await("fraud-v3 in canary").atMost(Duration.ofSeconds(60)).until(() -> {
      var rollout = Scenarios.pipeline(client, NS).getStatus().rollout;
      return "Canary".equals(rollout.phase) && rollout.weight != null && rollout.weight > 0;
    });
    try (var producer = new KafkaProducer<>(cluster.producerSettings(), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 500; i++) {
        producer.send(new ProducerRecord<>(input, "card-" + i, "{\"amount\": " + i + "}"));
      }
      producer.flush();
    }
    await("fraud-v3 rolled back").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      StreamingPipeline p = Scenarios.pipeline(client, NS);
      assertThat(p.getStatus().rollout.phase).as(p.getStatus().rollout.message).isEqualTo("RolledBack");
      assertThat(Conditions.find(p.getStatus().conditions, "Degraded").orElseThrow().getReason()).isEqualTo("RolloutFailed");
      assertThat(Conditions.isTrue(p.getStatus().conditions, "Ready")).as("fraud-v2 keeps serving").isTrue();
    });

    // kubectl delete: the pipeline goes, its topics (deletionPolicy Retain) and their data stay
    client.resources(StreamingPipeline.class).inNamespace(NS).withName("fraud-scoring").delete();
    await("pipeline deleted").atMost(Duration.ofSeconds(60)).until(() -> Scenarios.pipeline(client, NS) == null);
    try (Admin admin = cluster.admin()) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(input, NS + "-fraud-scores");
    }
  }

  /** The resourceVersion of every object the pipeline owns, by kind and name. */
  private static Map<String, String> ownedVersions() {
    Map<String, String> versions = new TreeMap<>();
    List.of("serving.kserve.io/v1beta1/InferenceService", "flink.apache.org/v1beta1/FlinkDeployment").forEach(k -> {
      String apiVersion = k.substring(0, k.lastIndexOf('/'));
      String kind = k.substring(k.lastIndexOf('/') + 1);
      client.genericKubernetesResources(apiVersion, kind).inNamespace(NS).list().getItems()
          .forEach(o -> versions.put(kind + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
    });
    client.configMaps().inNamespace(NS).withLabel("app.kubernetes.io/managed-by", "slipstream").list().getItems()
        .forEach(o -> versions.put("ConfigMap/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
    assertThat(versions).isNotEmpty();
    return versions;
  }

  /** fraud-v{n}: fraud-v1 with version n and its own storage, as a team would commit it. */
  private static void newVersion(int n) {
    ModelVersion v = client.resources(ModelVersion.class).inNamespace(NS).withName("fraud-v1").get();
    ModelVersion next = new ModelVersion();
    next.getMetadata().setName("fraud-v" + n);
    next.getMetadata().setNamespace(NS);
    next.setSpec(v.getSpec());
    next.getSpec().version = String.valueOf(n);
    next.getSpec().storageUri = "s3://models/fraud/" + n;
    client.resource(next).create();
  }

  private static void patch(String json) {
    client.resources(StreamingPipeline.class).inNamespace(NS).withName("fraud-scoring")
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }
}
