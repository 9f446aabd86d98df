package dev.slipstream.job.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipstream.job.Json;
import dev.slipstream.job.event.EventReader;
import dev.slipstream.job.event.SourceEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A file export of an input topic, one record per line, for building training features without the broker:
 * {@code {"topic":"card-transactions","partition":2,"offset":17,"timestamp":1764490000000,"key":"c-9","value":{...}}}.
 * The value is the event's JSON (or a string, for a record that was not JSON). Within a partition, lines must
 * keep the topic's order; partitions may be interleaved in any way.
 */
public final class ExportLine {
  private ExportLine() {}

  public static String of(String topic, int partition, long offset, long timestamp, String key, String value) {
    ObjectNode line = Json.object();
    line.put("topic", topic);
    line.put("partition", partition);
    line.put("offset", offset);
    line.put("timestamp", timestamp);
    line.put("key", key);
    line.set("value", value == null ? null : Json.readOrText(value));
    return Json.write(line);
  }

  /** The event a line holds, read the way the streaming job reads the record itself. */
  public static SourceEvent read(String line, EventReader reader, long lineNumber) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject() || !node.has("partition") || !node.has("offset")) {
      SourceEvent e = reader.read("export", 0, lineNumber, -1, null, line.getBytes(StandardCharsets.UTF_8));
      e.problem = "line " + lineNumber + " of the export is not {topic, partition, offset, timestamp, key, value}";
      return e;
    }
    JsonNode value = node.get("value");
    String text = value == null || value.isNull() ? null : value.isTextual() ? value.asText() : Json.write(value);
    JsonNode key = node.get("key");
    return reader.read(node.path("topic").asText("export"), node.path("partition").asInt(), node.path("offset").asLong(),
        node.path("timestamp").asLong(-1),
        key == null || key.isNull() ? null : key.asText().getBytes(StandardCharsets.UTF_8),
        text == null ? null : text.getBytes(StandardCharsets.UTF_8));
  }
}
