package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.EmbeddedPrometheus;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.ModelMetricsEndpoint;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus sources the operator's admin declares: a real Prometheus serving only over TLS (a self-signed
 * certificate) and only to basic auth, reached through a named source with its CA and credentials in files; a
 * wrong password and an address the admin did not allow, each refused or without data, and nothing leaked.
 */
class PrometheusSourcesIT {
  private static final String USER = "slipstream";
  private static final String PASSWORD = "prometheus-test-password";
  private static final String WRONG = "not-the-prometheus-password";
  private static ModelMetricsEndpoint metrics;
  private static EmbeddedPrometheus prometheus;
  private static OperatorFixture env;
  private static Path dir;

  @BeforeAll
  static void start() throws IOException {
    metrics = ModelMetricsEndpoint.start();
    prometheus = EmbeddedPrometheus.startSecured(USER, PASSWORD, metrics.port());
    dir = Files.createTempDirectory("prometheus-sources");
    // as the chart mounts them from Secrets in the operator's namespace
    Files.writeString(dir.resolve("username"), USER);
    Files.writeString(dir.resolve("password"), PASSWORD + "\n");
    Files.writeString(dir.resolve("wrong-password"), WRONG);
    Files.copy(prometheus.certificates().certificatePem(), dir.resolve("ca.crt"));
    Files.writeString(dir.resolve("sources.yaml"), """
        sources:
          - name: secure
            url: %1$s
            basicAuth: {usernameFile: %2$s/username, passwordFile: %2$s/password}
            caFile: %2$s/ca.crt
          - name: wrong-password
            url: %1$s
            basicAuth: {usernameFile: %2$s/username, passwordFile: %2$s/wrong-password}
            caFile: %2$s/ca.crt
          - name: by-name
            url: %1$s
            basicAuth: {usernameFile: %2$s/username, passwordFile: %2$s/password}
            caFile: %2$s/ca.crt
            serverName: prometheus
          - name: wrong-name
            url: %1$s
            basicAuth: {usernameFile: %2$s/username, passwordFile: %2$s/password}
            caFile: %2$s/ca.crt
            serverName: prometheus.elsewhere
        """.formatted(prometheus.url(), dir));
    env = new OperatorFixture("", "--prometheus-sources=" + dir.resolve("sources.yaml"));
  }

  @AfterAll
  static void stop() {
    env.close();
    prometheus.close();
    metrics.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }

  @Test
  void aNamedSourceBehindTlsAndBasicAuthGivesTheChecksTheirData() {
    rollOut("secure", Map.of("source", "secure"));
    await().atMost(Duration.ofSeconds(60)).until(() -> Integer.valueOf(60).equals(rollout("secure").weight));
    assertThat(rollout("secure").lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("p99LatencyMs");
      assertThat(r.verdict).as("measured through TLS and basic auth").isEqualTo("Pass");
      assertThat(r.value).isBetween(25.0, 50.0);
    });
  }

  @Test
  void aServerNameOtherThanTheUrlsHostIsWhatTheCertificateMustCarry() {
    rollOut("by-name", Map.of("source", "by-name"));
    await().atMost(Duration.ofSeconds(60)).until(() -> Integer.valueOf(60).equals(rollout("by-name").weight));
    rollOut("wrong-name", Map.of("source", "wrong-name"));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(rollout("wrong-name").lastAnalysis)
        .anySatisfy(r -> {
          assertThat(r.metric).isEqualTo("p99LatencyMs");
          assertThat(r.verdict).as("the certificate names 127.0.0.1 and prometheus, not prometheus.elsewhere")
              .isEqualTo("NoData");
        }));
  }

  @Test
  void theSameSourceWithAWrongPasswordHasNoDataAndThePasswordAppearsNowhere() {
    var captured = new CapturedLog();
    try (captured) {
      rollOut("wrong", Map.of("source", "wrong-password"));
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(rollout("wrong").lastAnalysis).anySatisfy(r -> {
        assertThat(r.metric).isEqualTo("p99LatencyMs");
        assertThat(r.verdict).isEqualTo("NoData");
      }));
    }
    assertThat(rollout("wrong").weight).as("never past the first step without data").isLessThanOrEqualTo(20);
    String logs = captured.text();
    assertThat(logs).contains("Prometheus source wrong-password (" + prometheus.url() + ") answered 401");
    String visible = logs + Serialization.asJson(env.pipeline("wrong", "fraud-scoring"))
        + Serialization.asJson(env.client.v1().events().inNamespace("wrong").list()) + env.metrics();
    assertThat(visible).doesNotContain(WRONG).doesNotContain(PASSWORD);
  }

  @Test
  void anAddressTheAdminDidNotAllowAndAnUnknownSourceAreRefusedAndNothingIsCreated() {
    applyWithAnalysis("metadata", Map.of("address", "http://169.254.169.254/latest/meta-data/"));
    StreamingPipeline refused = env.awaitReady("metadata", "fraud-scoring", false, "InvalidSpec");
    assertThat(Conditions.find(refused.getStatus().conditions, "Ready").orElseThrow().getMessage())
        .contains("host '169.254.169.254' is not among the hosts it allows a pipeline to name (none)")
        .contains("name one in spec.rollout.analysis.prometheus.source: by-name, secure, wrong-name, wrong-password");
    assertThat(env.client.genericKubernetesResources("serving.kserve.io/v1beta1", "InferenceService")
        .inNamespace("metadata").list().getItems()).isEmpty();

    applyWithAnalysis("unknown", Map.of("source", "prod"));
    assertThat(Conditions.find(env.awaitReady("unknown", "fraud-scoring", false, "InvalidSpec").getStatus().conditions,
        "Ready").orElseThrow().getMessage()).contains("source 'prod' is not a Prometheus source of this operator");
  }

  /** The example in its own namespace with a rollout analysis reading {@code prometheus}. */
  private static void applyWithAnalysis(String namespace, Map<String, Object> prometheusSpec) {
    List<GenericKubernetesResource> objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, namespace);
    objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).forEach(o -> StreamingPipelineIT
        .map(o.getAdditionalProperties().get("spec")).put("rollout", Map.of("analysis", Map.of("prometheus", prometheusSpec))));
    env.apply(objects);
  }

  /** The example on fraud-v1 in its own namespace, both versions at 40 ms, then the reference moved to fraud-v2. */
  private static void rollOut(String namespace, Map<String, Object> prometheusSpec) {
    applyWithAnalysis(namespace, prometheusSpec);
    env.awaitReady(namespace, "fraud-scoring", true, "Ready");
    env.createFraudV2(namespace);
    metrics.serve(namespace, "fraud-scoring", "fraud", "1", 40, 0);
    metrics.serve(namespace, "fraud-scoring", "fraud", "2", 40, 0);
    Map<String, Object> rollout = Map.of("canary", Map.of("steps", new int[] {20, 60, 100}, "interval", "5s"),
        "analysis", Map.of("prometheus", prometheusSpec));
    env.client.resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", Map.of("rollout", rollout,
            "serving", Map.of("modelVersionRef", Map.of("name", "fraud-v2"))))));
    await().atMost(Duration.ofSeconds(40)).until(() -> rollout(namespace) != null && rollout(namespace).weight != null
        && rollout(namespace).weight > 0);
  }

  private static RolloutStatus rollout(String namespace) {
    return env.pipeline(namespace, "fraud-scoring").getStatus().rollout;
  }
}
