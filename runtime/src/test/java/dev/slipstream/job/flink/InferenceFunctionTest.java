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

/** The race between the client's own deadline and Flink's timeout for one event: one answer, one count. */
class InferenceFunctionTest {
  /** A ResultFuture that records every completion Flink would be handed. */
  private static final class Recorded implements ResultFuture<Decision> {
    final List<Collection<Decision>> completions = new CopyOnWriteArrayList<>();

    @Override
    public void complete(Collection<Decision> result) {
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
  void flinksTimeoutAfterTheClientsOwnDeadlineNeitherAnswersNorCountsTheEventAgain() throws Exception {
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
        await("the client's own deadline").atMost(Duration.ofSeconds(10)).until(() -> result.completions.size() == 1);
        function.timeout(event, result); // Flink's timeout, a moment later

        assertThat(result.completions).as("completions of the event's result").hasSize(1);
        assertThat(result.completions.get(0)).singleElement().satisfies(d -> assertThat(d.reason).startsWith("timeout"));
        assertThat(JobMetrics.get(settings.metricsPort()).timeouts.labelValues("timeout-race", "fraud-scoring", "primary", "unknown").get())
            .as("timeouts counted").isEqualTo(1.0);
      } finally {
        function.close();
      }
    }
  }
}
