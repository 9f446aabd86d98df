package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.job.features.FeatureSet;
import dev.slipstream.job.features.FeatureSpec;
import dev.slipstream.job.features.HistoryEntry;
import dev.slipstream.job.features.KeyHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class KeyHistoryTest {
  private static final FeatureSet SET = new FeatureSet(FeatureSpec.parseAll(
      "n_1m=count(*) sliding 60000 ms;sum_1m=sum(amount) sliding 60000 ms;min_1m=min(amount) sliding 60000 ms;"
          + "max_1m=max(amount) sliding 60000 ms;mean_1m=mean(amount) sliding 60000 ms;"
          + "merchants_1m=distinctCount(merchant) sliding 60000 ms;n_amount_1m=count(amount) sliding 60000 ms;"
          + "n_minute=count(*) tumbling 60000 ms"), 30_000);

  private static HistoryEntry event(Random random, long ts) {
    double amount = random.nextInt(10) == 0 ? Double.NaN : random.nextInt(10_000) / 100.0;
    String merchant = random.nextInt(10) == 0 ? null : new String("m" + random.nextInt(40));
    return new HistoryEntry(ts, new double[] {amount, Double.NaN},
        new String[] {Double.isNaN(amount) ? null : String.valueOf(amount), merchant});
  }

  /**
   * Each feature as its definition says, written as plainly as it can be: the events of the window that are not from
   * the event's future, in order, then the event itself.
   */
  private static double[] reference(List<HistoryEntry> entries, HistoryEntry current) {
    List<HistoryEntry> seen = new ArrayList<>(entries);
    seen.add(current);
    List<FeatureSpec> specs = SET.specs();
    double[] values = new double[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      FeatureSpec spec = specs.get(i);
      int f = spec.field() == null ? -1 : SET.fields().indexOf(spec.field());
      long start = spec.windowStart(current.ts);
      List<Double> numbers = new ArrayList<>();
      java.util.Set<String> texts = new java.util.HashSet<>();
      long count = 0;
      for (HistoryEntry e : seen) {
        if (e.ts < start || e.ts > current.ts) {
          continue;
        }
        if (f < 0 || e.texts[f] != null || !Double.isNaN(e.numbers[f])) {
          count++;
        }
        if (f >= 0 && !Double.isNaN(e.numbers[f])) {
          numbers.add(e.numbers[f]);
        }
        if (f >= 0 && e.texts[f] != null) {
          texts.add(e.texts[f]);
        }
      }
      double sum = 0;
      for (double v : numbers) {
        sum += v;
      }
      values[i] = switch (spec.aggregate()) {
        case count -> count;
        case distinctCount -> texts.size();
        case sum -> sum;
        case min -> numbers.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
        case max -> numbers.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        case mean -> numbers.isEmpty() ? Double.NaN : sum / numbers.size();
      };
    }
    return values;
  }

  @Test
  void everyFeatureOverTheKeptHistoryIsWhatItsDefinitionSaysEventAfterEventLateOnesAndExpiryIncluded() {
    Random random = new Random(5);
    List<HistoryEntry> entries = new ArrayList<>();
    KeyHistory kept = new KeyHistory(SET.fields().size());
    long watermark = Long.MIN_VALUE;
    for (int i = 0; i < 3_000; i++) {
      // mostly in order, some up to 20 s late, a few from the future of the ones before
      long ts = 1_000L * i - random.nextInt(20_000) + (random.nextInt(50) == 0 ? 30_000 : 0);
      HistoryEntry current = event(random, ts);
      double[] fromEntries = new double[8];
      double[] fromKept = new double[8];
      SET.compute(entries, current, fromEntries);
      SET.compute(kept, current, fromKept);
      assertThat(fromKept).as("event %d", i).containsExactly(reference(entries, current));
      assertThat(fromEntries).as("event %d, from the list of entries", i).containsExactly(fromKept);
      entries.add(current);
      kept.add(current);
      if (i % 100 == 99) {
        watermark = 1_000L * i - 20_000;
        long w = watermark;
        boolean anyExpired = entries.stream().anyMatch(e -> SET.expired(e, w));
        entries.removeIf(e -> SET.expired(e, w));
        assertThat(kept.expire(SET, watermark)).isEqualTo(anyExpired);
        assertThat(kept.size()).isEqualTo(entries.size());
      }
    }
    assertThat(kept.size()).as("expiry keeps the history bounded").isLessThan(200);
  }

  @Test
  void expiryKeepsTheOthersInOrderAndGivesBackRoom() {
    KeyHistory kept = new KeyHistory(2);
    for (int i = 0; i < 1_000; i++) {
      kept.add(1_000L * i, new double[] {i, Double.NaN}, new String[] {"t" + i, null});
    }
    // retention is 90 s (the longest window and the allowed lateness): at 1,000 s, events up to 910 s go
    assertThat(kept.expire(SET, 1_000_000)).isTrue();
    assertThat(kept.size()).isEqualTo(89);
    assertThat(kept.ts[0]).isEqualTo(911_000);
    assertThat(kept.numbers[0]).isEqualTo(911.0);
    assertThat(kept.texts[2 * 88]).isEqualTo("t999");
    assertThat(kept.ts.length).as("shrunk").isLessThan(1_000);
    assertThat(kept.expire(SET, 1_000_000)).as("nothing more to drop").isFalse();
    assertThat(kept.expire(SET, Long.MIN_VALUE)).as("no watermark yet: nothing expires").isFalse();
  }

  @Test
  void anEntryOfFewerValuesThanFieldsKeepsNoneForTheRest() {
    KeyHistory kept = new KeyHistory(2);
    kept.add(1_000, new double[] {5}, new String[] {"5"});
    assertThat(kept.numbers[1]).isNaN();
    assertThat(kept.texts[1]).isNull();
  }

  @Test
  void flinkKeepsItAsAPojoNotThroughKryoAndReadsBackWhatItWrote() throws Exception {
    TypeInformation<KeyHistory> type = TypeInformation.of(KeyHistory.class);
    assertThat(type).isInstanceOf(PojoTypeInfo.class);
    var serializer = type.createSerializer(new SerializerConfigImpl());
    KeyHistory kept = new KeyHistory(2);
    kept.add(7, new double[] {1.5, Double.NaN}, new String[] {"1.5", "m"});
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(kept, out);
    KeyHistory read = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(read.size()).isEqualTo(1);
    assertThat(read.ts[0]).isEqualTo(7);
    assertThat(read.texts[1]).isEqualTo("m");
    assertThat(serializer.copy(kept).numbers).isNotSameAs(kept.numbers).containsExactly(kept.numbers);
  }
}
