package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.JobContract;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.features.FeatureSpec;
import dev.slipstream.testkit.Manifests;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSettingsTest {
  private static Map<String, String> fraudContract() {
    var objects = Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml"));
    StreamingPipeline p = Manifests.find(objects, StreamingPipeline.class, "fraud-scoring");
    p.getMetadata().setNamespace("payments");
    ModelVersion m = Manifests.find(objects, ModelVersion.class, "fraud-v1");
    return JobContract.keys(p, m, "http://fraud-scoring.payments.svc.cluster.local");
  }

  @Test
  void readsEveryKeyTheOperatorWrites() {
    JobSettings s = JobSettings.from(fraudContract());
    assertThat(s.namespace()).isEqualTo("payments");
    assertThat(s.pipeline()).isEqualTo("fraud-scoring");
    assertThat(s.role()).isEqualTo(JobSettings.Role.primary);
    assertThat(s.inputTopics()).containsExactly("card-transactions");
    assertThat(s.outputTopic()).isEqualTo("fraud-scores");
    assertThat(s.lateTopic()).isEqualTo("fraud-scores.late");
    assertThat(s.consumerGroup()).isEqualTo("slipstream.payments.fraud-scoring");
    assertThat(s.modelName()).isEqualTo("fraud");
    assertThat(s.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.allowedLateness()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.timestampField()).isEqualTo("event_time");
    assertThat(s.keyField()).isEqualTo("card_id");
    assertThat(s.idField()).isEqualTo("txn_id");
    assertThat(s.maxInFlight()).isEqualTo(64);
    assertThat(s.inferenceTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.retries()).isEqualTo(2);
    assertThat(s.fallbackResult()).isEqualTo("{\"score\": 0.5, \"decision\": \"review\"}");
    assertThat(s.exactlyOnce()).isTrue();
    assertThat(s.controlDir()).isEqualTo("/etc/slipstream/control");
    assertThat(s.metricsPort()).isEqualTo(9400);
    assertThat(s.features()).extracting(FeatureSpec::name)
        .containsExactly("txn_count_1m", "amount_sum_1h", "amount_max_1h", "merchants_1h", "txn_count_today");
    assertThat(s.features().get(4)).isEqualTo(new FeatureSpec("txn_count_today", FeatureSpec.Aggregate.count, null,
        FeatureSpec.Window.tumbling, 86_400_000L));
    assertThat(s.featureFields()).containsExactly("amount", "merchant");
  }

  @Test
  void theShadowJobIsNeverSteeredByTheControl() {
    var objects = Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml"));
    StreamingPipeline p = Manifests.find(objects, StreamingPipeline.class, "fraud-scoring");
    p.getMetadata().setNamespace("payments");
    ModelVersion m = Manifests.find(objects, ModelVersion.class, "fraud-v1");
    Map<String, String> shadow = new HashMap<>(JobContract.shadowKeys(p, m, "http://latest-fraud"));
    shadow.put(JobContract.CONTROL_DIR, "/etc/slipstream/control"); // even if a contract named one
    JobSettings s = JobSettings.from(shadow);
    assertThat(s.role()).isEqualTo(JobSettings.Role.shadow);
    assertThat(s.outputTopic()).isEqualTo("fraud-scores.shadow");
    assertThat(s.lateTopic()).isEqualTo("fraud-scores.shadow");
    assertThat(s.consumerGroup()).isEqualTo("slipstream.payments.fraud-scoring.shadow");
    assertThat(s.controlDir()).isNull();
    assertThat(s.jobName()).isEqualTo("slipstream-payments-fraud-scoring-shadow");
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    Map<String, String> bad = new HashMap<>(fraudContract());
    bad.remove(JobContract.OUTPUT_TOPIC);
    bad.put(JobContract.MAX_IN_FLIGHT, "0");
    bad.put(JobContract.INFERENCE_TIMEOUT, "soon");
    bad.put(JobContract.FALLBACK_RESULT, "review");
    bad.put(JobContract.FEATURES, "x=median(amount) sliding 1000 ms");
    bad.put(JobContract.VERSION, "2");
    assertThatThrownBy(() -> JobSettings.from(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6 problem(s)")
        .hasMessageContaining("slipstream.topics.output is missing")
        .hasMessageContaining("slipstream.inference.max-in-flight is 0, outside 1..10000")
        .hasMessageContaining("slipstream.inference.timeout 'soon' is not a duration")
        .hasMessageContaining("slipstream.inference.fallback-result is not a JSON object: review")
        .hasMessageContaining("slipstream.features 'x=median(amount) sliding 1000 ms' is not")
        .hasMessageContaining("slipstream.contract-version '2'");
  }

  @Test
  void featuresRoundTripThroughTheContract() {
    List<FeatureSpec> parsed = FeatureSpec.parseAll("a=count(*) sliding 60000 ms; b=mean(x.y) tumbling 2 h;c=distinctCount(m) sliding 5 s");
    assertThat(parsed).containsExactly(
        new FeatureSpec("a", FeatureSpec.Aggregate.count, null, FeatureSpec.Window.sliding, 60_000),
        new FeatureSpec("b", FeatureSpec.Aggregate.mean, "x.y", FeatureSpec.Window.tumbling, 7_200_000),
        new FeatureSpec("c", FeatureSpec.Aggregate.distinctCount, "m", FeatureSpec.Window.sliding, 5_000));
    assertThatThrownBy(() -> FeatureSpec.parseAll("a=count(*) sliding 1000 ms;a=sum(x) sliding 1000 ms"))
        .hasMessageContaining("feature a is defined twice");
    assertThatThrownBy(() -> FeatureSpec.parseAll("a=sum(*) sliding 1000 ms")).hasMessageContaining("sum needs a field");
  }

  @Test
  void aReplayReadsItsRangeWritesAtLeastOnceAndIsNeverSteered() {
    Map<String, String> replay = new HashMap<>(fraudContract());
    replay.put(JobContract.ROLE, "replay");
    replay.put(JobContract.CONTROL_DIR, "/etc/slipstream/control");
    replay.put("slipstream.replay.warm-up-from", "card-transactions:0:10,card-transactions:1:0");
    replay.put("slipstream.replay.from", "card-transactions:0:500,card-transactions:1:20");
    replay.put("slipstream.replay.until", "card-transactions:0:900,card-transactions:1:20");
    JobSettings s = JobSettings.from(replay);
    assertThat(s.role()).isEqualTo(JobSettings.Role.replay);
    assertThat(s.controlDir()).isNull();
    assertThat(s.exactlyOnce()).isFalse();
    assertThat(s.jobName()).isEqualTo("slipstream-payments-fraud-scoring-replay");
    assertThat(s.replay().start("card-transactions")).containsEntry(0, 10L).containsEntry(1, 0L);
    assertThat(s.replay().stop("card-transactions")).containsEntry(0, 900L).containsEntry(1, 20L);
    assertThat(s.replay().warmingUp("card-transactions", 0, 499)).isTrue();
    assertThat(s.replay().warmingUp("card-transactions", 0, 500)).isFalse();
    assertThat(JobSettings.from(fraudContract()).replay()).as("a primary job has no range").isNull();
  }

  @Test
  void aReplayRangeThatCannotBeReadIsRefusedNamingTheKey() {
    Map<String, String> replay = new HashMap<>(fraudContract());
    replay.put(JobContract.ROLE, "replay");
    replay.put("slipstream.replay.warm-up-from", "card-transactions:0:600");
    replay.put("slipstream.replay.from", "card-transactions:0:500,card-transactions:x:1");
    replay.put("slipstream.replay.until", "card-transactions:0:400");
    assertThatThrownBy(() -> JobSettings.from(replay))
        .hasMessageContaining("3 problem(s)")
        .hasMessageContaining("slipstream.replay.from 'card-transactions:x:1' is not topic:partition:offset")
        .hasMessageContaining("slipstream.replay.until ends card-transactions-0 at 400, before it starts (500)")
        .hasMessageContaining("slipstream.replay.warm-up-from starts card-transactions-0 at 600, after its decisions start (500)");
    replay.remove("slipstream.replay.until");
    assertThatThrownBy(() -> JobSettings.from(replay)).hasMessageContaining("slipstream.replay.until is missing");
  }
}
