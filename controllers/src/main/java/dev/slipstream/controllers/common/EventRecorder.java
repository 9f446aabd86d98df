package dev.slipstream.controllers.common;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events (core/v1) about our resources, for {@code kubectl describe} and event exporters. The same Event
 * (object, type, reason and message) again within ten minutes raises the count of the one already there instead of
 * creating another, as Kubernetes' own recorder aggregates.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata about, String reason, String message) {
    emit(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    emit(about, "Warning", reason, message);
  }

  /** An Event whose severity was decided elsewhere (a status change, a rollout or ladder decision). */
  public void record(HasMetadata about, boolean warning, String reason, String message) {
    emit(about, warning ? "Warning" : "Normal", reason, message);
  }

  private void emit(HasMetadata about, String type, String reason, String message) {
    Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String now = at.toString();
    var meta = about.getMetadata();
    String text = message.length() > 1000 ? message.substring(0, 1000) : message;
    String key = meta.getNamespace() + "/" + meta.getUid() + "/" + type + "/" + reason + "/" + text;
    Seen seen;
    synchronized (recent) {
      seen = recent.get(key);
    }
    if (seen != null && !seen.last().plus(AGGREGATION_WINDOW).isBefore(at) && repeat(meta.getNamespace(), seen, now)) {
      synchronized (recent) {
        recent.put(key, new Seen(seen.event(), seen.count() + 1, at));
      }
      return;
    }
    String name = meta.getName() + "." + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    var event = new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(meta.getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(about.getApiVersion()).withKind(about.getKind())
            .withName(meta.getName()).withNamespace(meta.getNamespace()).withUid(meta.getUid()).build())
        .withType(type)
        .withReason(reason)
        .withMessage(text)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent("slipstream").endSource()
        .build();
    for (int attempt = 1; ; attempt++) {
      try {
        client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
        synchronized (recent) {
          recent.put(key, new Seen(event, 1, at));
        }
        return;
      } catch (KubernetesClientException e) {
        if (attempt < ATTEMPTS && retryable(e.getCode())) {
          continue; // a busy or briefly failing API server: the event is written once, so sending it again is safe
        }
        // an event is a courtesy; losing one must not fail a reconcile
        LOG.warn("could not record event {} on {}/{}: {}", reason, meta.getNamespace(), meta.getName(), e.getMessage());
        return;
      }
    }
  }

  /**
   * The same Event again: its count and lastTimestamp raised on the Event already there, as the Kubernetes event
   * recorder does (kubectl describe shows "x3 over 5m"). False when that Event is gone (Events expire) or the write
   * failed: a new one is created.
   */
  private boolean repeat(String namespace, Seen seen, String now) {
    try {
      // with the Event in hand the client sends the patch alone; by name it would GET the Event first
      client.v1().events().inNamespace(namespace).resource(seen.event()).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"count\":" + (seen.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}");
      return true;
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  /** An Event this recorder sent, its count and when it was last raised. */
  private record Seen(io.fabric8.kubernetes.api.model.Event event, int count, Instant last) {}

  /** Repeats within this long raise the count of the Event already there (client-go's aggregation window). */
  static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);

  /** Events remembered for aggregation: the most recent, as client-go's event correlator keeps (an LRU of 4096). */
  private final Map<String, Seen> recent = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
      return size() > 4096;
    }
  };

  /** Tries per Event: enough that a few refused writes in a row lose none, few enough never to hold a reconcile. */
  private static final int ATTEMPTS = 4;

  /** Refusals worth one more try: a conflict (the name is random, so not ours), throttling and server errors. */
  private static boolean retryable(int code) {
    return code == 409 || code == 429 || code >= 500;
  }
}
