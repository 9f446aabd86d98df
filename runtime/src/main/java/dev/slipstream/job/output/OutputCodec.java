package dev.slipstream.job.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import dev.slipstream.job.Json;
import dev.slipstream.job.event.SourceEvent;
import dev.slipstream.job.features.FeatureSpec;
import java.time.Instant;
import java.util.List;

/** The JSON of results and late records, and the records themselves built from events. */
public final class OutputCodec {
  private OutputCodec() {}

  public static String featuresJson(List<FeatureSpec> specs, double[] values) {
    StringBuilder json = new StringBuilder(16 * specs.size() + 2).append('{');
    for (int i = 0; i < specs.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(quoted(specs.get(i).name())).append(':');
      double v = values[i];
      if (Double.isNaN(v)) {
        json.append("null");
      } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        json.append((long) v);
      } else if (Double.isInfinite(v)) {
        json.append('"').append(v).append('"');
      } else {
        json.append(v);
      }
    }
    return json.append('}').toString();
  }

  private static final java.util.Map<String, String> QUOTED = new java.util.concurrent.ConcurrentHashMap<>();

  /** A feature's name as a JSON string (a pipeline has a handful: each is quoted once). */
  private static String quoted(String name) {
    return QUOTED.computeIfAbsent(name, n -> {
      try {
        return Json.MAPPER.writeValueAsString(n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The late-events record of an event that was not scored, carrying the event as it was read. */
  public static Decision late(SourceEvent e, String reason, long now) {
    Decision d = base(e, now);
    d.kind = Decision.LATE;
    d.reason = reason;
    d.payload = e.payload;
    return d;
  }

  /** Why an event went to the late-events topic, in words. */
  public static String lateReason(SourceEvent e, long allowedLatenessMillis) {
    if (e.problem != null) {
      return "unreadable: " + e.problem;
    }
    long behind = e.watermark - e.eventTime;
    return "beyond the allowed lateness: event time " + Instant.ofEpochMilli(e.eventTime) + " is " + behind
        + " ms behind the watermark of partition " + e.partitionName() + " (allowed " + allowedLatenessMillis + " ms)";
  }

  public static Decision base(SourceEvent e, long now) {
    Decision d = new Decision();
    d.eventId = e.id;
    d.key = e.key;
    d.topic = e.topic;
    d.partition = e.partition;
    d.offset = e.offset;
    d.recordTimestamp = e.recordTimestamp;
    d.eventTime = e.eventTime;
    d.late = e.lateness == SourceEvent.LATE;
    d.decidedAt = now;
    d.latencyMs = e.problem == null ? Math.max(0, now - e.eventTime) : 0;
    return d;
  }

  public static String toJson(Decision d) {
    return new String(toJsonBytes(d), StandardCharsets.UTF_8);
  }

  /**
   * The record's JSON, written field by field: a scored result's outputs and every record's features are JSON this
   * job wrote itself and go in as they are; any other text (a fallback result, a late event) is embedded as JSON when
   * it is, else as a string holding it, so nothing is lost.
   */
  public static byte[] toJsonBytes(Decision d) {
    return toJsonBytes(d, new ByteArrayOutputStream(512));
  }

  /**
   * {@link #toJsonBytes(Decision)} written through {@code bytes}, emptied first: a writer that keeps one for the
   * records it writes in turn (the sink's serializer, one per subtask) copies each record once, to its exact size,
   * instead of growing a new buffer for each.
   */
  public static byte[] toJsonBytes(Decision d, ByteArrayOutputStream bytes) {
    bytes.reset();
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("kind", d.kind);
      g.writeStringField("eventId", d.eventId);
      g.writeStringField("key", d.key);
      g.writeNumberField("eventTime", d.eventTime);
      g.writeStringField("topic", d.topic);
      g.writeNumberField("partition", d.partition);
      g.writeNumberField("offset", d.offset);
      if (!d.isLate()) {
        g.writeStringField("modelName", d.modelName);
        g.writeStringField("modelVersion", d.modelVersion);
        if (Double.isNaN(d.score)) {
          g.writeNullField("score");
        } else {
          g.writeNumberField("score", d.score);
        }
        g.writeFieldName("result");
        embed(g, d.result, Decision.SCORED.equals(d.kind));
        g.writeFieldName("features");
        embed(g, d.features, true);
        g.writeBooleanField("fallback", Decision.FALLBACK.equals(d.kind));
        g.writeBooleanField("late", d.late);
      }
      if (d.reason != null) {
        g.writeStringField("reason", d.reason);
      }
      if (d.isLate()) {
        g.writeFieldName("event");
        embed(g, d.payload, false);
      }
      g.writeNumberField("decidedAt", d.decidedAt);
      g.writeNumberField("latencyMs", d.latencyMs);
      if (d.modelMs >= 0) {
        g.writeNumberField("modelMs", d.modelMs);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The last text parsed for embedding (a pipeline's fallback result is the same text every time), and its JSON. */
  private static volatile Parsed lastParsed = new Parsed("", Json.readOrText(""));

  private record Parsed(String text, JsonNode json) {}

  private static void embed(JsonGenerator g, String text, boolean ownJson) throws IOException {
    if (text == null) {
      g.writeNull();
    } else if (ownJson) {
      g.writeRawValue(text);
    } else {
      Parsed last = lastParsed;
      if (!last.text().equals(text)) {
        last = new Parsed(text, Json.readOrText(text));
        lastParsed = last;
      }
      g.writeTree(last.json());
    }
  }
}
