package dev.slipstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.testkit.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job bench at a small scale, so that make bench keeps working: every figure measured, none judged here. */
class JobBenchIT {
  @Test
  void measuresEveryFigure(@TempDir Path work) {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      JobBench.Figures f = JobBench.run(kafka, 2_000, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), work);
      assertThat(f.events()).isEqualTo(2_000);
      assertThat(f.jobPerSecond()).isPositive();
      assertThat(f.passThroughPerSecond()).isPositive();
      assertThat(f.featuresOnlyPerSecond()).isPositive();
      assertThat(f.meanBatch()).as("events per request").isGreaterThanOrEqualTo(1);
      assertThat(f.firstResultSeconds()).isPositive();
      assertThat(f.lightP50Ms()).isNotNaN().isLessThanOrEqualTo(f.lightP99Ms());
      assertThat(f.steadyP50Ms()).isNotNaN().isLessThanOrEqualTo(f.steadyP99Ms());
      assertThat(f.burstP50Ms()).isNotNaN().isLessThanOrEqualTo(f.burstP99Ms());
      assertThat(f.drainSeconds()).isGreaterThanOrEqualTo(0);
      assertThat(f.modelCpu()).as("the stand-in's CPU is measured, to be left out").containsKey("model stand-in");
      assertThat(f.modelShareServerElsewhere()).isPositive().isFinite();
    }
  }
}
