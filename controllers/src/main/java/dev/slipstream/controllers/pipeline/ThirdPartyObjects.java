package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.common.Kinds;
import dev.slipstream.controllers.common.OwnedWriter;
import dev.slipstream.core.model.ThirdPartyKinds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The owned objects of a third-party kind whose CRD may be installed or removed while the operator runs: watched
 * through an informer while the CRD is there, absent (nothing found, nothing written) while it is not. The switch
 * happens when the operator's periodic check of the CRDs sees the change ({@link ThirdPartyCrds}).
 */
final class ThirdPartyObjects implements OwnedObjects<GenericKubernetesResource> {
  private final ThirdPartyKinds kind;
  private final OwnedWriter writer;
  private final KubernetesClient client;
  private volatile OwnedObjects<GenericKubernetesResource> current = InformedObjects.absent();

  ThirdPartyObjects(ThirdPartyKinds kind, OwnedWriter writer, KubernetesClient client) {
    this.kind = kind;
    this.writer = writer;
    this.client = client;
  }

  ThirdPartyKinds kind() {
    return kind;
  }

  /**
   * An informer for the kind, to register with the controller (at start-up, or dynamically once the CRD appears).
   * An object seen for the first time without a status is one the operator has just created (their controllers give
   * every object a status): its pipeline knows it already, and is reconciled when the status comes. Without this,
   * the watch's copy of a create, arriving before the create's answer, reconciled the pipeline once more.
   */
  InformerEventSource<GenericKubernetesResource, StreamingPipeline> source(EventSourceContext<StreamingPipeline> context) {
    return new InformerEventSource<>(Kinds.informer(kind, StreamingPipeline.class)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(StreamingPipeline.class))
        .withOnAddFilter(ThirdPartyObjects::hasStatus).build(), context);
  }

  /** Whether the object's controller has written it a status. */
  static boolean hasStatus(GenericKubernetesResource object) {
    return object.getAdditionalProperties().get("status") != null;
  }

  /** From now on the kind is read from {@code source}. */
  void watchedBy(InformerEventSource<GenericKubernetesResource, StreamingPipeline> source) {
    current = new InformedObjects<>(source, Kinds.context(kind), writer, client);
  }

  /** The CRD appeared: an informer is registered with the running controller and the kind is read from it. */
  void install(EventSourceRetriever<StreamingPipeline> retriever) {
    var source = source(retriever.eventSourceContextForDynamicRegistration());
    @SuppressWarnings("unchecked")
    var registered = (InformerEventSource<GenericKubernetesResource, StreamingPipeline>) retriever.dynamicallyRegisterEventSource(source);
    watchedBy(registered);
  }

  /** The CRD went (and with it every object of the kind): its informer is stopped and the kind is absent again. */
  void uninstall(EventSourceRetriever<StreamingPipeline> retriever) {
    current = InformedObjects.absent();
    retriever.dynamicallyDeRegisterEventSource(kind.plural);
  }

  @Override
  public boolean installed() {
    return current.installed();
  }

  @Override
  public Optional<GenericKubernetesResource> get(String namespace, String name) {
    return current.get(namespace, name);
  }

  @Override
  public List<GenericKubernetesResource> ownedBy(StreamingPipeline pipeline) {
    return current.ownedBy(pipeline);
  }

  @Override
  public GenericKubernetesResource ensure(GenericKubernetesResource desired) {
    return current.ensure(desired);
  }

  @Override
  public void delete(GenericKubernetesResource object) {
    current.delete(object);
  }

  @Override
  public void edit(GenericKubernetesResource object, UnaryOperator<GenericKubernetesResource> change) {
    current.edit(object, change);
  }
}
