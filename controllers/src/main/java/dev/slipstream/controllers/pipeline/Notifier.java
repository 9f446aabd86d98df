package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.NotificationSink;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.common.EventRecorder;
import dev.slipstream.controllers.common.SecretValues;
import dev.slipstream.core.notify.Notification;
import dev.slipstream.core.port.Notifications;
import dev.slipstream.core.rollout.RolloutDecision;
import dev.slipstream.core.shed.ShedLadder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a pipeline's notification sinks about its rollouts and shed levels, after the decision's status is written:
 * reads each sink's URL from its Secret (never kept), encodes the notification for the sink and hands it to the
 * sender, which delivers it in the background. A sink that cannot be used (no Secret, no url key, a URL the operator
 * refuses) is said in a Warning Event naming the field; the decision itself is never held up.
 */
final class Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  static final String URL_KEY = "url";
  private final KubernetesClient client;
  private final Notifications sender;
  private final EventRecorder events;
  private final Clock clock;

  Notifier(KubernetesClient client, Notifications sender, EventRecorder events, Clock clock) {
    this.client = client;
    this.sender = sender;
    this.events = events;
    this.clock = clock;
  }

  void rollout(StreamingPipeline pipeline, RolloutDecision.Event event, RolloutStatus after) {
    if (!Notification.rolloutNews(event.reason())) {
      return;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    put(details, "phase", after.phase);
    put(details, "stable", after.stable);
    put(details, "candidate", after.candidate);
    put(details, "weight", after.weight);
    put(details, "rollbackReason", after.rollbackReason);
    send(pipeline, "rollout", event.reason(), event.message(), event.warning(), details);
  }

  void shed(StreamingPipeline pipeline, ShedLadder.Change change, ShedStatus after) {
    Map<String, Object> details = new LinkedHashMap<>();
    put(details, "policy", after.policy);
    details.put("fromLevel", change.from());
    details.put("toLevel", change.to());
    put(details, "levelName", after.levelName);
    put(details, "actions", after.actions);
    send(pipeline, "shed", change.reason(), change.message(), change.up(), details);
  }

  private static void put(Map<String, Object> details, String key, Object value) {
    if (value != null) {
      details.put(key, value);
    }
  }

  private void send(StreamingPipeline pipeline, String kind, String reason, String message, boolean warning,
      Map<String, Object> details) {
    List<NotificationSink> sinks = pipeline.getSpec().notifications == null ? List.of() : pipeline.getSpec().notifications;
    List<Notifications.Sink> operatorSinks = sender.operatorSinks();
    if (sinks.isEmpty() && operatorSinks.isEmpty()) {
      return;
    }
    String namespace = pipeline.getMetadata().getNamespace();
    String name = pipeline.getMetadata().getName();
    Notification notification = new Notification(UUID.randomUUID().toString(), namespace, name, kind, reason, message,
        warning, clock.instant(), details);
    for (Notifications.Sink sink : operatorSinks) {
      if (sink.url() == null) {
        LOG.warn("operator notification sink {}: its URL file cannot be read; {} of {}/{} was not sent", sink.name(),
            reason, namespace, name);
        continue;
      }
      deliver(notification, sink.name(), sink.url(), sink.format()); // declared by the operator's admin: no host check
    }
    for (NotificationSink sink : sinks) {
      String url;
      try {
        url = url(namespace, sink);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 403) {
          events.warning(pipeline, "NotificationSecretForbidden", "spec.notifications[" + sink.name + "]: the operator"
              + " may not read Secrets in namespace " + namespace + " (the chart's secretNamespaces lists where it may);"
              + " " + reason + " was not sent");
          continue;
        }
        LOG.warn("pipeline {}/{}: could not read the Secret of notification sink {}: {}", namespace, name, sink.name,
            e.getMessage());
        continue; // the API server is busy or denies it: the log says so; the Event would as likely fail
      }
      if (url == null) {
        events.warning(pipeline, "NotificationSinkInvalid", "spec.notifications[" + sink.name + "]: Secret "
            + sink.urlSecretRef.name + " has no key " + URL_KEY + " (or does not exist); " + reason + " was not sent");
        continue;
      }
      var refused = sender.refuses(url);
      if (refused.isPresent()) {
        events.warning(pipeline, "NotificationRefused", "spec.notifications[" + sink.name + "]: " + refused.get()
            + "; " + reason + " was not sent");
        continue;
      }
      deliver(notification, sink.name, url, sink.format);
    }
  }

  /** The sink's URL from its Secret, or null when the Secret or its key is missing. */
  private String url(String namespace, NotificationSink sink) {
    String url = SecretValues.of(client.secrets().inNamespace(namespace).withName(sink.urlSecretRef.name).get())
        .get(URL_KEY);
    return url == null ? null : url.trim();
  }

  private void deliver(Notification notification, String sink, String url, NotificationSink.Format format) {
    sender.send(new Notifications.Delivery(notification.namespace(), notification.pipeline(), sink, url,
        notification.contentType(format), notification.encode(format)));
  }
}
