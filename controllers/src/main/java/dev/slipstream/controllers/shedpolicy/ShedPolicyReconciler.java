package dev.slipstream.controllers.shedpolicy;

import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.ShedPolicyStatus;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.controllers.common.OwnKindViews;
import dev.slipstream.controllers.common.StatusRecorder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.core.validation.ShedPolicyValidator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Validates a ShedPolicy's ladder, including that every downgrade target exists. */
@ControllerConfiguration(name = "shedpolicy")
public class ShedPolicyReconciler implements Reconciler<ShedPolicy> {
  private static final String DOWNGRADE_TARGETS = "downgrade-targets";
  private final ControllersConfig config;
  private final KubernetesClient views;
  private final StatusRecorder statusRecorder;
  private InformerEventSource<GenericKubernetesResource, ShedPolicy> modelVersions;

  /** @param views the client of its watch of Slipstream's kinds read untyped (see {@link OwnKindViews}) */
  public ShedPolicyReconciler(KubernetesClient client, ControllersConfig config, KubernetesClient views) {
    this.views = views;
    this.config = config;
    this.statusRecorder = new StatusRecorder(client);
  }

  /**
   * A ModelVersion's change re-validates the policies that downgrade to it, found through an index of the policies
   * by their downgrade targets (namespace/name), not by testing every policy. ModelVersions are watched untyped and
   * read as their identity ({@link OwnKindViews}): whether one exists is all a policy reads of them.
   */
  @Override
  public List<EventSource<?, ShedPolicy>> prepareEventSources(EventSourceContext<ShedPolicy> context) {
    context.getPrimaryCache().addIndexer(DOWNGRADE_TARGETS, policy -> policy.getSpec() == null || policy.getSpec().levels == null
        ? List.of()
        : policy.getSpec().levels.stream().filter(l -> l.downgrade != null && l.downgrade.modelVersionRef != null)
            .map(l -> policy.getMetadata().getNamespace() + "/" + l.downgrade.modelVersionRef.name).distinct().toList());
    modelVersions = new InformerEventSource<>(InformerEventSourceConfiguration.from(OwnKindViews.MODEL_VERSION, ShedPolicy.class)
        .withKubernetesClient(views)
        .withName("modelversions")
        .withSecondaryToPrimaryMapper((GenericKubernetesResource mv) -> context.getPrimaryCache()
            .byIndex(DOWNGRADE_TARGETS, mv.getMetadata().getNamespace() + "/" + mv.getMetadata().getName()).stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build(), context);
    return List.of(modelVersions);
  }

  @Override
  public UpdateControl<ShedPolicy> reconcile(ShedPolicy policy, Context<ShedPolicy> context) {
    Instant now = config.clock().instant();
    long generation = Optional.ofNullable(policy.getMetadata().getGeneration()).orElse(0L);
    String namespace = policy.getMetadata().getNamespace();
    ShedPolicyStatus previous = policy.getStatus() == null ? new ShedPolicyStatus() : policy.getStatus();
    List<String> problems = ShedPolicyValidator.validate(policy,
        name -> modelVersions.get(new ResourceID(name, namespace)).isPresent());
    ShedPolicyStatus next = new ShedPolicyStatus();
    next.observedGeneration = generation;
    next.levels = policy.getSpec() == null || policy.getSpec().levels == null ? 0 : policy.getSpec().levels.size();
    List<String> notes = ShedPolicyValidator.notes(policy);
    next.conditions = problems.isEmpty()
        ? Conditions.with(new ArrayList<>(previous.conditions), Conditions.READY, true, "Valid",
            next.levels + " levels, mildest first" + (notes.isEmpty() ? ""
                : "; note: " + String.join("; ", notes)), generation, now)
        : Conditions.with(new ArrayList<>(previous.conditions), Conditions.READY, false, "InvalidSpec",
            String.join("; ", problems), generation, now);
    statusRecorder.record(policy, next, context);
    return UpdateControl.noUpdate();
  }
}
