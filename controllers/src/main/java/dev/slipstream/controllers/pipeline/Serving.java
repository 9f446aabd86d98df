package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.DesiredServing;
import dev.slipstream.core.model.InferenceServiceModel;
import dev.slipstream.core.model.Labels;
import dev.slipstream.core.model.OperatorDefaults;
import dev.slipstream.core.model.ScaledObjectModel;
import dev.slipstream.core.rollout.GpuQuota;
import dev.slipstream.core.model.ServingModel;
import dev.slipstream.core.model.ServingPlan;
import dev.slipstream.core.model.ThirdPartyKinds;
import dev.slipstream.core.model.TritonDeploymentModel;
import dev.slipstream.core.rollout.RolloutPhase;
import dev.slipstream.core.rollout.RolloutStateMachine;
import dev.slipstream.core.shed.JobRouting;
import dev.slipstream.core.shed.ShedActions;
import dev.slipstream.core.status.KServeStatus;
import dev.slipstream.core.status.ObjectReadiness;
import dev.slipstream.core.status.Readiness;
import dev.slipstream.core.validation.ModelVersionValidator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving layer of a pipeline, for either runtime: the stable version and a rollout's candidate (a
 * {@link ServingPlan} built from the rollout's and the ShedPolicy's decisions), a KEDA ScaledObject for a
 * scale-out, the ShedPolicy's fallback versions and where the job is sent (the control ConfigMap). Observes
 * first, asks core, then writes; what it notes about the ShedPolicy's actions is part of the decision before
 * anything is written.
 */
final class Serving {
  private static final Logger LOG = LoggerFactory.getLogger(Serving.class);
  private final PipelineCaches caches;
  private final OperatorDefaults defaults;
  private final JobControl control;
  private final Function<String, List<ResourceQuota>> quotas;

  /** @param quotas a namespace's ResourceQuotas, read only when a change would add GPUs */
  Serving(PipelineCaches caches, OperatorDefaults defaults, JobControl control, Function<String, List<ResourceQuota>> quotas) {
    this.caches = caches;
    this.defaults = defaults;
    this.control = control;
    this.quotas = quotas;
  }

  /**
   * @param model {@code <ModelVersion>@<version>} of the version outside the rollout, or null while unknown
   * @param endpoint the URL the job calls, or null while there is none
   * @param shed the ShedPolicy's step with how its actions were carried out, or null without one in force
   */
  record Outcome(Readiness readiness, String model, String endpoint, Shedding.ShedStep shed) {}

  /** A fallback version's serving, as desired and as it stands now. */
  private record Fallback(String name, ModelVersion model, DesiredServing desired, Readiness readiness) {}

  /**
   * @param found the ModelVersion the spec names, if it exists
   * @param rollout the rollout's step in this pass (which versions serve at what weight), or null
   * @param shed the ShedPolicy's step in this pass, or null without one
   * @param frozen the ShedPolicy is invalid or not validated yet: what it put in place stays as it runs
   */
  Outcome reconcile(StreamingPipeline pipeline, Optional<ModelVersion> found, Rollouts.RolloutStep rollout,
      Shedding.ShedStep shed, boolean frozen) {
    String ref = pipeline.getSpec().serving.modelVersionRef.name;
    if (found.isEmpty()) {
      return new Outcome(Readiness.pending("ModelVersionNotFound", "ModelVersion " + ref
          + " (spec.serving.modelVersionRef) does not exist in namespace " + pipeline.getMetadata().getNamespace()),
          null, null, shed);
    }
    // outside a rollout the referenced version serves; during one, the candidate at its weight beside the stable
    ModelVersion served = rollout == null ? found.get() : rollout.served();
    ModelVersion stable = rollout == null ? served : rollout.stable();
    String label = rollout == null ? ref + "@" + served.getSpec().version
        : stable.getMetadata().getName() + "@" + stable.getSpec().version;
    List<String> problems = ModelVersionValidator.validate(served, defaults.ceiling());
    if (!problems.isEmpty()) {
      return new Outcome(Readiness.failed("ModelVersionInvalid", "ModelVersion " + served.getMetadata().getName()
          + " is invalid: " + String.join("; ", problems)), label, null, shed);
    }
    boolean kserve = served.getSpec().runtime == ServingRuntime.KSERVE;
    if (kserve && !caches.inferenceServices.installed()) {
      return new Outcome(ObjectReadiness.crdMissing(ThirdPartyKinds.INFERENCE_SERVICE, "runtime kserve"), label, null, shed);
    }

    // decide: the plan, KEDA or not, the fallbacks and where the job goes
    ShedActions actions = shed == null ? ShedActions.NONE : shed.actions();
    String kedaUnusable = frozen ? null : actions.kedaUnusable(kserve, caches.scaledObjects.installed(),
        pipeline.getSpec().kafka.clientSecretRef != null);
    boolean keda = !frozen && actions.keda() && kedaUnusable == null;
    Integer observedReplicas = frozen || keda ? observedReplicas(pipeline, stable, kserve) : null;
    Integer observedConcurrency = frozen ? caches.inferenceService(pipeline)
        .map(i -> KServeStatus.predictorNumber(i, "containerConcurrency")).orElse(null) : null;
    ServingPlan plan = ServingPlan.of(stable)
        .withCanary(served, rollout == null ? null : rollout.canaryPercent(), rollout == null ? null : rollout.replicaPercent())
        .withCapacity(ServingPlan.replicas(actions, frozen, keda, observedReplicas),
            ServingPlan.concurrency(actions, frozen, observedConcurrency))
        .withRoutes(caches.httpRoutes.installed(), warm(pipeline, rollout))
        .withKeySplit(RolloutStateMachine.splitsByKey(pipeline.getSpec(), served.getSpec().runtime), rollout != null
            && RolloutPhase.Promoting.name().equals(rollout.decision().status().phase));
    DesiredServing desired = ServingModel.desired(pipeline, plan, defaults);
    ServingPlan.KeyCanary keyCanary = plan.keyCanary(desired.candidateEndpoint());
    List<Fallback> fallbacks = frozen || shed == null ? List.of() : fallbacks(pipeline, actions);
    JobRouting routing = routing(desired.endpoint(), plan, actions, fallbacks);
    List<String> notes = new ArrayList<>();
    // a change that adds GPUs the namespace's quota has no room for is held (and said), never left Pending
    Map<String, Readiness> heldBack = new java.util.HashMap<>();
    List<String> holds = new ArrayList<>();
    List<HasMetadata> objects = withinGpuQuota(desired.objects(), heldBack, holds);
    List<List<HasMetadata>> fallbackObjects = fallbacks.stream()
        .map(f -> withinGpuQuota(f.desired().objects(), heldBack, holds)).toList();
    notes.addAll(holds);
    if (kedaUnusable != null) {
      notes.add("KEDA not used (" + kedaUnusable + "): replicas raised by hand");
    }
    if (routing.note() != null) {
      notes.add(routing.note());
    }
    Shedding.ShedStep decided = shed == null ? null : shed.noting(notes);

    // act
    Readiness scaling = frozen ? null : scaledObject(pipeline, decided, stable, keda);
    Readiness readiness = null;
    for (HasMetadata object : objects) {
      Readiness seen = heldBack.containsKey(kindAndName(object)) ? heldBack.get(kindAndName(object)) : ensure(object);
      if (readiness == null && seen != null) {
        readiness = seen; // the stable version comes first
      }
    }
    if (readiness != null && readiness.isReady() && !holds.isEmpty()) {
      // serving, at the capacity it had: the change the quota holds is said where the serving condition is read
      readiness = Readiness.ready(readiness.reason(), readiness.message() + "; " + String.join("; ", holds));
    }
    if (readiness != null && readiness.isReady() && scaling != null && scaling.state() == Readiness.State.FAILED) {
      readiness = scaling; // serving, but the shed level's scale-out KEDA refused is not: said where SREs look
    }
    if (readiness != null && readiness.isReady()) {
      prune(pipeline, keep(objects), c -> InferenceServiceModel.COMPONENT.equals(c)
          || InferenceServiceModel.CANDIDATE_COMPONENT.equals(c), "no longer serving");
    }
    if (!frozen) {
      fallbackObjects.forEach(list -> list.stream().filter(o -> !heldBack.containsKey(kindAndName(o))).forEach(this::ensure));
      if (decided != null || keyCanary != null) {
        control.write(pipeline, decided, routing, keyCanary);
      } else {
        control.remove(pipeline);
      }
      prune(pipeline, keep(fallbackObjects.stream().flatMap(List::stream).toList()),
          ServingModel.FALLBACK_COMPONENT::equals, "no longer a fallback in force or kept warm");
    }
    return new Outcome(Objects.requireNonNull(readiness), label, desired.endpoint(), decided);
  }

  /** The versions a rollout keeps warm (Triton keeps their Deployments out of the route). */
  private List<ModelVersion> warm(StreamingPipeline pipeline, Rollouts.RolloutStep rollout) {
    List<String> names = rollout == null || rollout.decision().status().warm == null ? List.of()
        : rollout.decision().status().warm;
    return names.stream().map(n -> caches.modelVersion(pipeline.getMetadata().getNamespace(), n))
        .flatMap(Optional::stream).toList();
  }

  /**
   * A ShedPolicy's fallback versions: the one in force and those kept warm, deployed beside the pipeline's
   * serving. One that does not exist, or needs a CRD that is not installed, is left out (the ShedPolicy reports it).
   */
  private List<Fallback> fallbacks(StreamingPipeline pipeline, ShedActions actions) {
    Set<String> wanted = new LinkedHashSet<>(actions.warmFallbacks());
    if (actions.fallbackModelVersion() != null) {
      wanted.add(actions.fallbackModelVersion());
    }
    List<Fallback> out = new ArrayList<>();
    for (String name : wanted) {
      Optional<ModelVersion> fallback = caches.modelVersion(pipeline.getMetadata().getNamespace(), name);
      if (fallback.isEmpty() || (fallback.get().getSpec().runtime == ServingRuntime.KSERVE
          && !caches.inferenceServices.installed())) {
        continue;
      }
      DesiredServing desired = ServingModel.fallback(pipeline, fallback.get(), defaults);
      out.add(new Fallback(name, fallback.get(), desired, observed(desired.objects().get(0))));
    }
    return out;
  }

  /** The job goes to the fallback in force once it is ready; to the pipeline's own serving otherwise. */
  private static JobRouting routing(String endpoint, ServingPlan plan, ShedActions actions, List<Fallback> fallbacks) {
    return fallbacks.stream().filter(f -> f.name().equals(actions.fallbackModelVersion())).findFirst()
        .map(f -> JobRouting.choose(endpoint, plan.own(), plan.ownAnsweringVersion(), f.desired().endpoint(), f.model(),
            f.readiness()))
        .orElse(JobRouting.own(endpoint, plan.own(), plan.ownAnsweringVersion()));
  }

  /**
   * With {@code keda: true} on Triton a KEDA ScaledObject scales the stable version's Deployment on the consumer
   * lag (the replicas are left as observed: KEDA owns them); outside a KEDA scale-out no ScaledObject exists.
   * Returns what KEDA says of it, or null without one.
   */
  private Readiness scaledObject(StreamingPipeline pipeline, Shedding.ShedStep shed, ModelVersion stable, boolean keda) {
    if (keda) {
      ShedActions actions = shed.actions();
      return ObjectReadiness.scaledObject(caches.scaledObjects.ensure(ScaledObjectModel.from(pipeline,
          TritonDeploymentModel.deploymentName(pipeline, stable), stable.getSpec().minReplicas, actions.replicas(),
          actions.scaleOutLag(), shed.interval().toSeconds())));
    }
    caches.scaledObjects.get(pipeline, ScaledObjectModel.name(pipeline)).ifPresent(caches.scaledObjects::delete);
    return null;
  }

  /** The replicas the stable version runs now (the Deployment's, or the InferenceService's minimum); null if unknown. */
  private Integer observedReplicas(StreamingPipeline pipeline, ModelVersion stable, boolean kserve) {
    if (kserve) {
      return caches.inferenceService(pipeline)
          .map(i -> KServeStatus.predictorNumber(i, "minReplicas")).orElse(null);
    }
    return caches.deployments.get(pipeline, TritonDeploymentModel.deploymentName(pipeline, stable))
        .map(d -> d.getSpec() == null ? null : d.getSpec().getReplicas()).orElse(null);
  }

  /**
   * {@code objects} with each GPU Deployment that would add GPUs beyond a ResourceQuota held: an existing one keeps
   * its current replicas, a new one is not created (its readiness, {@code GpuQuotaExceeded}, goes into
   * {@code heldBack} by kind and name: its Service, of the same name, is still written); each hold is added to
   * {@code notes}. Quotas are read only when a change adds GPUs.
   */
  private List<HasMetadata> withinGpuQuota(List<HasMetadata> objects, Map<String, Readiness> heldBack, List<String> notes) {
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata object : objects) {
      int perPod = object instanceof Deployment d ? GpuQuota.perPod(d) : 0;
      if (perPod == 0) {
        out.add(object);
        continue;
      }
      Deployment desired = (Deployment) object;
      String namespace = desired.getMetadata().getNamespace();
      String name = desired.getMetadata().getName();
      Optional<Deployment> current = caches.deployments.get(namespace, name);
      int from = current.map(d -> d.getSpec() == null || d.getSpec().getReplicas() == null ? 0 : d.getSpec().getReplicas())
          .orElse(0);
      int to = desired.getSpec().getReplicas() == null ? 1 : desired.getSpec().getReplicas();
      Optional<String> held = to > from ? GpuQuota.held(quotas.apply(namespace), name, from, to, perPod)
          : Optional.empty();
      if (held.isEmpty()) {
        out.add(object);
        continue;
      }
      notes.add(held.get());
      if (current.isEmpty()) {
        heldBack.put(kindAndName(desired), Readiness.pending("GpuQuotaExceeded", held.get()));
        out.add(object);
      } else {
        out.add(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(desired).editSpec().withReplicas(from).endSpec().build());
      }
    }
    return out;
  }

  private static String kindAndName(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getName();
  }

  /** Creates or updates one serving object; returns its readiness for the kinds that have one. */
  private Readiness ensure(HasMetadata object) {
    if (object instanceof GenericKubernetesResource generic && ThirdPartyKinds.HTTP_ROUTE.kind.equals(generic.getKind())) {
      caches.httpRoutes.ensure(generic);
    } else if (object instanceof GenericKubernetesResource isvc) {
      var stored = caches.inferenceServices.get(isvc.getMetadata().getNamespace(), isvc.getMetadata().getName());
      return KServeStatus.readiness(caches.inferenceServices.ensure(
          InferenceServiceModel.stampModelGeneration(isvc, stored.orElse(null))));
    } else if (object instanceof Deployment deployment) {
      return ObjectReadiness.deployment(caches.deployments.ensure(deployment));
    } else if (object instanceof Service service) {
      caches.services.ensure(service);
    }
    return null;
  }

  /** How a serving object stands now, as cached (before any write of this pass); null for kinds without readiness. */
  private Readiness observed(HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    String name = object.getMetadata().getName();
    if (object instanceof Deployment) {
      return ObjectReadiness.deployment(caches.deployments.get(namespace, name).orElse(null));
    }
    if (object instanceof GenericKubernetesResource generic && !ThirdPartyKinds.HTTP_ROUTE.kind.equals(generic.getKind())) {
      return KServeStatus.readiness(caches.inferenceServices.get(namespace, name).orElse(null));
    }
    return null;
  }

  private static Set<String> keep(List<HasMetadata> objects) {
    return objects.stream().map(Serving::kindAndName).collect(Collectors.toSet());
  }

  /** Serving objects of the given component that are not kept (an earlier version or runtime) go. */
  private void prune(StreamingPipeline pipeline, Set<String> keep, Predicate<String> component, String why) {
    // an HTTPRoute goes too once no Triton version is routed (the pipeline moved to KServe)
    Stream.of(caches.inferenceServices, caches.deployments, caches.services, caches.httpRoutes)
        .flatMap(kind -> prunable(pipeline, kind, keep, component, why))
        .forEach(Runnable::run);
  }

  private <R extends HasMetadata> Stream<Runnable> prunable(StreamingPipeline pipeline, OwnedObjects<R> kind,
      Set<String> keep, Predicate<String> component, String why) {
    return kind.ownedBy(pipeline).stream()
        .filter(o -> component.test(o.getMetadata().getLabels().get(Labels.COMPONENT)))
        .filter(o -> !keep.contains(o.getKind() + "/" + o.getMetadata().getName()))
        .map(o -> () -> {
          LOG.info("pipeline {}/{}: deleting {} {}, {}", pipeline.getMetadata().getNamespace(),
              pipeline.getMetadata().getName(), o.getKind(), o.getMetadata().getName(), why);
          kind.delete(o);
        });
  }
}
