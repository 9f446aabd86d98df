package dev.slipstream.controllers;

import dev.slipstream.controllers.modelversion.ModelVersionReconciler;
import dev.slipstream.controllers.pipeline.StreamingPipelineReconciler;
import dev.slipstream.controllers.shedpolicy.ShedPolicyReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Duration;
import java.util.Set;

/** Registers Slipstream's reconcilers with an operator. */
public final class Controllers {
  private Controllers() {}

  /**
   * @param views the client of the ModelVersion and ShedPolicy controllers' watches of pipelines and ModelVersions,
   *     which read them untyped: with {@link dev.slipstream.controllers.common.PrunedReads#viewsSerialization} it
   *     holds only what those controllers read of them
   * @param namespaces namespaces to watch; empty for all
   */
  public static void register(Operator operator, KubernetesClient client, KubernetesClient views, ControllersConfig config,
      Set<String> namespaces) {
    operator.register(new StreamingPipelineReconciler(client, config), o -> watch(o, namespaces));
    operator.register(new ModelVersionReconciler(client, config, views), o -> watch(o, namespaces));
    operator.register(new ShedPolicyReconciler(client, config, views), o -> watch(o, namespaces));
  }

  /**
   * A failed reconciliation (the API server answering 409 or 5xx, a timeout) is retried without limit, from
   * half a second up to a minute apart: the framework's default gives up after five attempts, and a pipeline
   * left alone until its next event could stay half-written.
   */
  static GenericRetry retry() {
    return new GenericRetry().withoutMaxAttempts().setInitialInterval(Duration.ofMillis(500)).setIntervalMultiplier(2)
        .setMaxInterval(Duration.ofMinutes(1).toMillis());
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> void watch(
      io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<R> overrider, Set<String> namespaces) {
    overrider.withRetry(retry());
    if (!namespaces.isEmpty()) {
      overrider.settingNamespaces(namespaces);
    }
  }
}
