package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.InferenceServiceModel;
import dev.slipstream.core.model.Labels;
import dev.slipstream.core.model.OperatorDefaults;
import dev.slipstream.core.model.TritonDeploymentModel;
import dev.slipstream.core.status.KServeStatus;
import dev.slipstream.core.status.ObjectReadiness;
import dev.slipstream.core.status.Readiness;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Optional;

/**
 * The serving layer as a rollout sees it, one view per way of serving a candidate: KServe splitting by request (one
 * InferenceService, the candidate its latest revision), KServe with the split by key (the candidate on an
 * InferenceService of its own), Triton behind an HTTPRoute (a Deployment and Service per version). The state machine
 * and the GPU quota check do not care which one serves.
 */
final class ServingViews {
  private ServingViews() {}

  /** The serving layer as a rollout sees it: which version is deployed in the candidate's place, and how each serves. */
  interface View {
    boolean deployed(String candidate);

    Readiness candidate(String candidate);

    Readiness stable(String stable);

    /** The candidate's own URL (for its shadow job) once it is deployed, else null. */
    String candidateUrl(String candidate);
  }

  /** KServe: one InferenceService; the candidate is its latest revision, reached at the latest- URL. */
  static View kserve(Optional<GenericKubernetesResource> isvc) {
    return new View() {
      @Override
      public boolean deployed(String candidate) {
        return candidate.equals(isvc.map(o -> o.getMetadata().getLabels().get(Labels.MODEL_VERSION)).orElse(null));
      }

      @Override
      public Readiness candidate(String candidate) {
        return candidateReadiness(isvc, candidate);
      }

      @Override
      public Readiness stable(String stable) {
        return KServeStatus.readiness(isvc.orElse(null));
      }

      @Override
      public String candidateUrl(String candidate) {
        return deployed(candidate) ? isvc.map(KServeStatus::latestUrl).orElse(null) : null;
      }
    };
  }

  /**
   * KServe with the canary split by key in the job: the candidate has an InferenceService of its own; while it is
   * promoted, the pipeline's own InferenceService is rolled to it, and that is what must serve before it succeeds.
   */
  static View keyed(Rollouts.World world, StreamingPipeline pipeline, OperatorDefaults defaults, boolean promoting) {
    Optional<GenericKubernetesResource> own = world.inferenceService(pipeline);
    return new View() {
      @Override
      public boolean deployed(String candidate) {
        return world.candidateService(pipeline, candidate).isPresent();
      }

      @Override
      public Readiness candidate(String candidate) {
        return promoting ? candidateReadiness(own, candidate)
            : world.candidateService(pipeline, candidate).map(KServeStatus::readiness)
                .orElse(Readiness.pending("ServingPending", candidate + " is not deployed yet"));
      }

      @Override
      public Readiness stable(String stable) {
        return KServeStatus.readiness(own.orElse(null));
      }

      @Override
      public String candidateUrl(String candidate) {
        return deployed(candidate) ? InferenceServiceModel.endpoint(pipeline,
            InferenceServiceModel.candidateName(pipeline, candidate), defaults) : null;
      }
    };
  }

  /**
   * Triton: a Deployment and Service per version; the candidate's Service is its own URL. Split by request, its weight
   * is an HTTPRoute's, which the mesh must take; split by key the job calls the candidate's Service itself.
   */
  static View triton(Rollouts.World world, StreamingPipeline pipeline, OperatorDefaults defaults, boolean keySplit) {
    String namespace = pipeline.getMetadata().getNamespace();
    return new View() {
      private Optional<io.fabric8.kubernetes.api.model.apps.Deployment> of(String version) {
        return world.deployment(namespace, TritonDeploymentModel.deploymentName(pipeline, version));
      }

      @Override
      public boolean deployed(String candidate) {
        return of(candidate).isPresent();
      }

      /** Deployed and ready, and, split by request, the route that gives it its weight taken by the mesh. */
      @Override
      public Readiness candidate(String candidate) {
        Readiness deployment = of(candidate).map(ObjectReadiness::deployment)
            .orElse(Readiness.pending("ServingPending", candidate + " is not deployed yet"));
        return deployment.isReady() && !keySplit ? ObjectReadiness.httpRoute(world.httpRoute(pipeline).orElse(null))
            : deployment;
      }

      @Override
      public Readiness stable(String stable) {
        return of(stable).map(ObjectReadiness::deployment)
            .orElse(Readiness.pending("ServingPending", stable + " is not deployed yet"));
      }

      @Override
      public String candidateUrl(String candidate) {
        return deployed(candidate) ? TritonDeploymentModel.versionEndpoint(pipeline, candidate, defaults) : null;
      }
    };
  }

  /** The candidate serves once the InferenceService carries it and its latest revision is ready. */
  private static Readiness candidateReadiness(Optional<GenericKubernetesResource> isvc, String candidate) {
    String deployed = isvc.map(o -> o.getMetadata().getLabels().get(Labels.MODEL_VERSION)).orElse(null);
    if (!candidate.equals(deployed)) {
      return Readiness.pending("ServingPending", candidate + " is not deployed yet");
    }
    return KServeStatus.latestRevision(isvc.get());
  }
}
