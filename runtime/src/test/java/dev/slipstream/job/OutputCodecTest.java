package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.job.event.SourceEvent;
import dev.slipstream.job.features.FeatureSpec;
import dev.slipstream.job.output.Decision;
import dev.slipstream.job.output.OutputCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Results and late records written field by field: JSON the job made goes in as is, any other text loses nothing. */
class OutputCodecTest {
  private static SourceEvent event() {
    SourceEvent e = new SourceEvent();
    e.id = "t-1";
    e.key = "card-\"7\"";
    e.topic = "txns";
    e.partition = 1;
    e.offset = 42;
    e.eventTime = 1000;
    return e;
  }

  @Test
  void aScoredResultCarriesTheModelsOutputsAndTheFeaturesAsJson() {
    Decision d = OutputCodec.base(event(), 1250);
    d.kind = Decision.SCORED;
    d.modelName = "fraud";
    d.modelVersion = "2";
    d.score = 0.25;
    d.result = "{\"score\":[0.25]}";
    d.features = OutputCodec.featuresJson(List.of(
        new FeatureSpec("n", FeatureSpec.Aggregate.count, null, FeatureSpec.Window.sliding, 60_000),
        new FeatureSpec("avg", FeatureSpec.Aggregate.mean, "amount", FeatureSpec.Window.sliding, 60_000),
        new FeatureSpec("odd\"name", FeatureSpec.Aggregate.max, "amount", FeatureSpec.Window.sliding, 60_000)),
        new double[] {3, 12.5, Double.NaN});
    assertThat(d.features).isEqualTo("{\"n\":3,\"avg\":12.5,\"odd\\\"name\":null}");
    assertThat(OutputCodec.toJson(d)).isEqualTo("{\"kind\":\"scored\",\"eventId\":\"t-1\",\"key\":\"card-\\\"7\\\"\","
        + "\"eventTime\":1000,\"topic\":\"txns\",\"partition\":1,\"offset\":42,\"modelName\":\"fraud\",\"modelVersion\":\"2\","
        + "\"score\":0.25,\"result\":{\"score\":[0.25]},\"features\":{\"n\":3,\"avg\":12.5,\"odd\\\"name\":null},"
        + "\"fallback\":false,\"late\":false,\"decidedAt\":1250,\"latencyMs\":250}");
  }

  @Test
  void aBufferKeptFromRecordToRecordGivesEachItsOwnBytesExactly() {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(16);
    Decision longer = OutputCodec.base(event(), 1250);
    longer.kind = Decision.FALLBACK;
    longer.result = "{\"decision\":\"" + "x".repeat(2_000) + "\"}";
    Decision shorter = OutputCodec.base(event(), 1300);
    shorter.kind = Decision.FALLBACK;
    shorter.result = "{\"decision\":\"ok\"}";
    byte[] first = OutputCodec.toJsonBytes(longer, buffer);
    byte[] second = OutputCodec.toJsonBytes(shorter, buffer);
    assertThat(first).isEqualTo(OutputCodec.toJsonBytes(longer));
    assertThat(second).as("nothing of the longer record before it").isEqualTo(OutputCodec.toJsonBytes(shorter));
    assertThat(new String(second, java.nio.charset.StandardCharsets.UTF_8)).endsWith("\"latencyMs\":300}");
  }

  @Test
  void aFallbackResultThatIsNotJsonAndALateEventThatIsNotJsonAreKeptAsText() {
    Decision f = OutputCodec.base(event(), 1100);
    f.kind = Decision.FALLBACK;
    f.modelName = "fraud";
    f.modelVersion = "fallback";
    f.score = Double.NaN;
    f.result = "review <by hand>";
    f.reason = "shed";
    assertThat(OutputCodec.toJson(f)).contains("\"score\":null,\"result\":\"review <by hand>\",\"features\":null,"
        + "\"fallback\":true").contains("\"reason\":\"shed\"");
    f.result = "{\"decision\":\"review\"}";
    assertThat(OutputCodec.toJson(f)).as("the next fallback, JSON this time").contains("\"result\":{\"decision\":\"review\"}");

    SourceEvent broken = event();
    broken.payload = "{not json";
    Decision late = OutputCodec.late(broken, "unreadable: not a JSON object", 2000);
    assertThat(OutputCodec.toJson(late)).isEqualTo("{\"kind\":\"late\",\"eventId\":\"t-1\",\"key\":\"card-\\\"7\\\"\","
        + "\"eventTime\":1000,\"topic\":\"txns\",\"partition\":1,\"offset\":42,\"reason\":\"unreadable: not a JSON object\","
        + "\"event\":\"{not json\",\"decidedAt\":2000,\"latencyMs\":1000}");
  }
}
