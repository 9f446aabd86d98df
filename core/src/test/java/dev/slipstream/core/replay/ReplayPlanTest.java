package dev.slipstream.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.replay.ReplayPlan.PartitionOffsets;
import dev.slipstream.core.replay.ReplayPlan.Range;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {
  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration DAY = Duration.ofHours(24);

  @Test
  void theWindowIsReadFromItsStartToTheEndOfEachPartitionAndTheFeaturesWarmFromBeforeIt() {
    long warmedAt = START.minus(DAY).minusSeconds(5).toEpochMilli();
    ReplayPlan plan = ReplayPlan.of(START, DAY, null, List.of(
        new PartitionOffsets("tx", 0, 0, 900, 600L, 100L, warmedAt),
        new PartitionOffsets("tx", 1, 0, 500, 450L, 20L, warmedAt)));
    assertThat(plan.ranges()).containsExactly(new Range("tx", 0, 100, 600, 900), new Range("tx", 1, 20, 450, 500));
    assertThat(plan.events()).isEqualTo(350);
    assertThat(plan.warmUpComplete()).isTrue();
    assertThat(plan.warmUpMessage()).isEqualTo("features warmed from 24h before the window, as they were live");
    assertThat(plan.contract()).containsEntry("slipstream.replay.warm-up-from", "tx:0:100,tx:1:20")
        .containsEntry("slipstream.replay.from", "tx:0:600,tx:1:450")
        .containsEntry("slipstream.replay.until", "tx:0:900,tx:1:500");
  }

  @Test
  void aPartitionWithNothingInTheWindowIsReadFromItsEndAndNeedsNoWarmUp() {
    ReplayPlan plan = ReplayPlan.of(START, DAY, null, List.of(new PartitionOffsets("tx", 0, 0, 900, null, 300L, 1L)));
    assertThat(plan.ranges()).containsExactly(new Range("tx", 0, 900, 900, 900));
    assertThat(plan.events()).isZero();
    assertThat(plan.warmUpComplete()).isTrue();
  }

  @Test
  void aTopicThatNeverLostARecordWarmsCompletelyHoweverYoungItIs() {
    long firstEver = START.minus(Duration.ofMinutes(10)).toEpochMilli();
    ReplayPlan plan = ReplayPlan.of(START, DAY, null, List.of(new PartitionOffsets("tx", 0, 0, 900, 600L, 0L, firstEver)));
    assertThat(plan.warmUpComplete()).isTrue();
    // the same offsets after a deletion up to the warm-up's first record: what came before may have been read live
    assertThat(ReplayPlan.of(START, DAY, null, List.of(new PartitionOffsets("tx", 0, 5, 900, 600L, 5L, firstEver)))
        .warmUpComplete()).isFalse();
    // a record older than the warm-up's start still retained: nothing it needs was deleted
    assertThat(ReplayPlan.of(START, DAY, null, List.of(new PartitionOffsets("tx", 0, 5, 900, 600L, 9L, firstEver)))
        .warmUpComplete()).isTrue();
  }

  @Test
  void aMaximumKeepsTheNewestEventsInProportionToWhatEachPartitionHolds() {
    ReplayPlan plan = ReplayPlan.of(START, Duration.ZERO, 100L, List.of(
        new PartitionOffsets("tx", 0, 0, 1000, 700L, null, null),
        new PartitionOffsets("tx", 1, 0, 1000, 900L, null, null),
        new PartitionOffsets("other", 0, 0, 50, 49L, null, null)));
    assertThat(plan.events()).isEqualTo(100);
    // 300, 100 and 1 of 401: 74, 24 and 0 by proportion, the 2 left over given in turn
    assertThat(plan.ranges()).containsExactly(new Range("tx", 0, 925, 925, 1000), new Range("tx", 1, 975, 975, 1000),
        new Range("other", 0, 50, 50, 50));
    assertThat(plan.warmUpMessage()).isEqualTo("no feature reads history before the window");
  }

  @Test
  void aMaximumAboveWhatTheWindowHoldsChangesNothing() {
    List<PartitionOffsets> offsets = List.of(new PartitionOffsets("tx", 0, 0, 1000, 700L, null, null));
    assertThat(ReplayPlan.of(START, Duration.ZERO, 5000L, offsets)).isEqualTo(ReplayPlan.of(START, Duration.ZERO, null, offsets));
  }

  @Test
  void aRetentionShorterThanTheFeaturesWindowsIsSaid() {
    long oldest = START.minus(Duration.ofHours(6)).toEpochMilli();
    // records before offset 400 were deleted: the oldest retained is 6 hours before the window
    ReplayPlan plan = ReplayPlan.of(START, DAY, null, List.of(new PartitionOffsets("tx", 0, 400, 900, 600L, 400L, oldest)));
    assertThat(plan.ranges()).containsExactly(new Range("tx", 0, 400, 600, 900));
    assertThat(plan.warmUpComplete()).isFalse();
    assertThat(plan.warmUpMessage()).isEqualTo("the retained input reaches only 6h before the window of the 24h the"
        + " features read: features over longer windows see less history than they did live");
  }
}
