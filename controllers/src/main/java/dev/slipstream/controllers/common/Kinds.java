package dev.slipstream.controllers.common;

import dev.slipstream.core.model.ThirdPartyKinds;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;

/** API coordinates of the third-party kinds, for the client (no discovery round trip) and for informers. */
public final class Kinds {
  private Kinds() {}

  /** What a CRD's get asks for: its metadata only where the API server can (a CRD is up to megabytes: KServe's 2). */
  static final String METADATA_ONLY = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

  /**
   * Whether the kind's CRD is installed in the cluster: a get of the CRD by name (which is all the chart grants),
   * asking for its metadata only, whose answer is never parsed: only its status code is read. It runs at start-up and
   * every {@link ThirdPartyKinds#RECHECK}; reading whole CRDs into objects cost the operator seconds at start.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server answers neither 200 nor 404
   */
  public static boolean installed(io.fabric8.kubernetes.client.KubernetesClient client, ThirdPartyKinds kind) {
    var http = client.getHttpClient();
    String url = client.getMasterUrl().toString().replaceAll("/+$", "")
        + "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + kind.crdName();
    var request = http.newHttpRequestBuilder().uri(url).setHeader("Accept", METADATA_ONLY).build();
    io.fabric8.kubernetes.client.http.HttpResponse<byte[]> response;
    try {
      var answer = http.sendAsync(request, byte[].class);
      int timeout = client.getConfiguration().getRequestTimeout();
      response = timeout > 0 ? answer.get(timeout, java.util.concurrent.TimeUnit.MILLISECONDS) : answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.fabric8.kubernetes.client.KubernetesClientException("interrupted reading CRD " + kind.crdName(), e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new io.fabric8.kubernetes.client.KubernetesClientException("reading CRD " + kind.crdName() + " failed: "
          + e.getMessage(), e);
    }
    return switch (response.code()) {
      case 200 -> true;
      case 404 -> false;
      default -> throw new io.fabric8.kubernetes.client.KubernetesClientException("reading CRD " + kind.crdName()
          + " was answered " + response.code(), response.code(), null);
    };
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
