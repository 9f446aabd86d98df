package dev.slipstream.controllers;

import dev.slipstream.controllers.modelversion.ModelVersionReconciler;
import dev.slipstream.controllers.pipeline.StreamingPipelineReconciler;
import dev.slipstream.controllers.shedpolicy.ShedPolicyReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.util.Set;

/** Registers Slipstream's reconcilers with an operator. */
public final class Controllers {
  private Controllers() {}

  /**
   * @param namespaces namespaces to watch; empty for all
   */
  public static void register(Operator operator, KubernetesClient client, ControllersConfig config, Set<String> namespaces) {
    operator.register(new StreamingPipelineReconciler(client, config), o -> watch(o, namespaces));
    operator.register(new ModelVersionReconciler(client, config), o -> watch(o, namespaces));
    operator.register(new ShedPolicyReconciler(client, config), o -> watch(o, namespaces));
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> void watch(
      io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<R> overrider, Set<String> namespaces) {
    if (!namespaces.isEmpty()) {
      overrider.settingNamespaces(namespaces);
    }
  }
}
