package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.slipstream.api.v1alpha1.RolloutSpec;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout as an SRE lives it, told where SREs look: a canary that fails a check and is rolled back, retried with
 * {@code kubectl slipstream retry}, held before its last step until {@code kubectl slipstream approve}, then promoted.
 * Each step is in {@code kubectl slipstream history}; each notification reaches the team's receiver exactly once; a
 * command re-applied with the same id (as a GitOps tool's self-heal does) is not acted on twice; and the operator
 * never writes the pipeline's metadata or spec.
 */
class RolloutStoryIT {
  private static final String NS = "story";

  @Test
  void failedCheckRetryApprovalAndPromotionEachSeenInHistoryAndNotifiedOnce(@TempDir Path dir) throws Exception {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/team", exchange -> {
      received.add(Serialization.jsonMapper().readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    // the platform team's sink, which the operator's admin declared for every pipeline
    List<JsonNode> platform = new CopyOnWriteArrayList<>();
    receiver.createContext("/platform", exchange -> {
      platform.add(Serialization.jsonMapper().readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    Path platformUrl = Files.writeString(dir.resolve("platform-url"),
        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/platform\n");
    try (OperatorFixture env = new OperatorFixture("", "--notification-allowed-hosts=127.0.0.1",
        "--notification-sinks=platform:Slack:" + platformUrl)) {
      Path kubeconfig = env.api.writeKubeconfig(dir.resolve("kubeconfig"), null);
      var objects = env.example("fraud-scoring.yaml");
      Manifests.moveTo(objects, NS);
      // no ShedPolicy: under its ladder a flood is load to shed, and a degraded pipeline does not judge the lag
      objects.stream().filter(o -> "StreamingPipeline".equals(o.getKind())).forEach(o -> ((Map<String, Object>)
          ((Map<String, Object>) o.getAdditionalProperties().get("spec")).get("serving")).remove("shedPolicyRef"));
      env.apply(objects);
      env.client.resource(new SecretBuilder().withNewMetadata().withName("team-webhook").withNamespace(NS).endMetadata()
          .withStringData(Map.of("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/team")).build()).create();
      env.awaitReady(NS, "fraud-scoring", true, "Ready");
      env.createFraudV2(NS);
      RolloutSpec rollout = OperatorFixture.fastRollout(50, 100);
      rollout.analysis.failureThreshold = 1;
      rollout.canary.approvals = List.of(100);
      spec(env, Map.of("rollout", rollout, "serving", Map.of("modelVersionRef", Map.of("name", "fraud-v2")),
          "notifications", List.of(Map.of("name", "team", "urlSecretRef", Map.of("name", "team-webhook")))));

      // the candidate takes traffic, then the input floods past the lag SLO: one failed check rolls it back
      await().atMost(Duration.ofSeconds(30)).until(() -> rollout(env).weight != null && rollout(env).weight == 50);
      env.produce(NS + "-card-transactions", 12_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> "RolledBack".equals(rollout(env).phase));

      // retried: the backlog it left is the new baseline, so the candidate is judged on what it adds
      assertThat(plugin(kubeconfig, "retry", "fraud-scoring", "-n", NS)).startsWith("streamingpipeline story/fraud-scoring:");
      await().atMost(Duration.ofSeconds(60)).until(() -> "AwaitingApproval".equals(rollout(env).phase));
      assertThat(rollout(env).weight).as("held before the step that needs a person").isEqualTo(50);
      assertThat(plugin(kubeconfig, "explain", "fraud-scoring", "-n", NS))
          .contains("Rollout AwaitingApproval: fraud-v2 at 50% beside fraud-v1: awaiting approval to move fraud-v2 to 100%");

      plugin(kubeconfig, "approve", "fraud-scoring", "-n", NS, "--id=first");
      await().atMost(Duration.ofSeconds(60)).until(() -> "Succeeded".equals(rollout(env).phase));

      // a GitOps tool re-applies the same command: nothing happens a second time
      long approvals = events(env, "CanaryStepApproved");
      env.client.resources(StreamingPipeline.class).inNamespace(NS).withName("fraud-scoring").patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"slipstream.dev/rollout\":\"approve/first\"}}}");
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> events(env, "ApprovalIgnored") == 0
          && events(env, "CanaryStepApproved") == approvals);

      String history = plugin(kubeconfig, "history", "fraud-scoring", "-n", NS);
      assertThat(history).containsPattern("fraud-v2 +fraud-v1 +RolledBack +AnalysisFailed +50%")
          .containsPattern("fraud-v2 +fraud-v1 +Succeeded +- +100%")
          .containsPattern("Canary +50% +Pass +pipeline consumer lag 12000 > 10000 but not above its baseline 12000")
          .containsPattern("Canary +100% +Pass");

      List<String> expected = List.of("RolloutStarted", "CanaryAnalysisFailed", "RolledBack", "RolloutRetried",
          "ApprovalRequired", "CanaryStepApproved", "Promoting", "RolloutSucceeded");
      await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= expected.size());
      // delivered in the background, each on its own: the order is the decisions' time, not necessarily arrival
      List<JsonNode> byTime = received.stream().sorted(java.util.Comparator.comparing(e -> java.time.Instant.parse(e.get("time").asText()))).toList();
      assertThat(byTime).extracting(e -> e.get("type").asText().substring("dev.slipstream.rollout.".length()))
          .as("each decision notified once, in order").containsExactlyElementsOf(expected);
      assertThat(received).extracting(e -> e.get("id").asText()).doesNotHaveDuplicates();
      assertThat(byTime.get(2).get("data").get("rollbackReason").asText()).isEqualTo("AnalysisFailed");
      assertThat(received).allSatisfy(e -> assertThat(e.get("source").asText())
          .isEqualTo("/apis/slipstream.dev/v1alpha1/namespaces/story/streamingpipelines/fraud-scoring"));
      await().atMost(Duration.ofSeconds(20)).until(() -> platform.size() >= expected.size());
      assertThat(platform).as("the admin's sink hears of every pipeline, in its own format").hasSize(expected.size())
          .allSatisfy(m -> assertThat(m.get("text").asText()).contains("*story/fraud-scoring*"));
      assertThat(env.metrics()).contains(
          "slipstream_notifications_total{namespace=\"story\",pipeline=\"fraud-scoring\",result=\"delivered\",sink=\"team\"} 8.0");
    } finally {
      receiver.stop(0);
    }
    // OperatorFixture.close() has asserted that the operator wrote no pipeline's metadata or spec
  }

  private static dev.slipstream.api.v1alpha1.RolloutStatus rollout(OperatorFixture env) {
    var status = env.pipeline(NS, "fraud-scoring").getStatus();
    return status == null || status.rollout == null ? new dev.slipstream.api.v1alpha1.RolloutStatus() : status.rollout;
  }

  private static long events(OperatorFixture env, String reason) {
    return env.events(NS).stream().filter(e -> reason.equals(e.getReason())).count();
  }

  private static void spec(OperatorFixture env, Map<String, Object> spec) {
    env.client.resources(StreamingPipeline.class).inNamespace(NS).withName("fraud-scoring")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", spec)));
  }

  /** kubectl slipstream, run as a user would, through a kubeconfig; returns what it printed, failing on an error. */
  private static String plugin(Path kubeconfig, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("--kubeconfig=" + kubeconfig),
        java.util.stream.Stream.of(args)).toArray(String[]::new);
    int code = dev.slipstream.cli.KubectlSlipstream.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }
}
