package dev.slipstream.controllers.modelversion;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ModelVersionStatus;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.controllers.common.StatusRecorder;
import dev.slipstream.controllers.common.HeldStatus;
import dev.slipstream.controllers.common.OwnKindViews;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import dev.slipstream.core.status.ModelVersionStatusDecider;
import dev.slipstream.core.status.StatusPacing;
import dev.slipstream.core.validation.ModelVersionValidator;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a ModelVersion and reports where it serves: its endpoints and the pipelines serving it, read from
 * those pipelines' status. Ready means valid (whether serving is ready is each pipeline's status). A change that
 * comes only from the pipelines is held back briefly (StatusPacing), so that pipelines created together, and their
 * endpoints, are one write.
 */
@ControllerConfiguration(name = "modelversion")
public class ModelVersionReconciler implements Reconciler<ModelVersion> {
  private final ControllersConfig config;
  private final KubernetesClient views;
  private final StatusRecorder statusRecorder;
  private final HeldStatus<ModelVersionStatus> held = new HeldStatus<>();
  private InformerEventSource<GenericKubernetesResource, ModelVersion> pipelines;

  /** @param views the client of its watch of Slipstream's kinds read untyped (see {@link OwnKindViews}) */
  public ModelVersionReconciler(KubernetesClient client, ControllersConfig config, KubernetesClient views) {
    this.views = views;
    this.config = config;
    this.statusRecorder = new StatusRecorder(client);
  }

  /**
   * Pipelines are watched untyped and read as {@link OwnKindViews} (the pipeline controller holds them whole):
   * which version each names, its endpoint and whether it reported are all this controller reads of them.
   */
  @Override
  public List<EventSource<?, ModelVersion>> prepareEventSources(EventSourceContext<ModelVersion> context) {
    pipelines = new InformerEventSource<>(InformerEventSourceConfiguration.from(OwnKindViews.PIPELINE, ModelVersion.class)
        .withKubernetesClient(views)
        .withName("streamingpipelines")
        .withSecondaryToPrimaryMapper(p -> OwnKindViews.modelVersion(p) == null ? Set.of()
            : Set.of(new ResourceID(OwnKindViews.modelVersion(p), p.getMetadata().getNamespace())))
        // of a pipeline, a ModelVersion's status reads which version it names, its endpoint and whether it reported
        .withOnUpdateFilter((changed, before) -> !Objects.equals(OwnKindViews.modelVersion(changed),
            OwnKindViews.modelVersion(before))
            || !Objects.equals(OwnKindViews.endpoint(changed), OwnKindViews.endpoint(before))
            || OwnKindViews.reported(changed) != OwnKindViews.reported(before))
        .build(), context);
    return List.of(pipelines);
  }

  @Override
  public UpdateControl<ModelVersion> reconcile(ModelVersion model, Context<ModelVersion> context) {
    Instant now = config.clock().instant();
    long generation = Optional.ofNullable(model.getMetadata().getGeneration()).orElse(0L);
    String uid = model.getMetadata().getUid();
    String name = model.getMetadata().getName();
    // the pipelines that name it, from the source's index (built by the mapper above), not a scan of all
    List<GenericKubernetesResource> servedBy = pipelines.getSecondaryResources(model).stream()
        .filter(p -> name.equals(OwnKindViews.modelVersion(p)))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
    ModelVersionStatus next = ModelVersionStatusDecider.decide(held.previous(uid, model.getStatus()),
        ModelVersionValidator.validate(model, config.defaults().ceiling()),
        servedBy.stream().map(p -> p.getMetadata().getName()).toList(),
        servedBy.stream().map(OwnKindViews::endpoint).filter(Objects::nonNull)
            .distinct().toList(),
        generation, now);
    if (Objects.equals(model.getStatus(), next)) {
      held.forget(uid);
      return UpdateControl.noUpdate();
    }
    Instant since = held.pendingSince(uid, now);
    boolean unreported = servedBy.stream().anyMatch(p -> !OwnKindViews.reported(p));
    Optional<java.time.Duration> hold = StatusPacing.modelVersion(model.getStatus(), next, since, unreported, now,
        config.statusProgressInterval());
    if (hold.isPresent()) {
      held.hold(uid, next, since, now);
      return UpdateControl.<ModelVersion>noUpdate().rescheduleAfter(hold.get());
    }
    statusRecorder.record(model, next, context);
    held.forget(uid);
    return UpdateControl.noUpdate();
  }
}
