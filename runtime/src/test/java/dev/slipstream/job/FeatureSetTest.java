package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.job.features.FeatureSet;
import dev.slipstream.job.features.FeatureSpec;
import dev.slipstream.job.features.HistoryEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureSetTest {
  private static final FeatureSet SET = new FeatureSet(FeatureSpec.parseAll(
      "n_1m=count(*) sliding 60000 ms;sum_1m=sum(amount) sliding 60000 ms;min_1m=min(amount) sliding 60000 ms;"
          + "max_1m=max(amount) sliding 60000 ms;mean_1m=mean(amount) sliding 60000 ms;"
          + "merchants_1m=distinctCount(merchant) sliding 60000 ms;n_amount_1m=count(amount) sliding 60000 ms;"
          + "n_minute=count(*) tumbling 60000 ms"), 30_000);

  private static HistoryEntry at(long ts, double amount, String merchant) {
    return new HistoryEntry(ts, new double[] {amount}, new String[] {Double.isNaN(amount) ? null : String.valueOf(amount), merchant});
  }

  @Test
  void fieldsAreReadOnceInTheOrderTheyAreFirstNamed() {
    assertThat(SET.fields()).containsExactly("amount", "merchant");
  }

  @Test
  void aggregatesOverTheSlidingWindowEndingAtTheEvent() {
    List<HistoryEntry> history = new ArrayList<>(List.of(
        at(1_000, 10, "a"),      // outside (61 s before the event)
        at(2_001, 20, "b"),      // exactly at the window's start: inside (t - size, t]
        at(30_000, 5, "b"),
        at(62_000, Double.NaN, "c"))); // no amount: counted by count(*), not by the amount aggregates
    Double[] v = SET.compute(history, at(62_000, 15, "a"));
    assertThat(v).containsExactly(4.0, 40.0, 5.0, 20.0, 40.0 / 3, 3.0, 3.0, 2.0);
  }

  @Test
  void eventsFromTheEventsFutureAreNeverCounted() {
    // arrived earlier but happened later: not known when this event was decided
    List<HistoryEntry> history = List.of(at(10_000, 1, "a"), at(50_000, 100, "z"));
    Double[] v = SET.compute(history, at(20_000, 2, "b"));
    assertThat(v[0]).isEqualTo(2.0);
    assertThat(v[1]).isEqualTo(3.0);
    assertThat(v[5]).isEqualTo(2.0);
  }

  @Test
  void tumblingWindowsStartAtTheirFixedBoundary() {
    List<HistoryEntry> history = List.of(at(59_999, 1, "a"), at(60_000, 1, "a"), at(61_000, 1, "a"));
    assertThat(SET.compute(history, at(65_000, 1, "a"))[7]).isEqualTo(3.0); // 60 000, 61 000 and itself
    assertThat(SET.compute(history, at(59_999, 1, "a"))[7]).isEqualTo(2.0); // 59 999 twice (the earlier and itself)
  }

  @Test
  void anEmptyWindowHasNoMinMaxOrMean() {
    Double[] v = SET.compute(List.of(), at(1_000, Double.NaN, null));
    assertThat(v).containsExactly(1.0, 0.0, null, null, null, 0.0, 0.0, 1.0);
  }

  @Test
  void historyExpiresOnlyWhenNoAcceptedEventCanReachIt() {
    // the longest window (60 s) plus the allowed lateness (30 s)
    assertThat(SET.retentionMillis()).isEqualTo(90_000);
    assertThat(SET.expired(at(10_000, 1, "a"), 100_000)).isTrue();
    assertThat(SET.expired(at(10_001, 1, "a"), 100_000)).isFalse();
    assertThat(SET.expired(at(10_000, 1, "a"), Long.MIN_VALUE)).isFalse();
  }

  @Test
  void distinctCountsMatchAPlainSetOverManyWindowsOfOneSet() {
    // one FeatureSet counts every event's window with the same scratch table: each count must start empty, equal
    // texts in different String objects are one, and the table grows past its first size
    java.util.Random random = new java.util.Random(3);
    List<HistoryEntry> history = new ArrayList<>();
    for (int event = 0; event < 2_000; event++) {
      long ts = 1_000L * event;
      HistoryEntry current = at(ts, 1, new String("m" + random.nextInt(event < 1_000 ? 300 : 5)));
      java.util.Set<String> expected = new java.util.HashSet<>();
      for (HistoryEntry h : history) {
        if (h.ts > ts - 60_000) {
          expected.add(h.texts[1]);
        }
      }
      expected.add(current.texts[1]);
      double[] values = new double[8];
      SET.compute(history, current, values);
      assertThat(values[5]).as("event %d", event).isEqualTo(expected.size());
      history.add(current);
    }
  }

  @Test
  void aFeatureWithoutAValueIsNaNInThePlainForm() {
    double[] values = new double[8];
    SET.compute(List.of(), at(1_000, Double.NaN, null), values);
    assertThat(values).containsExactly(1.0, 0.0, Double.NaN, Double.NaN, Double.NaN, 0.0, 0.0, 1.0);
  }
}
