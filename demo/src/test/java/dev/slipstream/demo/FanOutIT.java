package dev.slipstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench's fan-out at a small scale, so that it keeps working: behaviour asserted, figures only printed. */
class FanOutIT {
  @Test
  void fiftyPipelinesBecomeReadyAndAnIdleResyncOfAllWritesNothing() {
    Duration resync = Duration.ofSeconds(5);
    try (EmbeddedStack stack = new EmbeddedStack(Map.of("SLIPSTREAM_RESYNC", resync.toSeconds() + "s",
        "SLIPSTREAM_METRICS_PORT", "0", "SLIPSTREAM_LEADER_ELECTION", "false"))) {
      FanOut.Result result = FanOut.run(stack, "fanout-check", 50, resync);
      System.out.println("fan-out check: " + result);
      assertThat(result.pipelines()).isEqualTo(50);
      assertThat(result.idleWrites()).as("writes during an idle resync of 50 Ready pipelines").isZero();
      assertThat(result.writesPerPipeline()).isGreaterThanOrEqualTo(FanOut.MINIMUM_WRITES);
      dev.slipstream.testkit.Reliability.record("Load", "50 pipelines created at once (make bench: 1,000)",
          "all Ready; an idle resync of all of them wrote nothing");
    }
  }
}
