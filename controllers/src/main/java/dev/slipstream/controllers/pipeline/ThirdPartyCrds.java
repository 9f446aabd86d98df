package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.common.Kinds;
import dev.slipstream.core.model.ThirdPartyKinds;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Third-party CRDs installed or removed while the operator runs. At most once per interval, from whichever reconcile
 * comes first, each optional CRD is read by name (the chart grants {@code get} on exactly these); a kind whose CRD
 * appeared gets an informer registered with the running controller, one whose CRD went loses it. The pipelines that
 * needed it move on (or report CrdMissing) at their next reconcile.
 */
final class ThirdPartyCrds {
  private static final Logger LOG = LoggerFactory.getLogger(ThirdPartyCrds.class);
  private final KubernetesClient client;
  private final Clock clock;
  private final ReentrantLock checking = new ReentrantLock();
  private Instant next = Instant.MIN;

  ThirdPartyCrds(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Looks for the kinds' CRDs if the interval has passed and no other reconcile is looking; never throws. */
  void check(List<ThirdPartyObjects> kinds, EventSourceRetriever<StreamingPipeline> retriever) {
    if (!checking.tryLock()) {
      return;
    }
    try {
      Instant now = clock.instant();
      if (now.isBefore(next)) {
        return;
      }
      next = now.plus(ThirdPartyKinds.RECHECK);
      for (ThirdPartyObjects objects : kinds) {
        String crd = objects.kind().crdName();
        try {
          boolean there = Kinds.installed(client, objects.kind());
          if (there && !objects.installed()) {
            LOG.info("the {} CRD ({}) was installed: watching {} now", objects.kind().kind, crd, objects.kind().plural);
            objects.install(retriever);
          } else if (!there && objects.installed()) {
            LOG.warn("the {} CRD ({}) was removed: pipelines that need it report CrdMissing", objects.kind().kind, crd);
            objects.uninstall(retriever);
          }
        } catch (KubernetesClientException | IllegalStateException e) {
          // not readable now (API server busy, RBAC) or the informer would not start: as it was, until the next look
          LOG.warn("could not check the {} CRD ({}): {}", objects.kind().kind, crd, e.getMessage());
        }
      }
    } finally {
      checking.unlock();
    }
  }
}
