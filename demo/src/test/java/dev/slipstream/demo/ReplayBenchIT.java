package dev.slipstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.testkit.EmbeddedKafka;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay bench at a small scale, so that make bench keeps working: the verdict reached, no speed judged here. */
class ReplayBenchIT {
  @Test
  void reachesAVerdictOnEveryRetainedEvent(@TempDir Path work) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ReplayBench.Figures f = ReplayBench.run(kafka, 3_000, work);
      assertThat(f.events()).isEqualTo(3_000);
      assertThat(f.compared()).as("every replayed event matched with its live decision").isEqualTo(3_000);
      assertThat(f.agreementPercent()).as("the same model replayed").isEqualTo(100.0);
      assertThat(f.verdict()).isEqualTo("Pass");
      assertThat(f.jobSeconds()).isPositive();
      assertThat(f.canaryFirstStepSeconds()).isEqualTo(3_000 / (ReplayBench.DEMO_RATE * ReplayBench.FIRST_STEP_PERCENT / 100.0));
    }
  }
}
