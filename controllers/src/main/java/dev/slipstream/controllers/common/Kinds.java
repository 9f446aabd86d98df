package dev.slipstream.controllers.common;

import dev.slipstream.core.model.ThirdPartyKinds;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;

/** API coordinates of the third-party kinds, for the client (no discovery round trip) and for informers. */
public final class Kinds {
  private Kinds() {}

  /** Whether the kind's CRD is installed in the cluster (a get of the CRD by name, which is all the chart grants). */
  public static boolean installed(io.fabric8.kubernetes.client.KubernetesClient client, ThirdPartyKinds kind) {
    return client.apiextensions().v1().customResourceDefinitions().withName(kind.crdName()).get() != null;
  }

  public static ResourceDefinitionContext context(ThirdPartyKinds kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(kind.group)
        .withVersion(kind.version)
        .withKind(kind.kind)
        .withPlural(kind.plural)
        .withNamespaced(true)
        .build();
  }

  public static GroupVersionKind gvk(ThirdPartyKinds kind) {
    return new GroupVersionKind(kind.group, kind.version, kind.kind);
  }

  /** Informer configuration for a third-party kind, limited to objects Slipstream manages. */
  public static InformerEventSourceConfiguration.Builder<io.fabric8.kubernetes.api.model.GenericKubernetesResource> informer(
      ThirdPartyKinds kind, Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> primary) {
    return InformerEventSourceConfiguration.from(gvk(kind), primary)
        .withName(kind.plural)
        .withLabelSelector(dev.slipstream.core.model.Labels.managedSelector());
  }
}
