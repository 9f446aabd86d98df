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
    Map<String, String> settings = Map.of("SLIPSTREAM_RESYNC", resync.toSeconds() + "s",
        "SLIPSTREAM_METRICS_PORT", "0", "SLIPSTREAM_LEADER_ELECTION", "false");
    try (EmbeddedStack stack = new EmbeddedStack(settings)) {
      FanOut.Result result = FanOut.run(stack, "fanout-check", 50, resync, settings);
      System.out.println("fan-out check: " + result);
      assertThat(result.pipelines()).isEqualTo(50);
      assertThat(result.idleWrites()).as("writes during an idle resync of 50 Ready pipelines").isZero();
      java.util.Map<String, Long> expected = new java.util.TreeMap<>();
      FanOut.WRITES_PER_PIPELINE.forEach((kind, n) -> expected.put(kind, n * 50));
      assertThat(result.writesByKind()).as("the operator's writes for 50 pipelines, by request").isEqualTo(expected);
      assertThat(result.conflicts()).as("writes answered 409: sent on a stale copy").isZero();
      assertThat(result.startUp().leading()).as("a new operator leads, ready first").isGreaterThanOrEqualTo(result.startUp().ready());
      assertThat(result.restartWrites()).as("writes of a restarted operator in a resync over 50 Ready pipelines").isZero();
      stack.stopOperator();
      int before = stack.api.callCount();
      double floor = FanOutFloor.run(stack, "fanout-floor-check", 50, "fanout-check");
      System.out.println("fan-out floor check: " + floor + " s");
      assertThat(FanOut.calls(stack, FanOutFloor.AGENT, before, FanOut::isWrite).size())
          .as("the floor operator's writes for 50 pipelines: the minimum, no more").isEqualTo(FanOut.MINIMUM_WRITES * 50L);
      dev.slipstream.testkit.Reliability.record("Load", "50 pipelines created at once (make bench: 1,000)",
          "all Ready; an idle resync of all of them wrote nothing");
      dev.slipstream.testkit.Reliability.record("Faults", "the operator replaced by a new one over 50 Ready pipelines",
          "the new one took the Lease and wrote nothing: a restart changes nothing that is as declared");
    }
  }
}
