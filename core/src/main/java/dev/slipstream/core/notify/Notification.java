package dev.slipstream.core.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipstream.api.v1alpha1.NotificationSink;
import dev.slipstream.core.json.Json;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One decision about a pipeline worth telling people: a rollout's phase change, a failed check, a rollback, a
 * promotion or a shed level change, encoded for a sink as a CloudEvents 1.0 structured JSON event or as a Slack
 * incoming-webhook message.
 *
 * @param id unique per decision: a receiver that gets the same id twice (a retry after a lost answer) can drop one
 * @param namespace the pipeline's namespace
 * @param pipeline the pipeline's name
 * @param kind {@code rollout} or {@code shed}
 * @param reason the Event reason, such as RolledBack or ConsumerLagHigh
 * @param message the decision in words
 * @param warning whether it is bad news (a Warning Event)
 * @param time when it was decided
 * @param details figures worth a dashboard (phase, weight, candidate, level), by name
 */
public record Notification(String id, String namespace, String pipeline, String kind, String reason, String message,
    boolean warning, Instant time, Map<String, Object> details) {
  /** The CloudEvents type prefix; the full type is {@code dev.slipstream.<kind>.<reason>}. */
  public static final String TYPE_PREFIX = "dev.slipstream.";
  public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
  public static final String JSON = "application/json";

  /** The rollout Event reasons worth a notification; the others (a step advanced) are progress, not news. */
  private static final Set<String> ROLLOUT_NEWS = Set.of("RolloutStarted", "RolloutRestarted", "RolloutRetried",
      "ShadowSucceeded", "ShadowAnalysisFailed", "CanaryAnalysisFailed", "CandidateFailed", "ProgressDeadlineExceeded",
      "RolloutAborted", "Promoting", "RolloutSucceeded", "RolledBack", "RolloutPaused", "RolloutResumed",
      "ApprovalRequired", "CanaryStepApproved");

  /** Whether a rollout Event of this reason is sent to sinks. */
  public static boolean rolloutNews(String reason) {
    return ROLLOUT_NEWS.contains(reason);
  }

  public String contentType(NotificationSink.Format format) {
    return format == NotificationSink.Format.Slack ? JSON : CLOUDEVENTS_JSON;
  }

  public String encode(NotificationSink.Format format) {
    return format == NotificationSink.Format.Slack ? slack() : cloudEvent();
  }

  /** CloudEvents 1.0, structured mode, JSON format. */
  String cloudEvent() {
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("specversion", "1.0");
    event.put("id", id);
    event.put("source", "/apis/slipstream.dev/v1alpha1/namespaces/" + namespace + "/streamingpipelines/" + pipeline);
    event.put("type", TYPE_PREFIX + kind + "." + reason);
    event.put("subject", namespace + "/" + pipeline);
    event.put("time", time.toString());
    event.put("datacontenttype", JSON);
    ObjectNode data = event.putObject("data");
    data.put("namespace", namespace);
    data.put("pipeline", pipeline);
    data.put("reason", reason);
    data.put("severity", warning ? "warning" : "normal");
    data.put("message", message);
    details.forEach((k, v) -> data.set(k, Json.MAPPER.valueToTree(v)));
    return event.toString();
  }

  /** A Slack incoming-webhook message: one line of text. */
  String slack() {
    ObjectNode text = Json.MAPPER.createObjectNode();
    text.put("text", (warning ? ":warning: " : ":information_source: ") + "*" + namespace + "/" + pipeline + "* "
        + reason + ": " + message);
    return text.toString();
  }
}
