package dev.slipstream.job.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipstream.job.Json;
import dev.slipstream.job.event.FeaturedEvent;
import dev.slipstream.job.features.FeatureSpec;
import dev.slipstream.job.output.Decision;
import dev.slipstream.job.output.OutputCodec;
import java.util.List;

/**
 * The training set, one JSON line per input record: {@code kind: features} with the event, its features and
 * whether it came late, or {@code kind: late} with the reason the streaming job did not score it. Labels are
 * joined afterwards by {@code eventId}.
 */
public final class TrainingRows {
  private TrainingRows() {}

  public static String features(FeaturedEvent e, List<FeatureSpec> specs) {
    ObjectNode row = head("features", e.id, e.key, e.eventTime, e.recordTimestamp, e.topic, e.partition, e.offset);
    row.put("late", e.lateness != 0);
    row.set("features", Json.readOrText(OutputCodec.featuresJson(specs, e.features)));
    row.set("event", Json.readOrText(e.payload));
    return Json.write(row);
  }

  public static String late(Decision d) {
    ObjectNode row = head("late", d.eventId, d.key, d.eventTime, d.recordTimestamp, d.topic, d.partition, d.offset);
    row.put("reason", d.reason);
    row.set("event", Json.readOrText(d.payload));
    return Json.write(row);
  }

  private static ObjectNode head(String kind, String id, String key, long eventTime, long timestamp, String topic,
      int partition, long offset) {
    ObjectNode row = Json.object();
    row.put("kind", kind);
    row.put("eventId", id);
    row.put("key", key);
    row.put("eventTime", eventTime);
    row.put("timestamp", timestamp);
    row.put("topic", topic);
    row.put("partition", partition);
    row.put("offset", offset);
    return row;
  }
}
