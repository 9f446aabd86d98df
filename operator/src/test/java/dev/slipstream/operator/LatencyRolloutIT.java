package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.EmbeddedPrometheus;
import dev.slipstream.testkit.Manifests;
import dev.slipstream.testkit.ModelMetricsEndpoint;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rollouts judged on latency from a real Prometheus scraping the versions' inference metrics. */
class LatencyRolloutIT {
  private static ModelMetricsEndpoint metrics;
  private static EmbeddedPrometheus prometheus;
  private static OperatorFixture env;

  @BeforeAll
  static void start() {
    metrics = ModelMetricsEndpoint.start();
    prometheus = EmbeddedPrometheus.start(metrics.port());
    env = new OperatorFixture(prometheus.url());
  }

  @AfterAll
  static void stop() {
    env.close();
    prometheus.close();
    metrics.close();
  }

  /**
   * The example in its own namespace on fraud-v1, both versions answering in 40ms, then the reference moved to fraud-v2;
   * returns once the canary is at its second step (60%).
   */
  private static void rollOut(String namespace, Map<String, Object> analysis) {
    var objects = env.example("fraud-scoring.yaml");
    Manifests.moveTo(objects, namespace);
    env.apply(objects);
    env.awaitReady(namespace, "fraud-scoring", true, "Ready");
    env.createFraudV2(namespace);
    // as the model server reports them: the ModelVersions' modelName and version
    metrics.serve(namespace, "fraud-scoring", "fraud", "1", 40, 0);
    metrics.serve(namespace, "fraud-scoring", "fraud", "2", 40, 0);
    Map<String, Object> rollout = Map.of("canary", Map.of("steps", new int[] {20, 60, 100}, "interval", "5s"),
        "analysis", analysis);
    env.client.resources(StreamingPipeline.class).inNamespace(namespace).withName("fraud-scoring")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", Map.of("rollout", rollout,
            "serving", Map.of("modelVersionRef", Map.of("name", "fraud-v2"))))));
    await().atMost(Duration.ofSeconds(40)).until(() -> Integer.valueOf(60).equals(rollout(namespace).weight));
  }

  /** The check that let the canary to its second step passed {@code metric}, for the reason given. */
  private static void passedFirstStep(String namespace, String metric, String why) {
    assertThat(rollout(namespace).lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo(metric);
      assertThat(r.verdict).as(why).isEqualTo("Pass");
    });
  }

  @Test
  void aCandidateWhoseP99RisesAboveTheSloIsRolledBackAndEverySurfaceNamesMetricValueAndThreshold() {
    rollOut("p99", Map.of());
    assertThat(rollout("p99").lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("p99LatencyMs");
      assertThat(r.verdict).as("the first step passed on real data").isEqualTo("Pass");
      assertThat(r.value).isBetween(25.0, 50.0);
    });

    metrics.serve("p99", "fraud-scoring", "fraud", "2", 400, 0);
    await().atMost(Duration.ofSeconds(60)).until(() -> "RolledBack".equals(rollout("p99").phase));
    StreamingPipeline p = env.pipeline("p99", "fraud-scoring");
    assertThat(p.getStatus().rollout.weight).isZero();
    assertThat(p.getStatus().rollout.lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("p99LatencyMs");
      assertThat(r.value).isGreaterThan(250.0);
      assertThat(r.threshold).isEqualTo(250.0);
      assertThat(r.verdict).isEqualTo("Fail");
    });
    var rolledBack = Conditions.find(p.getStatus().conditions, "RolledBack").orElseThrow();
    assertThat(rolledBack.getMessage()).contains("candidate p99 latency").contains("> 250ms").contains("(3/3 consecutive)");
    assertThat(Conditions.isTrue(p.getStatus().conditions, "Ready")).isTrue();
    assertThat(env.client.v1().events().inNamespace("p99").list().getItems()).anySatisfy(e -> {
      assertThat(e.getReason()).isEqualTo("CanaryAnalysisFailed");
      assertThat(e.getMessage()).matches("candidate p99 latency \\d+(\\.\\d)?ms > 250ms \\(3/3 consecutive\\)");
    });
  }

  @Test
  void aCandidateFailingAFifthOfItsRequestsIsRolledBackOnItsErrorRate() {
    rollOut("errors", Map.of());
    passedFirstStep("errors", "errorRatePercent", "no errors, the first step passed");

    // the candidate answers 5xx on 20% of its requests; the stable version's stay clean
    metrics.serve("errors", "fraud-scoring", "fraud", "2", 40, 20);
    await().atMost(Duration.ofSeconds(60)).until(() -> "RolledBack".equals(rollout("errors").phase));
    StreamingPipeline p = env.pipeline("errors", "fraud-scoring");
    assertThat(p.getStatus().rollout.lastAnalysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("errorRatePercent");
      assertThat(r.target).isEqualTo("candidate");
      assertThat(r.value).isBetween(15.0, 25.0);
      assertThat(r.verdict).isEqualTo("Fail");
    });
    assertThat(Conditions.find(p.getStatus().conditions, "RolledBack").orElseThrow().getMessage())
        .contains("candidate error rate").contains("> 1.00%").contains("(3/3 consecutive)");
  }

  @Test
  void aCandidateWithinTheSloButFarSlowerThanTheStableVersionIsRolledBackAgainstIt() {
    rollOut("vs-stable", Map.of("comparedToStable", Map.of("maxP99IncreaseMs", 50)));
    passedFirstStep("vs-stable", "p99VsStable", "as fast as stable: passed");

    // 180ms is inside the 250ms SLO, but stable answers in 40ms and the allowance is 50ms
    metrics.serve("vs-stable", "fraud-scoring", "fraud", "2", 180, 0);
    await().atMost(Duration.ofSeconds(60)).until(() -> "RolledBack".equals(rollout("vs-stable").phase));
    var analysis = rollout("vs-stable").lastAnalysis;
    assertThat(analysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("p99LatencyMs");
      assertThat(r.verdict).as("inside the absolute SLO").isEqualTo("Pass");
    });
    assertThat(analysis).anySatisfy(r -> {
      assertThat(r.metric).isEqualTo("p99VsStable");
      assertThat(r.verdict).isEqualTo("Fail");
      assertThat(r.message).matches("candidate p99 latency \\d+(\\.\\d)?ms > stable \\d+(\\.\\d)?ms \\+ 50ms");
    });
  }

  @Test
  void prometheusGoingAwayHoldsTheCanaryThenFailsAfterTheNoDataTimeoutAndTheOperatorKeepsRunning() {
    rollOut("noprom", Map.of("noDataTimeoutIntervals", 2));
    Set<String> messages = ConcurrentHashMap.newKeySet();
    prometheus.stop();
    try {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
        var r = rollout("noprom");
        messages.add(r.message);
        return "RolledBack".equals(r.phase);
      });
    } finally {
      prometheus.restart();
    }
    assertThat(messages).as("held before failing").anySatisfy(m -> assertThat(m).startsWith("holding: candidate p99 latency: no data"));
    StreamingPipeline p = env.pipeline("noprom", "fraud-scoring");
    assertThat(p.getStatus().rollout.message).contains("no data").contains("for 2 intervals (3/3 consecutive)");
    assertThat(p.getStatus().rollout.weight).isZero();
    assertThat(Conditions.isTrue(p.getStatus().conditions, "Ready")).as("the operator kept reconciling").isTrue();
  }

  private static dev.slipstream.api.v1alpha1.RolloutStatus rollout(String namespace) {
    return env.pipeline(namespace, "fraud-scoring").getStatus().rollout;
  }
}
