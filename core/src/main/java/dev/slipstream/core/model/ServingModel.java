package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ServingRuntime;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/** Chooses the serving builder by the ModelVersion's runtime. */
public final class ServingModel {
  /** The component label of a ShedPolicy's fallback serving objects. */
  public static final String FALLBACK_COMPONENT = "fallback";

  private ServingModel() {}

  /** A ShedPolicy's fallback version, deployed beside the pipeline's serving and called at its own URL. */
  public static DesiredServing fallback(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    return model.getSpec().runtime == ServingRuntime.TRITON
        ? TritonDeploymentModel.fallback(pipeline, model, defaults)
        : InferenceServiceModel.fallback(pipeline, model, defaults);
  }

  /**
   * The serving objects of a plan. KServe: one InferenceService for the served version at its canary weight and
   * replica share, with the plan's capacity; split by key, the candidate on an InferenceService of its own. Triton
   * split by key: each version its own Deployment and Service, no route. Triton behind a mesh route: the stable
   * version (with the plan's capacity) and the candidate side by side, weighted by the route, earlier versions kept
   * warm. Triton without one: the served version alone (no canary can split; the rollout replaces it directly).
   */
  public static DesiredServing desired(StreamingPipeline pipeline, ServingPlan plan, OperatorDefaults defaults) {
    if (plan.served().getSpec().runtime != ServingRuntime.TRITON && plan.keySplit() && plan.hasCandidate()) {
      // split by key in the job: the pipeline's own InferenceService serves the stable version (the candidate once
      // promoting), the candidate has one of its own at its share of replicas
      ModelVersion own = plan.own();
      DesiredServing pipelines = InferenceServiceModel.from(pipeline, scaledOut(own, plan.replicas()), defaults, null,
          null, plan.containerConcurrency());
      DesiredServing candidate = InferenceServiceModel.candidate(pipeline, plan.served(), defaults,
          plan.promoting() ? null : plan.candidateReplicaPercent());
      List<HasMetadata> objects = new ArrayList<>(pipelines.objects());
      objects.addAll(candidate.objects());
      return new DesiredServing(objects, pipelines.endpoint(), candidate.endpoint());
    }
    if (plan.served().getSpec().runtime == ServingRuntime.TRITON && plan.keySplit()) {
      // split by key in the job: a Deployment and Service per version, the pipeline's Service on the one it serves
      boolean candidate = plan.hasCandidate();
      return TritonDeploymentModel.keyed(pipeline, scaledOut(plan.own(), plan.replicas()), candidate ? plan.served() : null,
          plan.promoting() ? null : plan.candidateReplicaPercent(), plan.warm(), defaults);
    }
    if (plan.served().getSpec().runtime != ServingRuntime.TRITON) {
      return InferenceServiceModel.from(pipeline, scaledOut(plan.served(), plan.replicas()), defaults,
          plan.canaryPercent(), plan.candidateReplicaPercent(), plan.containerConcurrency());
    }
    if (plan.meshRoutes()) {
      boolean candidate = plan.hasCandidate();
      return TritonDeploymentModel.routed(pipeline, scaledOut(plan.stable(), plan.replicas()),
          candidate ? plan.served() : null, candidate && plan.canaryPercent() != null ? plan.canaryPercent() : 0,
          plan.candidateReplicaPercent(), plan.warm(), defaults);
    }
    return TritonDeploymentModel.from(pipeline, scaledOut(plan.served(), plan.replicas()), defaults);
  }

  /** A copy of {@code model} running at least {@code replicas} (its maximum raised to match); itself when null. */
  public static ModelVersion scaledOut(ModelVersion model, Integer replicas) {
    if (replicas == null || replicas <= model.getSpec().minReplicas) {
      return model;
    }
    ModelVersion copy = dev.slipstream.core.json.Json.copy(model);
    copy.getSpec().minReplicas = replicas;
    copy.getSpec().maxReplicas = Math.max(replicas, copy.getSpec().maxReplicas);
    return copy;
  }

  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    return desired(pipeline, ServingPlan.of(model), defaults);
  }
}
