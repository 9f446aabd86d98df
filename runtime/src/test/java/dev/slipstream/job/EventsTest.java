package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.job.event.EventReader;
import dev.slipstream.job.event.PartitionClock;
import dev.slipstream.job.event.SourceEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {
  private static final EventReader READER = new EventReader("event_time", "card.id", "txn_id", List.of("amount", "merchant"));
  private static final long NOW = 1_764_000_000_000L;

  private static SourceEvent read(String json) {
    return READER.read("tx", 1, 7, NOW, "record-key".getBytes(StandardCharsets.UTF_8),
        json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsKeyIdTimeAndFields() {
    SourceEvent e = read("{\"txn_id\":\"t-1\",\"card\":{\"id\":\"c-9\"},\"event_time\":\"2025-11-24T16:00:00Z\",\"amount\":\"12.5\",\"merchant\":42}");
    assertThat(e.problem).isNull();
    assertThat(e.key).isEqualTo("c-9");
    assertThat(e.id).isEqualTo("t-1");
    assertThat(e.eventTime).isEqualTo(1_764_000_000_000L);
    assertThat(e.numbers).containsExactly(12.5, 42.0);
    assertThat(e.texts).containsExactly("12.5", "42");
  }

  @Test
  void aTextFieldIsANumberExactlyWhenJavaReadsItAsAFiniteOne() {
    String[] texts = {" 12.5 ", "-3", "+4e2", ".5", "0x1p3", "7d", "m12", "card-5", "", "  ", "NaN", "Infinity",
        "-Infinity", "-", "1.2.3", "e5", "\u00e912"};
    for (String text : texts) {
      SourceEvent e = read("{\"card\":{\"id\":\"c\"},\"event_time\":1,\"amount\":\"" + text + "\"}");
      double expected;
      try {
        double d = Double.parseDouble(text.trim());
        expected = Double.isFinite(d) ? d : Double.NaN;
      } catch (NumberFormatException notANumber) {
        expected = Double.NaN;
      }
      assertThat((Double) e.numbers[0]).as("'%s'", text).isEqualTo((Double) expected);
      assertThat(e.texts[0]).isEqualTo(text);
    }
  }

  @Test
  void anEventOfTopLevelFieldsReadAsAStreamIsReadExactlyAsTheTreeReadsIt() {
    List<String> fields = List.of("amount", "merchant", "tags", "flag");
    EventReader stream = new EventReader("event_time", "card_id", "txn_id", fields);
    // a dotted name anywhere makes the reader take the whole event as a tree
    EventReader tree = new EventReader("event_time", "card_id", "txn_id",
        List.of("amount", "merchant", "tags", "flag", "no.such"));
    String[] events = {
        "{\"txn_id\":\"t\",\"card_id\":\"c\",\"event_time\":1000,\"amount\":12.5,\"merchant\":\"m1\"}",
        "{\"card_id\":7,\"event_time\":\"2025-11-24T16:00:00Z\",\"amount\":1e10,\"merchant\":-0,\"tags\":[1,{\"a\":2}]}",
        "{\"card_id\":\"c\",\"event_time\":1000,\"amount\":99999999999999999999,\"flag\":true,\"merchant\":null}",
        "{\"card_id\":\"c\",\"event_time\":1000,\"amount\":1,\"amount\":2,\"merchant\":{\"id\":\"m\"},\"flag\":false}",
        "{\"card_id\":\"c\",\"event_time\":1000,\"txn_id\":\"\",\"amount\":\"12\",\"other\":{\"x\":[1,2,3]}}",
        "{\"card_id\":\"c\",\"event_time\":1.5}",
        "{\"card_id\":{\"id\":1},\"event_time\":1000}",
        "{\"card_id\":null,\"event_time\":1000}",
        "{\"event_time\":1000}",
        "{\"card_id\":\"c\"}",
        "{\"card_id\":\"c\",\"event_time\":1000,\"other\":[1,}",
        "{\"card_id\":\"c\",\"event_time\":1000",
        "[1,2]",
        "\"text\"",
        "",
        "{\"card_id\":\"c\",\"event_time\":1000} trailing",
    };
    for (String json : events) {
      byte[] value = json.getBytes(StandardCharsets.UTF_8);
      SourceEvent a = stream.read("txns", 1, 42, NOW, null, value);
      SourceEvent b = tree.read("txns", 1, 42, NOW, null, value);
      assertThat(a.problem).as(json).isEqualTo(b.problem);
      assertThat(a.id).as(json).isEqualTo(b.id);
      assertThat(a.key).as(json).isEqualTo(b.key);
      assertThat(a.eventTime).as(json).isEqualTo(b.eventTime);
      assertThat(a.texts).as(json).containsExactly(java.util.Arrays.copyOf(b.texts, fields.size()));
      assertThat(java.util.Arrays.toString(a.numbers)).as(json)
          .isEqualTo(java.util.Arrays.toString(java.util.Arrays.copyOf(b.numbers, fields.size())));
    }
    SourceEvent first = stream.read("txns", 1, 42, NOW, null, events[0].getBytes(StandardCharsets.UTF_8));
    assertThat(first.problem).isNull();
    assertThat(first.numbers).containsExactly(12.5, Double.NaN, Double.NaN, Double.NaN);
    assertThat(stream.read("txns", 1, 42, NOW, null, events[3].getBytes(StandardCharsets.UTF_8)).texts)
        .as("a later field of the same name wins").containsExactly("2", "{\"id\":\"m\"}", null, "false");
  }

  @Test
  void whatCannotBeScoredSaysWhy() {
    assertThat(read("not json").problem).isEqualTo("not a JSON object");
    assertThat(read(null).problem).isEqualTo("not a JSON object");
    assertThat(read("{\"event_time\":1}").problem).isEqualTo("no value in the key field 'card.id'");
    assertThat(read("{\"card\":{\"id\":\"c\"}}").problem).isEqualTo("no event time in the field 'event_time'");
    assertThat(read("{\"card\":{\"id\":\"c\"},\"event_time\":\"yesterday\"}").problem)
        .isEqualTo("the event time 'yesterday' in 'event_time' is neither epoch milliseconds nor ISO-8601");
    assertThat(read("{\"card\":{\"id\":\"c\"},\"event_time\":" + (NOW + 3_600_001) + "}").problem)
        .startsWith("the event time 2025-11-24T17:00:00.001Z is more than 1 h ahead of the record's timestamp");
  }

  @Test
  void withoutAnIdTheEventIsNamedByItsPlaceInTheTopic() {
    SourceEvent e = read("{\"card\":{\"id\":\"c\"},\"event_time\":5}");
    assertThat(e.id).isEqualTo("tx-1@7");
    assertThat(e.numbers[0]).isNaN();
    assertThat(e.texts[0]).isNull();
  }

  @Test
  void eachPartitionIsJudgedByItsOwnWatermark() {
    PartitionClock clock = new PartitionClock(5_000, 60_000);
    assertThat(judge(clock, 0, 100_000)).isEqualTo(SourceEvent.ON_TIME);
    assertThat(judge(clock, 0, 95_000)).isEqualTo(SourceEvent.ON_TIME);   // 5 s out of order: within bounds
    assertThat(judge(clock, 0, 94_999)).isEqualTo(SourceEvent.LATE);      // behind the watermark 94 999
    assertThat(judge(clock, 0, 35_000)).isEqualTo(SourceEvent.LATE);      // within the allowed lateness
    assertThat(judge(clock, 0, 34_999)).isEqualTo(SourceEvent.TOO_LATE);
    assertThat(judge(clock, 1, 10_000)).isEqualTo(SourceEvent.ON_TIME);   // another partition has its own clock
    // a restart restores the clock: the same record is judged the same
    PartitionClock restored = new PartitionClock(5_000, 60_000);
    clock.state().forEach(restored::restore);
    assertThat(judge(restored, 0, 34_999)).isEqualTo(SourceEvent.TOO_LATE);
  }

  private static int judge(PartitionClock clock, int partition, long time) {
    SourceEvent e = new SourceEvent();
    e.topic = "tx";
    e.partition = partition;
    e.eventTime = time;
    clock.judge(e);
    return e.lateness;
  }
}
