package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.core.status.KServeStatus;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.StandInControllers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The operator end to end: real operator, test API server with admission, real Kafka broker, stand-in controllers. */
class StreamingPipelineIT extends WithOperator {
  @AfterAll
  static void theOperatorWroteThroughTheTestApiServer() {
    // runs before the environment closes (a subclass's @AfterAll goes first)
    assertThat(env.api.writes()).as("operator writes").anyMatch(w -> OperatorFixture.OPERATOR_AGENT.equals(w.userAgent()));
  }

  @Test
  void fraudScoringExampleCreatesTopicsServingAndJobAndBecomesReady() throws Exception {
    env.apply(env.example("fraud-scoring.yaml"));
    StreamingPipeline p = env.awaitReady("payments", "fraud-scoring", true, "Ready");

    Map<String, TopicDescription> topics = describe(List.of("card-transactions", "fraud-scores", "fraud-scores.late"));
    assertThat(topics.get("card-transactions").partitions()).hasSize(6);
    assertThat(topics.get("fraud-scores").partitions()).hasSize(6);
    assertThat(topics.get("fraud-scores.late").partitions()).hasSize(6);
    assertThat(config("card-transactions", "retention.ms")).isEqualTo("604800000");
    assertThat(config("fraud-scores", "retention.ms")).isEqualTo("259200000");

    GenericKubernetesResource isvc = get("serving.kserve.io/v1beta1", "InferenceService", "payments", "fraud-scoring");
    Map<String, Object> predictor = map(map(isvc.getAdditionalProperties().get("spec")).get("predictor"));
    Map<String, Object> model = map(predictor.get("model"));
    assertThat(model.get("storageUri")).isEqualTo("s3://models/fraud/1");
    assertThat(map(model.get("modelFormat")).get("name")).isEqualTo("onnx");
    assertThat(predictor.get("minReplicas")).isEqualTo(2);
    assertThat(isvc.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(p.getMetadata().getUid()));
    assertThat(isvc.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "slipstream")
        .containsEntry("slipstream.dev/pipeline", "fraud-scoring");

    GenericKubernetesResource flink = get("flink.apache.org/v1beta1", "FlinkDeployment", "payments", "fraud-scoring");
    Map<String, Object> flinkSpec = map(flink.getAdditionalProperties().get("spec"));
    Map<String, Object> contract = map(flinkSpec.get("flinkConfiguration"));
    assertThat(contract).containsEntry("slipstream.kafka.bootstrap-servers", env.kafka.bootstrapServers())
        .containsEntry("slipstream.topics.inputs", "card-transactions")
        .containsEntry("slipstream.topics.output", "fraud-scores")
        .containsEntry("slipstream.topics.late-events", "fraud-scores.late")
        .containsEntry("slipstream.kafka.consumer-group", "slipstream.payments.fraud-scoring")
        .containsEntry("slipstream.serving.endpoint", "http://fraud-scoring.payments.svc.cluster.local")
        .containsEntry("slipstream.event-time.max-out-of-orderness", "5000 ms")
        .containsEntry("slipstream.event-time.timestamp-field", "event_time");
    assertThat(map(flinkSpec.get("job"))).containsEntry("upgradeMode", "savepoint").containsEntry("parallelism", 2);

    var status = p.getStatus();
    assertThat(status.observedGeneration).isEqualTo(p.getMetadata().getGeneration());
    assertThat(status.phase).isEqualTo("Ready");
    assertThat(status.model).isEqualTo("fraud-v1@1");
    assertThat(status.consumerGroup).isEqualTo("slipstream.payments.fraud-scoring");
    assertThat(status.consumerLag).isZero();
    assertThat(status.topics).extracting(t -> t.name + "/" + t.partitions + "/" + t.ready)
        .containsExactly("card-transactions/6/true", "fraud-scores/6/true", "fraud-scores.late/6/true");
    for (String type : List.of("TopicsReady", "ServingReady", "FlinkJobReady", "Ready")) {
      assertThat(Conditions.isTrue(status.conditions, type)).as(type).isTrue();
    }

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      ModelVersion mv = env.client.resources(ModelVersion.class).inNamespace("payments").withName("fraud-v1").get();
      // written once, about two seconds after the version was first seen, with the pipeline that serves it
      assertThat(Conditions.find(mv.getStatus().conditions, "Ready")).hasValueSatisfying(c -> assertThat(c.getReason())
          .isEqualTo("Validated"));
      assertThat(mv.getStatus().servedBy).containsExactly("fraud-scoring");
      assertThat(mv.getStatus().endpoints).containsExactly("http://fraud-scoring.payments.svc.cluster.local");
      ShedPolicy shed = env.client.resources(ShedPolicy.class).inNamespace("payments").withName("fraud-shed").get();
      assertThat(Conditions.isTrue(shed.getStatus().conditions, "Ready")).isTrue();
      assertThat(shed.getStatus().levels).isEqualTo(3);
    });
  }

  @Test
  void consumerLagInStatusIsTheBrokersLag() throws Exception {
    readyFraudScoringIn("lag");
    env.produce("lag-card-transactions", 25);
    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(env.pipeline("lag", "fraud-scoring").getStatus().consumerLag).isEqualTo(25L));
  }

  @Test
  void specUpdateRaisesPartitionsChangesConfigsAndMovesToAnotherModelVersion() throws Exception {
    StreamingPipeline p = readyFraudScoringIn("update");

    env.createFraudV2("update");

    // a one-step rollout: the new version takes all traffic after one passing check
    p.getSpec().rollout = OperatorFixture.fastRollout(100);
    p.getSpec().topics.inputs.get(0).partitions = 9;
    p.getSpec().topics.output.config.put("retention.ms", "86400000");
    p.getSpec().serving.modelVersionRef.name = "fraud-v2";
    p.getSpec().flink.parallelism = 3;
    p.setStatus(null);
    env.client.resource(p).update();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(describe(List.of("update-card-transactions")).get("update-card-transactions").partitions()).hasSize(9);
      assertThat(config("update-fraud-scores", "retention.ms")).isEqualTo("86400000");
      StreamingPipeline now = env.pipeline("update", "fraud-scoring");
      assertThat(now.getStatus().model).isEqualTo("fraud-v2@2");
      assertThat(now.getStatus().observedGeneration).isEqualTo(now.getMetadata().getGeneration());
      assertThat(Conditions.isTrue(now.getStatus().conditions, "Ready")).isTrue();
      assertThat(map(map(get("flink.apache.org/v1beta1", "FlinkDeployment", "update", "fraud-scoring")
          .getAdditionalProperties().get("spec")).get("job"))).containsEntry("parallelism", 3);
    });
    GenericKubernetesResource isvc = get("serving.kserve.io/v1beta1", "InferenceService", "update", "fraud-scoring");
    assertThat(map(map(map(isvc.getAdditionalProperties().get("spec")).get("predictor")).get("model")).get("storageUri"))
        .isEqualTo("s3://models/fraud/2");

    StreamingPipeline lower = env.pipeline("update", "fraud-scoring");
    lower.getSpec().topics.inputs.get(0).partitions = 3;
    lower.setStatus(null);
    assertThatThrownBy(() -> env.client.resource(lower).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("partitions may not decrease");
    assertThat(describe(List.of("update-card-transactions")).get("update-card-transactions").partitions()).hasSize(9);
  }

  @Test
  void tritonExampleServesFromADeploymentAndDeletesItsTopicsWithThePipeline() throws Exception {
    String secretValue = "hunter2-do-not-leak";
    // every log line written meanwhile, at every level, with Kafka's clients talking at INFO (they print their configs)
    var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var kafkaLogger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka");
    var ourLogger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.slipstream");
    var kafkaLevel = kafkaLogger.getLevel();
    var ourLevel = ourLogger.getLevel();
    kafkaLogger.setLevel(ch.qos.logback.classic.Level.INFO);
    ourLogger.setLevel(ch.qos.logback.classic.Level.DEBUG);
    var captured = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    captured.start();
    root.addAppender(captured);
    env.client.resource(new SecretBuilder().withNewMetadata().withName("kafka-client").withNamespace("vision").endMetadata()
        .withStringData(Map.of("security.protocol", "PLAINTEXT", "ssl.key.password", secretValue)).build()).create();
    env.apply(env.example("triton-gpu.yaml"));
    StreamingPipeline p = env.awaitReady("vision", "image-embeddings", true, "Ready");

    Deployment triton = env.client.apps().deployments().inNamespace("vision").withName("image-embeddings-embedder-v3").get();
    var container = triton.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getResources().getLimits().get("nvidia.com/gpu").toString()).isEqualTo("1");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
    assertThat(container.getArgs()).contains("--model-repository=s3://models/embedder/repository");
    assertThat(triton.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("nvidia.com/gpu.product", "NVIDIA-A10G");
    assertThat(triton.getSpec().getTemplate().getSpec().getTolerations()).extracting("key").containsExactly("nvidia.com/gpu");
    var service = env.client.services().inNamespace("vision").withName("image-embeddings-triton").get();
    assertThat(service.getSpec().getPorts()).extracting("port").containsExactly(8000, 8001, 8002);
    assertThat(p.getStatus().endpoint).isEqualTo("http://image-embeddings-triton.vision.svc.cluster.local:8000");
    assertThat(describe(List.of("image-embeddings-late")).get("image-embeddings-late").partitions()).hasSize(3);

    GenericKubernetesResource flink = get("flink.apache.org/v1beta1", "FlinkDeployment", "vision", "image-embeddings");
    String flinkJson = Serialization.asJson(flink);
    assertThat(flinkJson).contains("\"secretName\":\"kafka-client\"").contains("slipstream.kafka.client-properties-dir");
    root.detachAppender(captured);
    kafkaLogger.setLevel(kafkaLevel);
    ourLogger.setLevel(ourLevel);
    StringBuilder logs = new StringBuilder();
    captured.list.forEach(e -> {
      logs.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        logs.append(e.getThrowableProxy().getMessage()).append('\n');
      }
    });
    assertThat(captured.list).as("log lines captured while the pipeline was provisioned").hasSizeGreaterThan(10);
    assertThat(logs.toString()).as("Kafka's own config dump was captured").contains("AdminClientConfig values");
    String everythingVisible = flinkJson + Serialization.asJson(env.pipeline("vision", "image-embeddings"))
        + Serialization.asJson(env.client.v1().events().inNamespace("vision").list()) + logs + env.metrics();
    assertThat(everythingVisible).doesNotContain(secretValue);
    dev.slipstream.testkit.Reliability.record("Data", "a Kafka client Secret referenced by a pipeline",
        "its values appear in no FlinkDeployment, status, Event, log line or metric (searched for the secret value)");

    env.client.resource(env.pipeline("vision", "image-embeddings")).delete();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(env.pipeline("vision", "image-embeddings")).isNull();
      try (Admin admin = env.kafka.admin()) {
        assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
            .doesNotContain("uploaded-images", "image-embeddings", "image-embeddings-late");
      }
    });
  }

  @Test
  void deletingAPipelineWithRetainKeepsItsTopicsAndTheirData() throws Exception {
    StreamingPipeline ready = readyFraudScoringIn("retain");
    assertThat(ready.getMetadata().getFinalizers()).as("Retain, topics through the admin API: nothing to do on deletion")
        .isEmpty();
    // the finalizer comes with deletionPolicy Delete and goes with Retain again
    var retain = env.client.resources(StreamingPipeline.class).inNamespace("retain").withName("fraud-scoring");
    retain.edit(p -> {
      p.getSpec().deletionPolicy = dev.slipstream.api.v1alpha1.StreamingPipelineSpec.DeletionPolicy.Delete;
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(retain.get().getMetadata().getFinalizers())
        .containsExactly(dev.slipstream.core.topics.TopicCleanup.FINALIZER));
    retain.edit(p -> {
      p.getSpec().deletionPolicy = dev.slipstream.api.v1alpha1.StreamingPipelineSpec.DeletionPolicy.Retain;
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(retain.get().getMetadata().getFinalizers()).isEmpty());
    env.produce("retain-card-transactions", 5);
    long before = topicState("retain-card-transactions").endOffsets();
    env.client.resource(env.pipeline("retain", "fraud-scoring")).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> env.pipeline("retain", "fraud-scoring") == null);
    assertThat(describe(List.of("retain-card-transactions", "retain-fraud-scores", "retain-fraud-scores.late"))).hasSize(3);
    long records = topicState("retain-card-transactions").endOffsets();
    assertThat(records).as("records still in the retained input topic").isEqualTo(5).isEqualTo(before);
    dev.slipstream.testkit.Reliability.counted("a pipeline holding records deleted (deletionPolicy Retain)",
        "its three topics and every record kept on the broker", before, records);
  }

  @Test
  void deletionPolicyDeleteRemovesOnlyTheTopicsThePipelineCreatedAndNoOtherPipelineDeclares() throws Exception {
    readyFraudScoringIn("shared");
    env.produce("shared-card-transactions", 20);
    TopicState inputBefore = topicState("shared-card-transactions");
    assertThat(inputBefore.endOffsets()).isEqualTo(20);
    // a second pipeline, in another namespace, reads fraud-scoring's input and is deleted with deletionPolicy Delete
    env.apply(pipelineReading("audit", "shared-card-transactions", "audit-scores", "Delete"));
    StreamingPipeline audit = env.awaitReady("audit", "fraud-scoring", true, "Ready");
    assertThat(audit.getMetadata().getFinalizers()).containsExactly(dev.slipstream.core.topics.TopicCleanup.FINALIZER);
    assertThat(audit.getStatus().topics).extracting(t -> t.name + "/" + t.created).containsExactly(
        "shared-card-transactions/null", "audit-scores/true", "audit-scores.late/true");
    assertThat(audit.getStatus().topics).allSatisfy(t -> assertThat(t.topicId).isNotBlank());
    // and a third reads the second's output
    env.apply(pipelineReading("audit-reader", "audit-scores", "audit-report", "Retain"));
    env.awaitReady("audit-reader", "fraud-scoring", true, "Ready");

    env.client.resource(env.pipeline("audit", "fraud-scoring")).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> env.pipeline("audit", "fraud-scoring") == null);
    TopicState inputAfter = topicState("shared-card-transactions");
    assertThat(inputAfter).as("the shared input: same topic id, same end offsets").isEqualTo(inputBefore);
    assertThat(topicNames()).as("the second's own late topic went; the output the third reads stayed")
        .contains("audit-scores").doesNotContain("audit-scores.late");
    assertThat(env.client.v1().events().inNamespace("audit").list().getItems())
        .filteredOn(e -> "TopicsDeleted".equals(e.getReason())).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("deleted topics [audit-scores.late]")
            .contains("shared-card-transactions (not created by this pipeline)")
            .contains("audit-scores (declared by audit-reader/fraud-scoring)"));
    env.awaitReady("shared", "fraud-scoring", true, "Ready");
    assertThat(env.pipeline("shared", "fraud-scoring").getStatus().topics.get(0).topicId).isEqualTo(inputBefore.id());
    dev.slipstream.testkit.Reliability.counted("a pipeline (deletionPolicy Delete) reading another's input deleted",
        "the shared input kept under its topic id with every record; only topics it created and no other pipeline declares went",
        inputBefore.endOffsets(), inputAfter.endOffsets());
  }

  @Test
  void aTopicDeletedUnderARunningPipelineIsReportedAndRecreatedOnlyWhenThePipelineSaysSo() throws Exception {
    StreamingPipeline p = readyFraudScoringIn("lost");
    String lostId = p.getStatus().topics.get(1).topicId;
    assertThat(p.getStatus().topics.get(1).name).isEqualTo("lost-fraud-scores");
    try (Admin admin = env.kafka.admin()) {
      admin.deleteTopics(List.of("lost-fraud-scores")).all().get(10, TimeUnit.SECONDS);
    }
    StreamingPipeline reported = env.awaitReady("lost", "fraud-scoring", false, "TopicLost");
    assertThat(Conditions.find(reported.getStatus().conditions, "TopicsReady").orElseThrow().getMessage())
        .contains("lost-fraud-scores was deleted outside the pipeline (topic id " + lostId + ")")
        .contains("spec.lostTopicPolicy: Recreate");
    assertThat(reported.getStatus().topics.get(1).lost).isTrue();
    long reconciles = env.reconciles.finished("StreamingPipeline", "lost", "fraud-scoring");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> env.reconciles.finished("StreamingPipeline", "lost", "fraud-scoring") >= reconciles + 2);
    assertThat(topicNames()).as("not recreated behind the pipeline's back").doesNotContain("lost-fraud-scores");
    assertThat(env.client.v1().events().inNamespace("lost").list().getItems())
        .filteredOn(e -> "TopicLost".equals(e.getReason())).as("one Event for the loss, not one per reconcile").hasSize(1);

    env.client.resources(StreamingPipeline.class).inNamespace("lost").withName("fraud-scoring").edit(sp -> {
      sp.getSpec().lostTopicPolicy = dev.slipstream.api.v1alpha1.StreamingPipelineSpec.LostTopicPolicy.Recreate;
      return sp;
    });
    StreamingPipeline recreated = env.awaitReady("lost", "fraud-scoring", true, "Ready");
    assertThat(recreated.getStatus().topics.get(1).topicId).isNotEqualTo(lostId).isEqualTo(topicState("lost-fraud-scores").id());
    assertThat(recreated.getStatus().topics.get(1).created).isTrue();
    assertThat(env.client.v1().events().inNamespace("lost").list().getItems())
        .filteredOn(e -> "TopicRecreated".equals(e.getReason())).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("created again, empty"));
  }

  @Test
  void aConsumerGroupAnotherPipelineUsesIsRefusedOnTheNewerPipelineAndTheOlderKeepsRunning() {
    var first = fraudScoringIn("group-a");
    var second = fraudScoringIn("group-b");
    for (var objects : List.of(first, second)) {
      objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).forEach(sp ->
          map(map(sp.getAdditionalProperties().get("spec")).get("kafka")).put("consumerGroup", "fraud-scorers"));
    }
    env.apply(first);
    env.awaitReady("group-a", "fraud-scoring", true, "Ready");
    env.apply(second);
    StreamingPipeline refused = env.awaitReady("group-b", "fraud-scoring", false, "InvalidSpec");
    assertThat(Conditions.find(refused.getStatus().conditions, "Ready").orElseThrow().getMessage())
        .contains("spec.kafka.consumerGroup 'fraud-scorers' is already used by pipeline group-a/fraud-scoring");
    assertThat(get("flink.apache.org/v1beta1", "FlinkDeployment", "group-b", "fraud-scoring")).as("no second job").isNull();
    assertThat(env.pipeline("group-a", "fraud-scoring").getStatus().phase).isEqualTo("Ready");
  }

  @Test
  void aModelVersionAskingForAMillionCpusIsNotServedAndSaysWhoCanRaiseTheBound() {
    var objects = fraudScoringIn("greedy");
    objects.stream().filter(o -> "ModelVersion".equals(o.getKind()) && "fraud-v1".equals(o.getMetadata().getName()))
        .forEach(mv -> map(map(mv.getAdditionalProperties().get("spec")).get("resources")).put("cpu", "1000000"));
    env.apply(objects);
    StreamingPipeline p = env.awaitReady("greedy", "fraud-scoring", false, "ModelVersionInvalid");
    assertThat(Conditions.find(p.getStatus().conditions, "Ready").orElseThrow().getMessage())
        .contains("spec.resources.cpu 1000000 is above the most this operator allows one replica (64, --max-model-cpu)");
    assertThat(get("serving.kserve.io/v1beta1", "InferenceService", "greedy", "fraud-scoring")).as("nothing to schedule").isNull();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Conditions.find(env.client
        .resources(ModelVersion.class).inNamespace("greedy").withName("fraud-v1").get().getStatus().conditions, "Ready")
        .orElseThrow().getMessage()).contains("--max-model-cpu"));
  }

  @Test
  void strimziModeWritesKafkaTopicsAndUnmanagesThemOnRetainDelete() throws Exception {
    env.apply(env.example("strimzi-topics.yaml"));
    assertThat(env.awaitReady("growth", "churn-risk", true, "Ready").getMetadata().getFinalizers())
        .as("Strimzi mode: the KafkaTopics are unmanaged before they go").containsExactly(dev.slipstream.core.topics.TopicCleanup.FINALIZER);
    // what the Strimzi topic operator would do for the input KafkaTopic; the lag is read from Kafka all the same
    try (Admin admin = env.kafka.admin()) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("app_events", 6, (short) 1)))
          .all().get(10, TimeUnit.SECONDS);
    }
    env.produce("app_events", 7);
    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(env.pipeline("growth", "churn-risk").getStatus().consumerLag).isEqualTo(7L));
    List<GenericKubernetesResource> kafkaTopics = env.client.genericKubernetesResources("kafka.strimzi.io/v1", "KafkaTopic")
        .inNamespace("growth").list().getItems();
    assertThat(kafkaTopics).extracting(kt -> map(kt.getAdditionalProperties().get("spec")).get("topicName"))
        .containsExactlyInAnyOrder("app_events", "churn-risk-scores", "churn-risk-scores.late");
    assertThat(kafkaTopics).allSatisfy(kt -> {
      assertThat(kt.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "my-cluster");
      assertThat(map(kt.getAdditionalProperties().get("spec"))).containsEntry("replicas", 3).containsEntry("partitions", 6);
    });
    // more partitions for the output: the KafkaTopic is updated, and Strimzi adds them
    env.client.resources(StreamingPipeline.class).inNamespace("growth").withName("churn-risk").edit(p -> {
      p.getSpec().topics.output.partitions = 8;
      return p;
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(map(get("kafka.strimzi.io/v1", "KafkaTopic",
        "growth", "churn-risk-scores").getAdditionalProperties().get("spec"))).containsEntry("partitions", 8));
    env.client.resource(env.pipeline("growth", "churn-risk")).delete();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        env.client.genericKubernetesResources("kafka.strimzi.io/v1", "KafkaTopic").inNamespace("growth").list().getItems())
        .allSatisfy(kt -> assertThat(kt.getMetadata().getAnnotations()).containsEntry("strimzi.io/managed", "false")));
  }

  @Test
  void idleResyncOfAReadyPipelineWritesNothing() {
    readyFraudScoringIn("idle");
    // let the first round settle before counting: both ModelVersions' first status (the unserved one's may wait for
    // its fold)
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var mv = env.client.resources(ModelVersion.class).inNamespace("idle").withName("fraud-v1").get();
      return mv.getStatus() != null && Conditions.isTrue(mv.getStatus().conditions, "Ready");
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> env.api.writes().stream().map(w -> w.method() + " " + w.path())
        .anyMatch(w -> w.equals("PATCH /apis/slipstream.dev/v1alpha1/namespaces/idle/modelversions/fraud-lite-v1/status")));
    assertThat(env.events("idle")).as("no Event for a pipeline's first Ready: its condition says it").isEmpty();
    long writesBefore = writesIn("idle");
    long reconcilesBefore = env.reconciles.finished("StreamingPipeline", "idle", "fraud-scoring");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> env.reconciles.finished("StreamingPipeline", "idle", "fraud-scoring") >= reconcilesBefore + 3);
    assertThat(writesIn("idle")).as("write requests during three resyncs of a Ready pipeline").isEqualTo(writesBefore);
    assertThat(env.metrics()).as("the framework's reconciliations on /metrics")
        .containsPattern("slipstream_reconciliations_total\\{kind=\"StreamingPipeline\",result=\"success\"} [1-9]")
        .contains("slipstream_reconcile_duration_seconds_count{controller=\"streamingpipeline\"")
        .as("the topic creates it sent to Kafka")
        .containsPattern("slipstream_topic_changes_total\\{change=\"create\",outcome=\"sent\"} [1-9]");
  }

  @Test
  void aMissingModelVersionIsReportedAndThePipelineRecoversWhenItAppears() {
    var objects = fraudScoringIn("missing");
    objects.removeIf(o -> "ModelVersion".equals(o.getKind()) && "fraud-v1".equals(o.getMetadata().getName()));
    env.apply(objects);
    StreamingPipeline p = env.awaitReady("missing", "fraud-scoring", false, "ModelVersionNotFound");
    assertThat(Conditions.find(p.getStatus().conditions, "Ready").orElseThrow().getMessage())
        .contains("ModelVersion fraud-v1 (spec.serving.modelVersionRef) does not exist");
    assertThat(get("serving.kserve.io/v1beta1", "InferenceService", "missing", "fraud-scoring")).isNull();

    var mv = env.example("fraud-scoring.yaml");
    Manifests.moveTo(mv, "missing");
    mv.removeIf(o -> !("ModelVersion".equals(o.getKind()) && "fraud-v1".equals(o.getMetadata().getName())));
    env.apply(mv);
    env.awaitReady("missing", "fraud-scoring", true, "Ready");
  }

  @Test
  void aModelThatFailsToLoadIsReportedAsServingFailed() {
    var objects = fraudScoringIn("failing");
    env.standIns.behave(StandInControllers.Kind.INFERENCE_SERVICE, "failing", "fraud-scoring",
        StandInControllers.Behaviour.fail("storage s3://models/fraud/1 holds no model.onnx"));
    env.apply(objects);
    StreamingPipeline p = env.awaitReady("failing", "fraud-scoring", false, "ServingFailed");
    assertThat(p.getStatus().phase).isEqualTo("Failed");
    assertThat(Conditions.find(p.getStatus().conditions, "ServingReady").orElseThrow().getMessage())
        .contains("holds no model.onnx");
    assertThat(env.client.v1().events().inNamespace("failing").list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ServingFailed"));
  }

  @Test
  void aModelChangedInPlaceIsNotServingUntilKServeHasProcessedItWhileAScaleChangeStaysReady() {
    String ns = "in-place";
    env.apply(fraudScoringIn(ns));
    env.awaitReady(ns, "fraud-scoring", true, "Ready");
    // KServe is slow to process what comes next: its status stays at the generation it has seen
    env.standIns.behave(StandInControllers.Kind.INFERENCE_SERVICE, ns, "fraud-scoring", StandInControllers.Behaviour.HOLD);
    var modelVersions = env.client.resources(ModelVersion.class).inNamespace(ns).withName("fraud-v1");
    var merge = io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE);

    // the healthy twin: more replicas of the same model; KServe's Ready for the earlier generation still holds
    modelVersions.patch(merge, "{\"spec\":{\"minReplicas\":3}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(3).equals(KServeStatus.predictorNumber(
        get("serving.kserve.io/v1beta1", "InferenceService", ns, "fraud-scoring"), "minReplicas")));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        Conditions.find(env.pipeline(ns, "fraud-scoring").getStatus().conditions, "ServingReady").orElseThrow()
            .getStatus()).isEqualTo("True"));

    // another model in place under the same ModelVersion: KServe's Ready is about the model before it
    modelVersions.patch(merge, "{\"spec\":{\"storageUri\":\"s3://models/fraud/1-retrained\"}}");
    StreamingPipeline p = env.awaitReady(ns, "fraud-scoring", false, "ServingPending");
    assertThat(Conditions.find(p.getStatus().conditions, "ServingReady").orElseThrow().getMessage())
        .isEqualTo("InferenceService fraud-scoring: KServe has not processed generation 3, where the model changed"
            + " (it reports generation 1); what it says is about the model before");

    env.standIns.behave(StandInControllers.Kind.INFERENCE_SERVICE, ns, "fraud-scoring", StandInControllers.Behaviour.READY);
    env.awaitReady(ns, "fraud-scoring", true, "Ready");
  }

  @Test
  void aPipelineSlowToProvisionIsWrittenProvisioningThenReadyAndNoStepBetween() {
    String ns = "slow";
    env.standIns.behave(StandInControllers.Kind.INFERENCE_SERVICE, ns, "fraud-scoring", StandInControllers.Behaviour.HOLD);
    env.standIns.behave(StandInControllers.Kind.FLINK_DEPLOYMENT, ns, "fraud-scoring", StandInControllers.Behaviour.HOLD);
    env.apply(fraudScoringIn(ns));
    String statusPath = "/apis/slipstream.dev/v1alpha1/namespaces/" + ns + "/streamingpipelines/fraud-scoring/status";
    // past the progress interval: Provisioning, with every part it waits for
    StreamingPipeline provisioning = env.awaitReady(ns, "fraud-scoring", false, "ServingPending");
    assertThat(provisioning.getStatus().phase).isEqualTo("Provisioning");
    assertThat(Conditions.isTrue(provisioning.getStatus().conditions, "FlinkJobReady")).isFalse();

    // the job starts: progress only, held (at most a minute) for the next write
    env.standIns.behave(StandInControllers.Kind.FLINK_DEPLOYMENT, ns, "fraud-scoring", StandInControllers.Behaviour.READY);
    await().atMost(Duration.ofSeconds(30)).until(() -> get("flink.apache.org/v1beta1", "FlinkDeployment", ns, "fraud-scoring")
        .getAdditionalProperties().get("status") != null);
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        Conditions.isTrue(env.pipeline(ns, "fraud-scoring").getStatus().conditions, "FlinkJobReady"))
        .as("a part ready while others provision is not a write of its own").isFalse());

    // the twin: serving ready too, and Ready is written at once, with the job's condition it held
    env.standIns.behave(StandInControllers.Kind.INFERENCE_SERVICE, ns, "fraud-scoring", StandInControllers.Behaviour.READY);
    StreamingPipeline ready = env.awaitReady(ns, "fraud-scoring", true, "Ready");
    assertThat(Conditions.isTrue(ready.getStatus().conditions, "FlinkJobReady")).isTrue();
    assertThat(env.api.writes().stream().filter(w -> w.path().equals(statusPath))).as("status writes: Provisioning, Ready")
        .hasSize(2);
  }

  @Test
  void aFlinkJobBeingUpgradedIsNotReadyUntilTheFlinkOperatorHasDeployedTheNewSpec() {
    var objects = fraudScoringIn("upgrading");
    // the Flink operator is moving the job to the spec the operator wrote: the old job still RUNNING
    env.standIns.behave(StandInControllers.Kind.FLINK_DEPLOYMENT, "upgrading", "fraud-scoring",
        StandInControllers.Behaviour.UPGRADING);
    env.apply(objects);
    StreamingPipeline p = env.awaitReady("upgrading", "fraud-scoring", false, "JobUpgrading");
    assertThat(Conditions.find(p.getStatus().conditions, "FlinkJobReady").orElseThrow().getMessage())
        .isEqualTo("FlinkDeployment fraud-scoring is being upgraded to its new spec (lifecycle UPGRADING)");
    assertThat(p.getStatus().flinkJobState).as("what the Flink operator reports of the job").isEqualTo("RUNNING");
    assertThat(p.getStatus().phase).isEqualTo("Provisioning");

    env.standIns.behave(StandInControllers.Kind.FLINK_DEPLOYMENT, "upgrading", "fraud-scoring",
        StandInControllers.Behaviour.READY);
    env.awaitReady("upgrading", "fraud-scoring", true, "Ready");
  }

  @Test
  void aSpecTheSchemaCannotJudgeIsReportedAsInvalidSpecAndNothingIsCreated() {
    var objects = fraudScoringIn("invalid");
    String longName = "fraud-scoring-for-the-european-card-network-eu-west";
    objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).forEach(o -> o.getMetadata().setName(longName));
    env.apply(objects);
    StreamingPipeline p = env.awaitReady("invalid", longName, false, "InvalidSpec");
    assertThat(Conditions.find(p.getStatus().conditions, "Ready").orElseThrow().getMessage())
        .contains("metadata.name").contains("at most 45 characters");
    assertThat(env.client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment").inNamespace("invalid").list().getItems()).isEmpty();
  }

  @Test
  void anInvalidPipelineIsRefusedAtAdmission() {
    var objects = fraudScoringIn("refused");
    GenericKubernetesResource sp = objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).findFirst().orElseThrow();
    map(map(map(sp.getAdditionalProperties().get("spec")).get("topics")).get("output")).put("partitions", 0);
    assertThatThrownBy(() -> env.apply(List.of(sp)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.topics.output.partitions")
        .hasMessageContaining("greater than or equal to 1");
    assertThat(env.pipeline("refused", "fraud-scoring")).isNull();
  }

  /** The fraud-scoring example in a namespace of its own, with its topics prefixed by the namespace. */
  private static List<GenericKubernetesResource> fraudScoringIn(String namespace) {
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, namespace);
    return objects;
  }

  private static StreamingPipeline readyFraudScoringIn(String namespace) {
    env.apply(fraudScoringIn(namespace));
    return env.awaitReady(namespace, "fraud-scoring", true, "Ready");
  }



  /** The fraud-scoring pipeline in its own namespace, reading {@code input} and writing {@code output}. */
  private static List<GenericKubernetesResource> pipelineReading(String namespace, String input, String output,
      String deletionPolicy) {
    var objects = fraudScoringIn(namespace);
    GenericKubernetesResource sp = objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).findFirst().orElseThrow();
    Map<String, Object> spec = map(sp.getAdditionalProperties().get("spec"));
    Map<String, Object> topics = map(spec.get("topics"));
    map(((List<?>) topics.get("inputs")).get(0)).put("name", input);
    map(topics.get("output")).put("name", output);
    spec.put("deletionPolicy", deletionPolicy);
    return objects;
  }

  /** A topic's id and the sum of its partitions' end offsets. */
  record TopicState(String id, long endOffsets) {}

  private static TopicState topicState(String topic) throws Exception {
    try (Admin admin = env.kafka.admin()) {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
      var partitions = d.partitions().stream().collect(java.util.stream.Collectors.toMap(
          p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()), p -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
      long end = admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
      return new TopicState(d.topicId().toString(), end);
    }
  }

  private static java.util.Set<String> topicNames() throws Exception {
    try (Admin admin = env.kafka.admin()) {
      return admin.listTopics().names().get(10, TimeUnit.SECONDS);
    }
  }

  private static long writesIn(String namespace) {
    return env.api.writes().stream().filter(w -> w.path().contains("/namespaces/" + namespace + "/")).count();
  }

  private static GenericKubernetesResource get(String apiVersion, String kind, String namespace, String name) {
    return env.client.genericKubernetesResources(apiVersion, kind).inNamespace(namespace).withName(name).get();
  }

  private static Map<String, TopicDescription> describe(List<String> names) throws Exception {
    try (Admin admin = env.kafka.admin()) {
      return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
    }
  }

  private static String config(String topic, String key) throws Exception {
    try (Admin admin = env.kafka.admin()) {
      var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource).get(key).value();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }
}
