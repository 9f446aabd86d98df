package dev.slipstream.job.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.job.Json;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Turns a Kafka record into a {@link SourceEvent}: its key (a field of the event, or the record key), id, event
 * time and the fields the features read. Never throws: what cannot be read becomes the event's problem.
 */
public final class EventReader implements Serializable {
  /** An event time this far ahead of its record's Kafka timestamp is refused: it would push the watermark past every real event. */
  public static final long MAX_FUTURE_MILLIS = 3_600_000L;

  private final String timestampField;
  private final String keyField;
  private final String idField;
  private final List<String> fields;

  public EventReader(String timestampField, String keyField, String idField, List<String> fields) {
    this.timestampField = timestampField;
    this.keyField = keyField;
    this.idField = idField;
    this.fields = List.copyOf(fields);
  }

  public SourceEvent read(String topic, int partition, long offset, long recordTimestamp, byte[] key, byte[] value) {
    SourceEvent e = new SourceEvent();
    e.topic = topic;
    e.partition = partition;
    e.offset = offset;
    e.recordTimestamp = recordTimestamp;
    e.payload = value == null ? "" : new String(value, StandardCharsets.UTF_8);
    e.id = topic + "-" + partition + "@" + offset;
    e.key = key == null ? "" : new String(key, StandardCharsets.UTF_8);
    e.numbers = new double[fields.size()];
    e.texts = new String[fields.size()];
    JsonNode event;
    try {
      event = value == null ? null : Json.MAPPER.readTree(value);
    } catch (IOException ex) {
      event = null;
    }
    if (event == null || !event.isObject()) {
      e.problem = "not a JSON object";
      return e;
    }
    JsonNode id = field(event, idField);
    if (id != null && id.isValueNode() && !id.asText().isEmpty()) {
      e.id = id.asText();
    }
    if (keyField != null) {
      JsonNode k = field(event, keyField);
      if (k == null || k.isNull() || !k.isValueNode()) {
        e.problem = "no value in the key field '" + keyField + "'";
        return e;
      }
      e.key = k.asText();
    }
    JsonNode ts = field(event, timestampField);
    Long time = ts == null ? null : eventTime(ts);
    if (time == null) {
      e.problem = ts == null ? "no event time in the field '" + timestampField + "'"
          : "the event time '" + ts.asText() + "' in '" + timestampField + "' is neither epoch milliseconds nor ISO-8601";
      return e;
    }
    e.eventTime = time;
    if (recordTimestamp >= 0 && time > recordTimestamp + MAX_FUTURE_MILLIS) {
      e.problem = "the event time " + Instant.ofEpochMilli(time) + " is more than 1 h ahead of the record's timestamp "
          + Instant.ofEpochMilli(recordTimestamp);
      return e;
    }
    for (int i = 0; i < fields.size(); i++) {
      JsonNode v = field(event, fields.get(i));
      e.numbers[i] = number(v);
      e.texts[i] = v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }
    return e;
  }

  /** A field by its name, or by a dotted path into nested objects ({@code card.id}). */
  static JsonNode field(JsonNode event, String name) {
    JsonNode direct = event.get(name);
    if (direct != null || name.indexOf('.') < 0) {
      return direct;
    }
    JsonNode node = event;
    for (String part : name.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    return node;
  }

  private static double number(JsonNode v) {
    if (v == null) {
      return Double.NaN;
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      String text = v.asText().trim();
      if (!mayBeFinite(text)) {
        return Double.NaN;
      }
      try {
        double d = Double.parseDouble(text);
        return Double.isFinite(d) ? d : Double.NaN;
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /**
   * Whether {@code text} may read as a finite number: it starts with a sign, a digit or a point. Every other text is
   * not a number or not a finite one (NaN, Infinity), and is not handed to {@code Double.parseDouble}: its
   * exception, a stack trace filled in for every event whose text field is not a number (a merchant id, a card
   * number with dashes), was a visible part of reading events.
   */
  static boolean mayBeFinite(String text) {
    if (text.isEmpty()) {
      return false;
    }
    char c = text.charAt(0);
    return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.';
  }

  private static Long eventTime(JsonNode ts) {
    if (ts.isIntegralNumber()) {
      return ts.longValue();
    }
    if (ts.isTextual()) {
      String s = ts.asText().trim();
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException notMillis) {
        try {
          return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
          try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
          } catch (DateTimeParseException notOffset) {
            return null;
          }
        }
      }
    }
    return null;
  }
}
