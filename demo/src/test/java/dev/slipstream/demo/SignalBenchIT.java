package dev.slipstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;

/** The signal bench at a small scale: batched reads give the same positions for a fraction of the requests. */
class SignalBenchIT {
  @Test
  void lagAskedTogetherIsReadInFewRequests() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      SignalBench.Figures f = SignalBench.run(kafka, 100, 5);
      SignalBench.print(f);
      assertThat(f.samePositions()).as("batched and one-by-one read the same positions").isTrue();
      assertThat(f.aloneRequests()).as("one pipeline alone: a few requests").isGreaterThanOrEqualTo(3);
      assertThat((double) f.firstLookRequests()).as("the first look, asked together").isLessThan(f.oneByOneRequests() / 5);
      assertThat(f.roundRequests()).as("a collection round: one round of requests for all of them").isLessThan(20);
    }
  }
}
