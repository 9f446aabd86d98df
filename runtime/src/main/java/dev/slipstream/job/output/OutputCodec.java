package dev.slipstream.job.output;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipstream.job.Json;
import dev.slipstream.job.event.SourceEvent;
import dev.slipstream.job.features.FeatureSpec;
import java.time.Instant;
import java.util.List;

/** The JSON of results and late records, and the records themselves built from events. */
public final class OutputCodec {
  private OutputCodec() {}

  public static String featuresJson(List<FeatureSpec> specs, double[] values) {
    ObjectNode node = Json.object();
    for (int i = 0; i < specs.size(); i++) {
      if (Double.isNaN(values[i])) {
        node.putNull(specs.get(i).name());
      } else if (values[i] == Math.rint(values[i]) && Math.abs(values[i]) < 1e15) {
        node.put(specs.get(i).name(), (long) values[i]);
      } else {
        node.put(specs.get(i).name(), values[i]);
      }
    }
    return Json.write(node);
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
    ObjectNode node = Json.object();
    node.put("kind", d.kind);
    node.put("eventId", d.eventId);
    node.put("key", d.key);
    node.put("eventTime", d.eventTime);
    node.put("topic", d.topic);
    node.put("partition", d.partition);
    node.put("offset", d.offset);
    if (!d.isLate()) {
      node.put("modelName", d.modelName);
      node.put("modelVersion", d.modelVersion);
      if (Double.isNaN(d.score)) {
        node.putNull("score");
      } else {
        node.put("score", d.score);
      }
      node.set("result", d.result == null ? null : Json.readOrText(d.result));
      node.set("features", d.features == null ? null : Json.readOrText(d.features));
      node.put("fallback", Decision.FALLBACK.equals(d.kind));
      node.put("late", d.late);
    }
    if (d.reason != null) {
      node.put("reason", d.reason);
    }
    if (d.isLate()) {
      node.set("event", Json.readOrText(d.payload));
    }
    node.put("decidedAt", d.decidedAt);
    node.put("latencyMs", d.latencyMs);
    return Json.write(node);
  }
}
