package dev.slipstream.job.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
    index();
  }

  /**
   * The names the event is read for, each once: the id, key and time fields, then the features' fields; a role's
   * index into it, -1 for a role with no field.
   */
  private String[] names;
  private int idAt;
  private int keyAt;
  private int timeAt;
  private int[] fieldAt;
  /** Whether a name is a dotted path ({@code card.id}): such an event is read as a tree. */
  private boolean dotted;

  private void index() {
    List<String> unique = new java.util.ArrayList<>();
    idAt = slot(unique, idField);
    keyAt = slot(unique, keyField);
    timeAt = slot(unique, timestampField);
    fieldAt = new int[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      fieldAt[i] = slot(unique, fields.get(i));
    }
    dotted = unique.stream().anyMatch(n -> n.indexOf('.') >= 0);
    names = unique.toArray(new String[0]);
  }

  private static int slot(List<String> unique, String name) {
    if (name == null) {
      return -1;
    }
    int at = unique.indexOf(name);
    if (at < 0) {
      unique.add(name);
      at = unique.size() - 1;
    }
    return at;
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
    JsonNode[] found = value == null ? null : dotted ? fromTree(value) : fromStream(value);
    if (found == null) {
      e.problem = "not a JSON object";
      return e;
    }
    JsonNode id = idAt < 0 ? null : found[idAt];
    if (id != null && id.isValueNode() && !id.asText().isEmpty()) {
      e.id = id.asText();
    }
    if (keyField != null) {
      JsonNode k = found[keyAt];
      if (k == null || k.isNull() || !k.isValueNode()) {
        e.problem = "no value in the key field '" + keyField + "'";
        return e;
      }
      e.key = k.asText();
    }
    JsonNode ts = found[timeAt];
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
      JsonNode v = found[fieldAt[i]];
      e.numbers[i] = number(v);
      e.texts[i] = v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }
    return e;
  }

  /** The named fields of an event read whole as a tree (a dotted name may reach into nested objects); null: not an object. */
  private JsonNode[] fromTree(byte[] value) {
    JsonNode event;
    try {
      event = Json.MAPPER.readTree(value);
    } catch (IOException ex) {
      return null;
    }
    if (event == null || !event.isObject()) {
      return null;
    }
    JsonNode[] found = new JsonNode[names.length];
    for (int i = 0; i < names.length; i++) {
      found[i] = field(event, names[i]);
    }
    return found;
  }

  /**
   * The named top-level fields of an event read as a stream, each value as the tree reader makes it (a later field of
   * the same name wins, as there); the others are only checked to be JSON. Null: not a JSON object. A tree of every
   * event was the largest allocation of reading it.
   */
  private JsonNode[] fromStream(byte[] value) {
    JsonNode[] found = new JsonNode[names.length];
    try (JsonParser p = Json.MAPPER.getFactory().createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken token = p.nextToken();
        int at = -1;
        for (int i = 0; i < names.length; i++) {
          if (names[i].equals(name)) {
            at = i;
            break;
          }
        }
        if (at < 0) {
          p.skipChildren();
        } else {
          found[at] = node(p, token);
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        return null;
      }
    } catch (IOException ex) {
      return null;
    }
    return found;
  }

  /** The value at the parser as the tree reader would have made it. */
  private static JsonNode node(JsonParser p, JsonToken token) throws IOException {
    JsonNodeFactory nodes = Json.MAPPER.getNodeFactory();
    return switch (token) {
      case VALUE_STRING -> nodes.textNode(p.getText());
      case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
        case INT -> nodes.numberNode(p.getIntValue());
        case LONG -> nodes.numberNode(p.getLongValue());
        default -> nodes.numberNode(p.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDoubleValue());
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      case VALUE_NULL -> nodes.nullNode();
      default -> Json.MAPPER.readTree(p);
    };
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
