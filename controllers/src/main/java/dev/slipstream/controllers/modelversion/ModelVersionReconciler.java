package dev.slipstream.controllers.modelversion;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ModelVersionStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.controllers.common.StatusRecorder;
import dev.slipstream.core.status.Conditions;
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
 * those pipelines' status. Ready means valid, and ready in every pipeline that serves it.
 */
@ControllerConfiguration(name = "modelversion")
public class ModelVersionReconciler implements Reconciler<ModelVersion> {
  private final ControllersConfig config;
  private final StatusRecorder statusRecorder;
  private InformerEventSource<StreamingPipeline, ModelVersion> pipelines;

  public ModelVersionReconciler(KubernetesClient client, ControllersConfig config) {
    this.config = config;
    this.statusRecorder = new StatusRecorder(client);
  }

  @Override
  public List<EventSource<?, ModelVersion>> prepareEventSources(EventSourceContext<ModelVersion> context) {
    pipelines = new InformerEventSource<>(InformerEventSourceConfiguration.from(StreamingPipeline.class, ModelVersion.class)
        .withName("streamingpipelines")
        .withSecondaryToPrimaryMapper(p -> p.getSpec() == null || p.getSpec().serving == null
            || p.getSpec().serving.modelVersionRef == null ? Set.of()
            : Set.of(new ResourceID(p.getSpec().serving.modelVersionRef.name, p.getMetadata().getNamespace())))
        .build(), context);
    return List.of(pipelines);
  }

  @Override
  public UpdateControl<ModelVersion> reconcile(ModelVersion model, Context<ModelVersion> context) {
    Instant now = config.clock().instant();
    long generation = Optional.ofNullable(model.getMetadata().getGeneration()).orElse(0L);
    ModelVersionStatus previous = model.getStatus() == null ? new ModelVersionStatus() : model.getStatus();
    ModelVersionStatus next = new ModelVersionStatus();
    next.observedGeneration = generation;
    next.conditions = new ArrayList<>(previous.conditions);

    String name = model.getMetadata().getName();
    // the pipelines that name it, from the source's index (built by the mapper above), not a scan of all
    List<StreamingPipeline> servedBy = pipelines.getSecondaryResources(model).stream()
        .filter(p -> p.getSpec() != null && p.getSpec().serving != null && p.getSpec().serving.modelVersionRef != null
                && name.equals(p.getSpec().serving.modelVersionRef.name))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
    next.servedBy = servedBy.stream().map(p -> p.getMetadata().getName()).toList();
    next.endpoints = servedBy.stream().map(p -> p.getStatus() == null ? null : p.getStatus().endpoint)
        .filter(Objects::nonNull).distinct().toList();

    List<String> problems = ModelVersionValidator.validate(model, config.defaults().ceiling());
    if (!problems.isEmpty()) {
      next.conditions = Conditions.with(next.conditions, Conditions.READY, false, "InvalidSpec",
          "The spec cannot be served: " + String.join("; ", problems), generation, now);
    } else if (servedBy.isEmpty()) {
      next.conditions = Conditions.with(next.conditions, Conditions.READY, true, "Validated",
          "Valid; no StreamingPipeline serves it yet", generation, now);
    } else {
      List<String> waiting = servedBy.stream()
          .filter(p -> p.getStatus() == null || !Conditions.isTrue(p.getStatus().conditions, Conditions.SERVING_READY))
          .map(p -> p.getMetadata().getName()).toList();
      next.conditions = waiting.isEmpty()
          ? Conditions.with(next.conditions, Conditions.READY, true, "Serving",
              "Serving in " + String.join(", ", next.servedBy), generation, now)
          : Conditions.with(next.conditions, Conditions.READY, false, "ServingNotReady",
              "Serving is not ready yet in " + String.join(", ", waiting), generation, now);
    }
    statusRecorder.record(model, next, context);
    return UpdateControl.noUpdate();
  }
}
