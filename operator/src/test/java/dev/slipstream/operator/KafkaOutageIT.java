package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.EmbeddedKafka;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** The broker goes away under a Ready pipeline and comes back: reported, nothing lost, recovered without help. */
class KafkaOutageIT extends WithOperator {
  @Test
  void anOutageIsReportedAsKafkaUnavailableAndThePipelineRecoversWhenTheBrokerReturns() throws Exception {
    env.apply(env.example("fraud-scoring.yaml"));
    StreamingPipeline ready = env.awaitReady("payments", "fraud-scoring", true, "Ready");
    GenericKubernetesResource jobBefore = flinkDeployment();

    env.kafka.stop();
    StreamingPipeline down = env.awaitReady("payments", "fraud-scoring", false, "KafkaUnavailable");
    var topicsReady = Conditions.find(down.getStatus().conditions, "TopicsReady").orElseThrow();
    assertThat(topicsReady.getStatus()).isEqualTo("False");
    assertThat(topicsReady.getReason()).isEqualTo("KafkaUnavailable");
    assertThat(topicsReady.getMessage()).contains(env.kafka.bootstrapServers()).contains("nothing is deleted");
    assertThat(down.getStatus().phase).isEqualTo("Degraded");
    assertThat(down.getStatus().topics).as("the last known topics stay in status").isEqualTo(ready.getStatus().topics);
    assertThat(Conditions.isTrue(down.getStatus().conditions, "ServingReady")).isTrue();
    assertThat(flinkDeployment().getMetadata().getResourceVersion())
        .as("the running Flink job is left alone while Kafka is away")
        .isEqualTo(jobBefore.getMetadata().getResourceVersion());
    assertThat(env.client.v1().events().inNamespace("payments").list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("KafkaUnavailable");
          assertThat(e.getType()).isEqualTo("Warning");
        });

    env.kafka.restart();
    StreamingPipeline back = env.awaitReady("payments", "fraud-scoring", true, "Ready");
    assertThat(back.getStatus().topics).extracting(t -> t.topicId).as("the same topics, none recreated")
        .containsExactlyElementsOf(ready.getStatus().topics.stream().map(t -> t.topicId).toList());
    try (Admin admin = env.kafka.admin()) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .as("no topic was lost or recreated empty").contains("card-transactions", "fraud-scores", "fraud-scores.late");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(env.pipeline("payments", "fraud-scoring").getStatus().consumerLag).isZero());
    assertThat(env.pipeline("payments", "fraud-scoring").getStatus().phase).isEqualTo("Ready");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(env.events("payments"))
        .extracting(io.fabric8.kubernetes.api.model.Event::getReason)
        .as("its first Ready unrecorded, the outage and the return after it recorded").containsExactly("KafkaUnavailable", "Ready"));
    dev.slipstream.testkit.Reliability.record("Faults", "the Kafka broker stopped under a Ready pipeline, then restarted",
        "KafkaUnavailable reported with backoff, nothing deleted or recreated, Ready again by itself");
  }

  @Test
  void eachWayKafkaRefusesAPipelineHasItsOwnReasonNamingTheAddressAndNoStackTrace() {
    var captured = new CapturedLog();
    String sasl = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + EmbeddedKafka.SASL_USER
        + "\" password=\"%s\";";
    try {
      apply("typo", "kafka.invalid:9092", null);
      // the TLS listener's self-signed certificate, not trusted by this client
      apply("tls", env.kafka.tlsBootstrapServers(), Map.of("security.protocol", "SSL"));
      apply("tls-trusted", env.kafka.tlsBootstrapServers(), Map.of("security.protocol", "SSL",
          "ssl.truststore.type", "PEM", "ssl.truststore.certificates", env.kafka.tlsCertificatePem()));
      apply("sasl-wrong", env.kafka.saslBootstrapServers(), Map.of("security.protocol", "SASL_PLAINTEXT",
          "sasl.mechanism", "PLAIN", "sasl.jaas.config", sasl.formatted("not-the-password")));
      apply("sasl-right", env.kafka.saslBootstrapServers(), Map.of("security.protocol", "SASL_PLAINTEXT",
          "sasl.mechanism", "PLAIN", "sasl.jaas.config", sasl.formatted(EmbeddedKafka.SASL_PASSWORD)));
      // the same right credentials in a namespace where the operator's RBAC grants no Secret access
      env.api.forbidSecrets(OperatorFixture.OPERATOR_AGENT, "no-secrets");
      apply("no-secrets", env.kafka.saslBootstrapServers(), Map.of("security.protocol", "SASL_PLAINTEXT",
          "sasl.mechanism", "PLAIN", "sasl.jaas.config", sasl.formatted(EmbeddedKafka.SASL_PASSWORD)));

      assertThat(message(env.awaitReady("typo", "fraud-scoring", false, "KafkaAddressUnresolvable")))
          .contains("Kafka address kafka.invalid:9092 does not resolve").contains("spec.kafka.bootstrapServers");
      assertThat(message(env.awaitReady("tls", "fraud-scoring", false, "KafkaTlsHandshakeFailed")))
          .contains("TLS handshake with Kafka at " + env.kafka.tlsBootstrapServers() + " failed")
          .contains("Secret kafka-client (spec.kafka.clientSecretRef)");
      assertThat(message(env.awaitReady("sasl-wrong", "fraud-scoring", false, "KafkaAuthenticationFailed")))
          .contains("Kafka at " + env.kafka.saslBootstrapServers() + " refused the pipeline's credentials")
          .doesNotContain("not-the-password");
      env.awaitReady("sasl-right", "fraud-scoring", true, "Ready");
      assertThat(message(env.awaitReady("no-secrets", "fraud-scoring", false, "KafkaSecretForbidden")))
          .contains("the operator may not read Secret kafka-client (spec.kafka.clientSecretRef)")
          .contains("cannot get resource \"secrets\"").contains("add namespace no-secrets");
      env.awaitReady("tls-trusted", "fraud-scoring", true, "Ready");
      // a few retries of each failing pipeline
      long reconciles = env.reconciles.finished("StreamingPipeline", "sasl-wrong", "fraud-scoring");
      await().atMost(Duration.ofSeconds(30))
          .until(() -> env.reconciles.finished("StreamingPipeline", "sasl-wrong", "fraud-scoring") >= reconciles + 2);
    } finally {
      captured.close();
    }
    List<ch.qos.logback.classic.spi.ILoggingEvent> logged = captured.events();
    for (String namespace : List.of("typo", "tls", "sasl-wrong", "no-secrets")) {
      var ours = logged.stream().filter(e -> e.getLoggerName().startsWith("dev.slipstream")
          && e.getFormattedMessage().contains("pipeline " + namespace + "/fraud-scoring")).toList();
      long retries = env.reconciles.finished("StreamingPipeline", namespace, "fraud-scoring");
      assertThat(ours).as("the operator's lines about " + namespace).isNotEmpty()
          .allSatisfy(e -> assertThat(e.getThrowableProxy()).as("a stack trace in: " + e.getFormattedMessage()).isNull())
          .hasSizeLessThanOrEqualTo((int) retries);
    }
    assertThat(logged).as("no stack trace from the operator or its framework")
        .filteredOn(e -> !e.getLoggerName().startsWith("org.apache.kafka") && e.getThrowableProxy() != null)
        .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).isEmpty();
    assertThat(captured.text()).doesNotContain("not-the-password").doesNotContain(EmbeddedKafka.SASL_PASSWORD);
  }

  /** The fraud-scoring example in its own namespace, on {@code bootstrap}, with a client Secret when properties are given. */
  private static void apply(String namespace, String bootstrap, Map<String, String> clientProperties) {
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, namespace);
    GenericKubernetesResource sp = objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).findFirst().orElseThrow();
    Map<String, Object> kafka = StreamingPipelineIT.map(StreamingPipelineIT.map(sp.getAdditionalProperties().get("spec")).get("kafka"));
    kafka.put("bootstrapServers", bootstrap);
    if (clientProperties != null) {
      env.client.resource(new SecretBuilder().withNewMetadata().withName("kafka-client").withNamespace(namespace).endMetadata()
          .withStringData(clientProperties).build()).create();
      kafka.put("clientSecretRef", Map.of("name", "kafka-client"));
    }
    env.apply(objects);
  }

  private static String message(StreamingPipeline p) {
    return Conditions.find(p.getStatus().conditions, "TopicsReady").orElseThrow().getMessage();
  }

  private static GenericKubernetesResource flinkDeployment() {
    return env.client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment")
        .inNamespace("payments").withName("fraud-scoring").get();
  }
}
