package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeldStatusTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void aHeldStatusIsWhatTheNextReconcileDecidesFromUntilItIsWritten() {
    HeldStatus<String> held = new HeldStatus<>();
    assertThat(held.previous("a", "stored")).isEqualTo("stored");
    held.hold("a", "held", T0, T0);
    assertThat(held.previous("a", "stored")).isEqualTo("held");
    assertThat(held.pendingSince("a", T0.plusSeconds(5))).isEqualTo(T0);
    held.written("a", T0.plusSeconds(10));
    assertThat(held.previous("a", "stored")).isEqualTo("stored");
    assertThat(held.lastWrite("a")).isEqualTo(T0.plusSeconds(10));
    assertThat(held.pendingSince("a", T0.plusSeconds(11))).isEqualTo(T0.plusSeconds(11));
  }

  @Test
  void aWriteMarkedQuietIsRememberedUntilTheNextWrite() {
    HeldStatus<String> held = new HeldStatus<>();
    assertThat(held.lastWriteQuiet("a")).as("nothing written").isFalse();
    held.written("a", T0, true);
    held.hold("a", "held", T0.plusSeconds(1), T0.plusSeconds(1));
    held.settled("a");
    assertThat(held.lastWriteQuiet("a")).as("kept through a hold and a settle").isTrue();
    held.written("a", T0.plusSeconds(2));
    assertThat(held.lastWriteQuiet("a")).as("the twin: a write not marked").isFalse();
  }

  @Test
  void anEntryHeldLongerThanTenMinutesIsDroppedByTheNextSweepAMinuteApart() {
    HeldStatus<String> held = new HeldStatus<>();
    held.hold("gone", "held", T0, T0);
    held.written("settled", T0);
    held.hold("recent", "held", T0.plusSeconds(585), T0.plusSeconds(585)); // a sweep: nothing ten minutes old yet
    held.hold("other", "held", T0.plusSeconds(630), T0.plusSeconds(630));
    assertThat(held.previous("gone", "stored")).as("expired, but within a minute of the last sweep").isEqualTo("held");
    assertThat(held.size()).isEqualTo(4);
    held.hold("other", "held", T0.plusSeconds(630), T0.plusSeconds(660));
    assertThat(held.previous("gone", "stored")).as("held 11 minutes: dropped").isEqualTo("stored");
    assertThat(held.previous("recent", "stored")).as("held under 2 minutes: kept").isEqualTo("held");
    assertThat(held.lastWrite("settled")).as("a write is remembered, not pending").isEqualTo(T0);
    assertThat(held.size()).isEqualTo(3);
  }
}
