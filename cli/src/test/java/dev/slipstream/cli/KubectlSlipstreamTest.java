package dev.slipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.AnalysisCheck;
import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.RolloutRecord;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShedLevelChange;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin against the test API server, through a kubeconfig as a user's kubectl would reach a cluster. */
class KubectlSlipstreamTest {
  private static TestApiServer api;
  private static KubernetesClient client;
  private static Path kubeconfig;
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00.123Z"), ZoneOffset.UTC);

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    api = TestApiServer.startWithAllCrds();
    client = api.client();
    kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"), "payments");
    for (String ns : List.of("payments", "vision")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    List<GenericKubernetesResource> objects = Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml"));
    objects.stream().filter(o -> o.getKind().equals("StreamingPipeline"))
        .forEach(o -> client.resource(Manifests.typed(o)).create());
    StreamingPipeline p = client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get();
    p.setStatus(status());
    client.resource(p).updateStatus();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** A pipeline in a canary of fraud-v3 at 25%, after fraud-v2 was promoted, once scaled out. */
  private static StreamingPipelineStatus status() {
    StreamingPipelineStatus s = new StreamingPipelineStatus();
    s.phase = "Ready";
    s.model = "fraud-v2@2";
    s.consumerLag = 42L;
    s.conditions = List.of(
        new ConditionBuilder().withType("Ready").withStatus("True").withReason("Ready")
            .withMessage("Topics exist, fraud-v2@2 is serving and the Flink job is running")
            .withLastTransitionTime("2026-12-02T09:00:00Z").build(),
        new ConditionBuilder().withType("Progressing").withStatus("True").withReason("AwaitingApproval")
            .withMessage("awaiting approval to move fraud-v3 to 50%").withLastTransitionTime("2026-12-02T09:58:00Z").build());
    RolloutStatus r = new RolloutStatus();
    r.phase = "AwaitingApproval";
    r.stable = "fraud-v2";
    r.candidate = "fraud-v3";
    r.weight = 25;
    r.message = "awaiting approval to move fraud-v3 to 50% (spec.rollout.canary.approvals)";
    AnalysisResult p99 = new AnalysisResult("p99LatencyMs", "candidate", 80.0, 250.0, "Pass", "candidate p99 latency 80ms <= 250ms");
    p99.source = "1000 * histogram_quantile(0.99, ...)";
    r.checks = List.of(new AnalysisCheck("2026-12-02T09:59:00Z", "Canary", 25, "Pass", List.of(p99)));
    RolloutRecord promoted = new RolloutRecord();
    promoted.candidate = "fraud-v2";
    promoted.stable = "fraud-v1";
    promoted.outcome = "Succeeded";
    promoted.startedAt = "2026-12-02T08:00:00Z";
    promoted.endedAt = "2026-12-02T08:10:00Z";
    promoted.maxWeight = 100;
    promoted.message = "fraud-v2 promoted: passed every check up to 100%";
    r.history = List.of(promoted);
    r.lastCommand = "approve/earlier";
    s.rollout = r;
    ShedStatus shed = new ShedStatus();
    shed.policy = "fraud-shed";
    shed.level = 0;
    shed.levelName = "normal";
    shed.since = "2026-12-02T09:30:00Z";
    ShedLevelChange out = new ShedLevelChange();
    out.at = "2026-12-02T09:20:00Z";
    out.from = 0;
    out.to = 1;
    out.levelName = "scale-out";
    out.reason = "ConsumerLagHigh";
    out.message = "entered level 1/3 'scale-out': consumerLag 60000 > 1000";
    shed.history = List.of(out);
    s.shed = shed;
    return s;
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("--kubeconfig=" + kubeconfig),
        java.util.stream.Stream.of(args)).toArray(String[]::new);
    int code = new KubectlSlipstream(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), CLOCK).run(all);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void statusListsThePipelinesOfTheContextsNamespaceOrAllWithTheirRolloutAndLag() {
    Result r = run("status");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines().toList()).containsExactly(
        "NAME            READY   PHASE   MODEL        ROLLOUT            CANDIDATE   WEIGHT   LAG   SHED",
        "fraud-scoring   True    Ready   fraud-v2@2   AwaitingApproval   fraud-v3    25%      42    normal");
    assertThat(run("status", "-A").out()).startsWith("NAMESPACE   NAME").contains("payments    fraud-scoring");
    assertThat(run("status", "-n", "vision").out()).isEqualTo("No pipelines found in namespace vision.\n");
  }

  @Test
  @SuppressWarnings("unchecked")
  void statusAndHistoryAsJsonAndYamlForScripts() {
    List<Map<String, Object>> rows = Serialization.unmarshal(run("status", "-o", "json").out(), List.class);
    assertThat(rows).singleElement().satisfies(row -> assertThat(row).containsEntry("rollout", "AwaitingApproval")
        .containsEntry("weight", "25%").containsEntry("lag", 42));
    Map<String, Object> history = Serialization.unmarshal(run("history", "fraud-scoring", "-o", "yaml").out(), Map.class);
    assertThat((List<Map<String, Object>>) history.get("rollouts")).singleElement()
        .satisfies(rollout -> assertThat(rollout).containsEntry("outcome", "Succeeded").containsEntry("maxWeight", 100));
    assertThat((List<Object>) history.get("checks")).hasSize(1);
    assertThat((List<Object>) history.get("shed")).hasSize(1);
  }

  @Test
  void historyPrintsTheRolloutsTheChecksAndTheShedLevels() {
    Result r = run("history", "fraud-scoring");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Rollouts of payments/fraud-scoring:")
        .contains("2026-12-02T08:00:00Z   2026-12-02T08:10:00Z   fraud-v2    fraud-v1   Succeeded   -        100%")
        .contains("Checks of fraud-v3 (AwaitingApproval):")
        .contains("2026-12-02T09:59:00Z   Canary   25%      Pass      candidate p99 latency 80ms <= 250ms")
        .contains("0 -> 1   scale-out   ConsumerLagHigh   entered level 1/3 'scale-out': consumerLag 60000 > 1000");
  }

  @Test
  void explainSaysWhyInWordsWithTheMeasuredValuesAndWhereTheyCameFrom() {
    Result r = run("explain", "fraud-scoring");
    assertThat(r.out()).startsWith("payments/fraud-scoring is Ready (phase Ready): Topics exist, fraud-v2@2 is serving")
        .contains("Rollout AwaitingApproval: fraud-v3 at 25% beside fraud-v2: awaiting approval to move fraud-v3 to 50%")
        .contains("Last check at 2026-12-02T09:59:00Z (Canary, 25%): Pass")
        .contains("  Pass  candidate p99 latency 80ms <= 250ms\n        from: 1000 * histogram_quantile(0.99, ...)")
        .contains("Last rollout: fraud-v2 Succeeded at 2026-12-02T08:10:00Z, after reaching 100%");
  }

  @Test
  void aCommandSetsTheAnnotationWithANewIdAndNothingElse() {
    StreamingPipeline before = client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get();
    Result r = run("approve", "fraud-scoring");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("slipstream.dev/rollout=approve/2026-12-02T10-00-00.123Z set");
    StreamingPipeline after = client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get();
    assertThat(after.getMetadata().getAnnotations()).containsEntry("slipstream.dev/rollout", "approve/2026-12-02T10-00-00.123Z");
    assertThat(Serialization.asJson(after.getSpec())).as("the spec a user owns is untouched").isEqualTo(Serialization.asJson(before.getSpec()));

    // the value the operator last acted on is refused: it would be a no-op
    Result again = run("retry", "fraud-scoring", "--id=earlier");
    assertThat(again.code()).as(again.err()).isZero();
    Result same = run("approve", "fraud-scoring", "--id=earlier");
    assertThat(same.code()).isEqualTo(1);
    assertThat(same.err()).contains("approve/earlier was already acted on");
  }

  @Test
  void pauseAndResumeSetTheDeclarativePause() {
    assertThat(run("pause", "fraud-scoring").code()).isZero();
    assertThat(client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get()
        .getSpec().rollout.paused).isTrue();
    assertThat(run("resume", "fraud-scoring").code()).isZero();
    assertThat(client.resources(StreamingPipeline.class).inNamespace("payments").withName("fraud-scoring").get()
        .getSpec().rollout.paused).isFalse();
  }

  @Test
  void aMissingPipelineOrAWrongCommandLineIsAClearErrorWithItsOwnExitCode() {
    Result missing = run("explain", "fraud-scorng");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("error: streamingpipeline fraud-scorng not found in namespace payments\n");
    Result usage = run("promote");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(usage.err()).startsWith("error: promote needs a PIPELINE");
    assertThat(run("status", "-o", "wide").err()).startsWith("error: -o takes json or yaml");
    assertThat(run("rollback", "fraud-scoring").err()).startsWith("error: unknown command rollback");
  }
}
