package dev.slipstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's attribution figure once, so that it keeps working: behaviour asserted, the numbers only printed. */
class AttributionBenchIT {
  @Test
  void aCandidateAtFivePercentOfTheKeysIsMeasuredOnItsOwnDecisions(@TempDir Path work) throws Exception {
    Attribution.Figures f = Attribution.run(work, Duration.ofSeconds(15));
    Attribution.print(f);
    assertThat(f.candidateDecisions()).as("the candidate took its share of the keys").isPositive();
    assertThat(f.stableDecisions()).isGreaterThan(f.candidateDecisions());
    assertThat(f.candidateTruthMs()).as("its decisions are its own model's: slower than the stable version's")
        .isGreaterThan(f.stableTruthMs());
    assertThat(f.candidateMeasuredMs()).as("measured from its own series").isNotNull();
    assertThat(f.stableMeasuredMs()).isNotNull();
    assertThat(f.candidateMeasuredMs()).isGreaterThan(f.stableMeasuredMs());
  }
}
