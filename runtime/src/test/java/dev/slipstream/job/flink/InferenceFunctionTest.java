package dev.slipstream.job.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.core.model.JobContract;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.event.FeaturedEvent;
import dev.slipstream.job.metrics.JobMetrics;
import dev.slipstream.job.output.Decision;
import dev.slipstream.testkit.ExampleContract;
import dev.slipstream.testkit.TestModelServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.Test;

/**
 * The function's own deadlines (Flink's async operator runs without a timeout): the race between the client's deadline
 * and the function's for one event is one answer and one count; an event whose batch is still waiting is answered at
 * its deadline. Batches: one request, a row each, never two versions, the in-flight bound.
 */
class InferenceFunctionTest {
  /** A ResultFuture that records every completion Flink would be handed. */
  private static final class Recorded implements ResultFuture<Decision> {
    final List<Collection<Decision>> completions = new CopyOnWriteArrayList<>();
    /** System.nanoTime of the first completion. */
    volatile long completedAt;

    @Override
    public void complete(Collection<Decision> result) {
      if (completions.isEmpty()) {
        completedAt = System.nanoTime();
      }
      completions.add(result);
    }

    @Override
    public void completeExceptionally(Throwable error) {
      completions.add(List.of());
    }

    @Override
    public void complete(org.apache.flink.streaming.api.functions.async.CollectionSupplier<Decision> supplier) {
      try {
        completions.add(supplier.get());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void theClientsDeadlineAndTheFunctionsForTheSameEventAnswerAndCountItOnce() throws Exception {
    try (TestModelServer model = TestModelServer.start()) {
      model.answer("fraud", TestModelServer.Behaviour.healthy("1").hanging());
      Map<String, String> contract = new HashMap<>(ExampleContract.fraud("timeout-race", "127.0.0.1:9", model.url()));
      contract.put(JobContract.INFERENCE_TIMEOUT, "100 ms");
      contract.put(JobContract.INFERENCE_RETRIES, "0");
      JobSettings settings = JobSettings.from(contract);
      InferenceFunction function = new InferenceFunction(settings);
      function.open(null);
      try {
        FeaturedEvent event = new FeaturedEvent();
        event.id = "e1";
        event.key = "card-1";
        event.payload = "{\"amount\": 12}";
        event.features = new double[settings.features().size()];
        Arrays.fill(event.features, Double.NaN);
        Recorded result = new Recorded();

        function.asyncInvoke(event, result);
        await("the event's deadline").atMost(Duration.ofSeconds(10)).until(() -> result.completions.size() == 1);
        // both deadlines are the event's: the client's (the request's) and the function's sweep race for it
        await("no second answer").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
            .until(() -> result.completions.size() == 1);

        assertThat(result.completions).as("completions of the event's result").hasSize(1);
        assertThat(result.completions.get(0)).singleElement().satisfies(d -> assertThat(d.reason).startsWith("timeout"));
        assertThat(JobMetrics.get(settings.metricsPort()).timeouts.labelValues("timeout-race", "fraud-scoring", "primary", "unknown").get())
            .as("timeouts counted").isEqualTo(1.0);
      } finally {
        function.close();
      }
    }
  }

  /** How many features the fraud example computes. */
  private static final int FEATURES = JobSettings.from(ExampleContract.fraud("features", "127.0.0.1:9", "http://127.0.0.1:9"))
      .features().size();

  /** The function on the fraud example's contract with these keys changed, opened; closed by the caller. */
  private static InferenceFunction open(TestModelServer model, String namespace, Map<String, String> changes) {
    Map<String, String> contract = new HashMap<>(ExampleContract.fraud(namespace, "127.0.0.1:9", model.url()));
    contract.putAll(changes);
    InferenceFunction function = new InferenceFunction(JobSettings.from(contract));
    function.open(null);
    return function;
  }

  /** An event whose features are all {@code value}. */
  private static FeaturedEvent event(String id, String key, double value) {
    FeaturedEvent event = new FeaturedEvent();
    event.id = id;
    event.key = key;
    event.payload = "{}";
    event.features = new double[FEATURES];
    Arrays.fill(event.features, value);
    return event;
  }

  private static Decision only(Recorded r) {
    assertThat(r.completions).as("completions of one event's result").hasSize(1);
    return r.completions.get(0).iterator().next();
  }

  @Test
  void aBatchIsOneRequestAndEachOfItsEventsGetsItsOwnRow() throws Exception {
    try (TestModelServer model = TestModelServer.start()) {
      InferenceFunction function = open(model, "batch-rows", Map.of(JobContract.BATCH_MAX_SIZE, "8",
          JobContract.BATCH_MAX_WAIT, "1 s", JobContract.INFERENCE_TIMEOUT, "5 s"));
      try {
        List<Recorded> results = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
          Recorded r = new Recorded();
          results.add(r);
          function.asyncInvoke(event("e" + i, "card-" + i, i), r);
        }
        await("eight answers").atMost(Duration.ofSeconds(10)).until(() -> results.stream().allMatch(r -> !r.completions.isEmpty()));
        assertThat(model.batchSizes()).as("requests by size").isEqualTo(Map.of(8, 1L));
        for (int i = 0; i < 8; i++) {
          double[] inputs = new double[FEATURES];
          Arrays.fill(inputs, i);
          Decision d = only(results.get(i));
          assertThat(d.kind).isEqualTo(Decision.SCORED);
          assertThat(d.score).as("event %d's own row", i).isEqualTo(TestModelServer.score(inputs, 0));
        }
      } finally {
        function.close();
      }
    }
  }

  @Test
  void aBatchThatTimesOutFallsBackEachOfItsEventsExactlyOnce() throws Exception {
    try (TestModelServer model = TestModelServer.start()) {
      model.answer("fraud", TestModelServer.Behaviour.healthy("1").hanging());
      InferenceFunction function = open(model, "batch-timeout", Map.of(JobContract.BATCH_MAX_SIZE, "4",
          JobContract.BATCH_MAX_WAIT, "100 ms", JobContract.INFERENCE_TIMEOUT, "300 ms", JobContract.INFERENCE_RETRIES, "0"));
      try {
        List<FeaturedEvent> events = List.of(event("a", "k1", 1), event("b", "k2", 1), event("c", "k3", 1), event("d", "k4", 1));
        List<Recorded> results = events.stream().map(e -> new Recorded()).toList();
        for (int i = 0; i < 4; i++) {
          function.asyncInvoke(events.get(i), results.get(i));
        }
        await("four fallbacks").atMost(Duration.ofSeconds(10)).until(() -> results.stream().allMatch(r -> !r.completions.isEmpty()));
        await("no second answer").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
            .until(() -> results.stream().allMatch(r -> r.completions.size() == 1));
        assertThat(results).allSatisfy(r -> assertThat(only(r).reason).startsWith("timeout"));
        assertThat(model.batchSizes()).isEqualTo(Map.of(4, 1L));
        assertThat(JobMetrics.get(0).timeouts.labelValues("batch-timeout", "fraud-scoring", "primary", "unknown").get())
            .as("timeouts counted, one per event").isEqualTo(4.0);
      } finally {
        function.close();
      }
    }
  }

  /** What the checks of one event alone in its batch are given: the model, its result, when it was answered. */
  private interface AloneChecks {
    void check(TestModelServer model, Recorded result, Duration answeredAfter) throws Exception;
  }

  /**
   * One event, alone in a batch that falls due a second after it, under {@code timeout}: the checks run once it has
   * its answer, with the function still open.
   */
  private static void alone(String namespace, String timeout, AloneChecks checks) throws Exception {
    try (TestModelServer model = TestModelServer.start()) {
      InferenceFunction function = open(model, namespace, Map.of(JobContract.BATCH_MAX_SIZE, "8",
          JobContract.BATCH_MAX_WAIT, "1 s", JobContract.INFERENCE_TIMEOUT, timeout, JobContract.INFERENCE_RETRIES, "0"));
      try {
        Recorded result = new Recorded();
        long start = System.nanoTime();
        function.asyncInvoke(event("alone", "card-1", 1), result);
        await("the event's answer").atMost(Duration.ofSeconds(10)).until(() -> !result.completions.isEmpty());
        checks.check(model, result, Duration.ofNanos(result.completedAt - start));
      } finally {
        function.close();
      }
    }
  }

  @Test
  void anEventWhoseBatchIsStillWaitingIsAnsweredAtItsDeadlineAndNeverSent() throws Exception {
    alone("deadline-waiting", "200 ms", (model, result, answeredAfter) -> {
      assertThat(only(result).reason).startsWith("timeout");
      assertThat(answeredAfter).as("answered at its deadline, not when its batch was due").isLessThan(Duration.ofMillis(800));
      // the batch falls due a second after its first event: an answered event is not sent
      await("the batch's wait is over").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
          .until(() -> model.requests() == 0 && result.completions.size() == 1);
      assertThat(JobMetrics.get(0).timeouts.labelValues("deadline-waiting", "fraud-scoring", "primary", "unknown").get())
          .as("timeouts counted").isEqualTo(1.0);
    });
  }

  @Test
  void anEventWhoseBatchWaitsWithinItsDeadlineIsScored() throws Exception {
    alone("deadline-later", "5 s", (model, result, answeredAfter) -> {
      assertThat(only(result).kind).as(only(result).reason).isEqualTo(Decision.SCORED);
      assertThat(answeredAfter).as("sent when its batch was due").isGreaterThanOrEqualTo(Duration.ofMillis(900));
      assertThat(model.requests()).isEqualTo(1);
    });
  }

  @Test
  void theInFlightBoundHoldsInBatchesAndBatchesGrowWhileItIsReached() throws Exception {
    try (TestModelServer model = TestModelServer.start()) {
      model.answer("fraud", TestModelServer.Behaviour.healthy("1").withLatency(30));
      InferenceFunction function = open(model, "batch-bound", Map.of(JobContract.MAX_IN_FLIGHT, "2",
          JobContract.BATCH_MAX_SIZE, "16", JobContract.BATCH_MAX_WAIT, "0 ms", JobContract.INFERENCE_TIMEOUT, "5 s"));
      try {
        List<Recorded> results = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
          Recorded r = new Recorded();
          results.add(r);
          function.asyncInvoke(event("e" + i, "card-" + i, 1), r);
        }
        await("a hundred answers").atMost(Duration.ofSeconds(20)).until(() -> results.stream().allMatch(r -> !r.completions.isEmpty()));
        assertThat(results).allSatisfy(r -> assertThat(only(r).kind).as(only(r).reason).isEqualTo(Decision.SCORED));
        assertThat(model.maxInFlight()).as("requests the server had at once").isLessThanOrEqualTo(2);
        assertThat(model.items()).isEqualTo(100);
        assertThat(model.requests()).as("requests for 100 events").isLessThan(20);
        assertThat(model.batchSizes().keySet()).as("sizes seen").allMatch(size -> size <= 16).contains(16);
      } finally {
        function.close();
      }
    }
  }

  @Test
  void aBatchNeverMixesVersions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path control) throws Exception {
    try (TestModelServer model = TestModelServer.start()) {
      model.answer("fraud", TestModelServer.Behaviour.healthy("1").withLatency(5));
      model.answer("fraud-next", TestModelServer.Behaviour.healthy("2").withLatency(5));
      java.nio.file.Files.writeString(control.resolve("candidate-endpoint"), model.url());
      java.nio.file.Files.writeString(control.resolve("candidate-model-name"), "fraud-next");
      java.nio.file.Files.writeString(control.resolve("candidate-model-version"), "2");
      java.nio.file.Files.writeString(control.resolve("candidate-weight"), "50");
      InferenceFunction function = open(model, "batch-versions", Map.of(JobContract.BATCH_MAX_SIZE, "32",
          JobContract.BATCH_MAX_WAIT, "20 ms", JobContract.CONTROL_DIR, control.toString(),
          JobContract.INFERENCE_TIMEOUT, "5 s"));
      try {
        Map<String, Recorded> results = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 64; i++) {
          Recorded r = new Recorded();
          results.put("card-" + i, r);
          function.asyncInvoke(event("e" + i, "card-" + i, 1), r);
        }
        await("64 answers").atMost(Duration.ofSeconds(10)).until(() -> results.values().stream().allMatch(r -> !r.completions.isEmpty()));
        results.forEach((card, r) -> assertThat(only(r).modelVersion).as("the version that scored %s", card)
            .isEqualTo(dev.slipstream.job.control.KeySplit.toCandidate(card, 50) ? "2" : "1"));
        assertThat(model.requests()).as("a request or two per side, not one per event").isLessThanOrEqualTo(8);
        assertThat(results.values().stream().map(r -> only(r).modelVersion).distinct()).containsExactlyInAnyOrder("1", "2");
      } finally {
        function.close();
      }
    }
  }
}
