package dev.slipstream.controllers.common;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events (core/v1) about our resources, for {@code kubectl describe} and event exporters. */
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
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var meta = about.getMetadata();
    var event = new EventBuilder()
        .withNewMetadata()
        .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT))
        .withNamespace(meta.getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(about.getApiVersion()).withKind(about.getKind())
            .withName(meta.getName()).withNamespace(meta.getNamespace()).withUid(meta.getUid()).build())
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent("slipstream").endSource()
        .build();
    for (int attempt = 1; ; attempt++) {
      try {
        client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
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

  /** Tries per Event: enough that a few refused writes in a row lose none, few enough never to hold a reconcile. */
  private static final int ATTEMPTS = 4;

  /** Refusals worth one more try: a conflict (the name is random, so not ours), throttling and server errors. */
  private static boolean retryable(int code) {
    return code == 409 || code == 429 || code >= 500;
  }
}
