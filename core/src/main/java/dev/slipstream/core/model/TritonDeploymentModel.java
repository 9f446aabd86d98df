package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Triton Inference Server for a pipeline's ModelVersion: one Deployment per version (so versions can run
 * side by side) and one Service per pipeline that selects the serving version.
 */
public final class TritonDeploymentModel {
  public static final String COMPONENT = "serving";
  public static final int HTTP_PORT = 8000;
  public static final int GRPC_PORT = 8001;
  public static final int METRICS_PORT = 8002;
  private static final String MODEL_REPOSITORY = "/models";

  private TritonDeploymentModel() {}

  public static String deploymentName(StreamingPipeline pipeline, ModelVersion model) {
    return deploymentName(pipeline, model.getMetadata().getName());
  }

  /** The Deployment, and the Service, of one version of the pipeline's model. */
  public static String deploymentName(StreamingPipeline pipeline, String modelVersion) {
    return Names.join(pipeline.getMetadata().getName(), modelVersion);
  }

  public static String serviceName(StreamingPipeline pipeline) {
    return Names.join(pipeline.getMetadata().getName(), "triton");
  }

  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    return new DesiredServing(List.of(deployment(pipeline, model, Math.max(1, model.getSpec().minReplicas), COMPONENT, defaults),
        service(pipeline, serviceName(pipeline), model, COMPONENT)), endpoint(pipeline, defaults));
  }

  /** A ShedPolicy's fallback version: its own Deployment and Service beside the pipeline's serving, at its minimum replicas. */
  public static DesiredServing fallback(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    String name = deploymentName(pipeline, model);
    return new DesiredServing(List.of(
        deployment(pipeline, model, Math.max(1, model.getSpec().minReplicas), ServingModel.FALLBACK_COMPONENT, defaults),
        service(pipeline, name, model, ServingModel.FALLBACK_COMPONENT)),
        versionEndpoint(pipeline, model.getMetadata().getName(), defaults));
  }

  /**
   * With a Gateway API mesh (GAMMA): each version its own Deployment and Service, the pipeline's Service
   * (which the job calls) selecting the stable version, and an HTTPRoute attached to that Service sending
   * {@code candidateWeight} percent to the candidate. The candidate runs its share of replicas, so a canary
   * does not double the GPU footprint. Outside a rollout pass a null candidate: the route sends all to stable.
   */
  public static DesiredServing routed(StreamingPipeline pipeline, ModelVersion stable, ModelVersion candidate,
      int candidateWeight, Integer candidateReplicaPercent, OperatorDefaults defaults) {
    return routed(pipeline, stable, candidate, candidateWeight, candidateReplicaPercent, List.of(), defaults);
  }

  /**
   * @param warm versions served before, kept deployed at their minimum replicas (at least one) with their own
   *     Service but no share of the route, so that going back to one needs no cold start
   */
  public static DesiredServing routed(StreamingPipeline pipeline, ModelVersion stable, ModelVersion candidate,
      int candidateWeight, Integer candidateReplicaPercent, List<ModelVersion> warm, OperatorDefaults defaults) {
    List<HasMetadata> objects = versions(pipeline, stable, candidate, candidateReplicaPercent, warm, defaults);
    List<Map<String, Object>> backends = new ArrayList<>();
    backends.add(backend(deploymentName(pipeline, stable), candidate == null ? 100 : 100 - candidateWeight));
    if (candidate != null) {
      backends.add(backend(deploymentName(pipeline, candidate), candidateWeight));
    }
    objects.add(route(pipeline, backends));
    return new DesiredServing(objects, endpoint(pipeline, defaults));
  }

  /**
   * With the canary split by key in the job: each version its own Deployment and Service, the pipeline's Service
   * (which the job calls outside the candidate's keys) selecting the version it serves ({@code own}: the stable one,
   * the candidate once promoting), and no route: the job sends the candidate's keys to the candidate's own Service.
   * Needs no mesh. The candidate runs its share of replicas; outside a rollout pass a null candidate.
   *
   * @param warm versions served before, kept deployed at their minimum replicas (at least one) with their own Service
   */
  public static DesiredServing keyed(StreamingPipeline pipeline, ModelVersion own, ModelVersion candidate,
      Integer candidateReplicaPercent, List<ModelVersion> warm, OperatorDefaults defaults) {
    return new DesiredServing(versions(pipeline, own, candidate, candidateReplicaPercent, warm, defaults),
        endpoint(pipeline, defaults),
        candidate == null ? null : versionEndpoint(pipeline, candidate.getMetadata().getName(), defaults));
  }

  /**
   * Each version its own Deployment and Service: the one the pipeline serves (with its Service {@code <pipeline>-triton}
   * on it), the candidate at its share of replicas, and the warm ones at their minimum (at least one).
   */
  private static List<HasMetadata> versions(StreamingPipeline pipeline, ModelVersion serving, ModelVersion candidate,
      Integer candidateReplicaPercent, List<ModelVersion> warm, OperatorDefaults defaults) {
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(deployment(pipeline, serving, Math.max(1, serving.getSpec().minReplicas), COMPONENT, defaults));
    objects.add(service(pipeline, deploymentName(pipeline, serving), serving, COMPONENT));
    boolean separate = candidate != null && !candidate.getMetadata().getName().equals(serving.getMetadata().getName());
    if (separate) {
      objects.add(deployment(pipeline, candidate,
          InferenceServiceModel.share(candidate.getSpec().minReplicas, candidateReplicaPercent), COMPONENT, defaults));
      objects.add(service(pipeline, deploymentName(pipeline, candidate), candidate, COMPONENT));
    }
    for (ModelVersion w : warm) {
      String name = w.getMetadata().getName();
      if (!name.equals(serving.getMetadata().getName()) && (candidate == null || !name.equals(candidate.getMetadata().getName()))) {
        objects.add(deployment(pipeline, w, Math.max(1, w.getSpec().minReplicas), COMPONENT, defaults));
        objects.add(service(pipeline, deploymentName(pipeline, w), w, COMPONENT));
      }
    }
    objects.add(service(pipeline, serviceName(pipeline), serving, COMPONENT));
    return objects;
  }

  /** A version's own URL: the candidate's, for its shadow job. */
  public static String versionEndpoint(StreamingPipeline pipeline, String modelVersion, OperatorDefaults defaults) {
    return "http://" + deploymentName(pipeline, modelVersion) + "." + pipeline.getMetadata().getNamespace()
        + ".svc." + defaults.clusterDomain() + ":" + HTTP_PORT;
  }

  private static String endpoint(StreamingPipeline pipeline, OperatorDefaults defaults) {
    return "http://" + serviceName(pipeline) + "." + pipeline.getMetadata().getNamespace()
        + ".svc." + defaults.clusterDomain() + ":" + HTTP_PORT;
  }

  private static Map<String, Object> backend(String service, int weight) {
    return Ordered.map("kind", "Service", "name", service, "port", HTTP_PORT, "weight", weight);
  }

  private static GenericKubernetesResource route(StreamingPipeline pipeline, List<Map<String, Object>> backends) {
    Map<String, Object> parent = Ordered.map("group", "", "kind", "Service", "name", serviceName(pipeline), "port", HTTP_PORT);
    return ThirdPartyKinds.HTTP_ROUTE.object(
        Owned.meta(pipeline, serviceName(pipeline), Labels.owned(pipeline.getMetadata().getName(), COMPONENT)),
        Ordered.map("parentRefs", List.of(parent), "rules", List.of(Ordered.map("backendRefs", backends))));
  }

  /** Where a storage Secret is mounted in the Triton container. */
  static final String STORAGE_SECRET_MOUNT = "/var/run/secrets/slipstream/model-storage";
  /** The key of a storage Secret Triton reads as its Google credentials file for gs://, as KServe names it. */
  static final String GCS_CREDENTIALS_KEY = "gcloud-application-credentials.json";

  /**
   * The ModelVersion's storage credentials as Triton takes them: the pods run as its service account; a Secret's keys
   * become the environment (AWS_* for s3://) and the Secret is mounted read-only, so that
   * for gs:// GOOGLE_APPLICATION_CREDENTIALS names its credentials file.
   */
  private static void storageCredentials(dev.slipstream.api.v1alpha1.ModelVersionSpec mv, ContainerBuilder container,
      PodSpecBuilder pod) {
    if (mv.storage == null) {
      return;
    }
    if (mv.storage.serviceAccountName != null) {
      pod.withServiceAccountName(mv.storage.serviceAccountName);
    }
    if (mv.storage.secretRef != null) {
      String secret = mv.storage.secretRef.name;
      container.addNewEnvFrom().withNewSecretRef().withName(secret).endSecretRef().endEnvFrom();
      if (mv.storageUri.startsWith("gs://")) {
        container.addNewEnv().withName("GOOGLE_APPLICATION_CREDENTIALS")
            .withValue(STORAGE_SECRET_MOUNT + "/" + GCS_CREDENTIALS_KEY).endEnv();
      }
      container.addToVolumeMounts(new VolumeMountBuilder().withName("model-storage").withMountPath(STORAGE_SECRET_MOUNT)
          .withReadOnly(true).build());
      pod.addToVolumes(new VolumeBuilder().withName("model-storage").withNewSecret().withSecretName(secret).endSecret().build());
    }
  }

  private static Deployment deployment(StreamingPipeline pipeline, ModelVersion model, int replicas, String component,
      OperatorDefaults defaults) {
    var mv = model.getSpec();
    String pipelineName = pipeline.getMetadata().getName();
    Map<String, String> selector = selector(pipeline, model);
    Map<String, String> labels = Labels.owned(pipelineName, component);
    labels.put(Labels.MODEL_VERSION, model.getMetadata().getName());

    Map<String, Quantity> amounts = new LinkedHashMap<>();
    Resources.amounts(mv.resources).forEach((k, v) -> amounts.put(k, new Quantity(v)));

    List<String> args = new ArrayList<>(List.of(
        "tritonserver",
        "--model-repository=" + modelRepository(mv.storageUri),
        "--http-port=" + HTTP_PORT,
        "--grpc-port=" + GRPC_PORT,
        "--metrics-port=" + METRICS_PORT,
        "--strict-readiness=true",
        "--exit-on-error=false"));

    var container = new ContainerBuilder()
        .withName("tritonserver")
        .withImage(mv.image != null ? mv.image : defaults.tritonImage())
        .withArgs(args)
        .withPorts(
            new ContainerPortBuilder().withName("http").withContainerPort(HTTP_PORT).build(),
            new ContainerPortBuilder().withName("grpc").withContainerPort(GRPC_PORT).build(),
            new ContainerPortBuilder().withName("metrics").withContainerPort(METRICS_PORT).build())
        .withResources(new ResourceRequirementsBuilder().withRequests(amounts).withLimits(amounts).build())
        .withReadinessProbe(probe("/v2/health/ready", 5, 3))
        .withLivenessProbe(probe("/v2/health/live", 15, 6));
    var pod = new PodSpecBuilder()
        .withNodeSelector(Resources.nodeSelector(mv.resources))
        .withTolerations(mv.resources.tolerations);
    if (mv.storageUri.startsWith("pvc://")) {
      String claim = mv.storageUri.substring("pvc://".length()).split("/", 2)[0];
      container.withVolumeMounts(new VolumeMountBuilder().withName("models").withMountPath(MODEL_REPOSITORY).withReadOnly(true).build());
      pod.withVolumes(new VolumeBuilder().withName("models")
          .withNewPersistentVolumeClaim().withClaimName(claim).withReadOnly(true).endPersistentVolumeClaim().build());
    }
    storageCredentials(mv, container, pod);
    pod.withContainers(container.build());

    return new DeploymentBuilder()
        .withMetadata(Owned.meta(pipeline, deploymentName(pipeline, model), labels))
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector().withMatchLabels(selector).endSelector()
        .withNewTemplate()
        .withMetadata(new ObjectMetaBuilder().withLabels(labels).build())
        .withSpec(pod.build())
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Map<String, String> selector(StreamingPipeline pipeline, ModelVersion model) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(Labels.PIPELINE, pipeline.getMetadata().getName());
    selector.put(Labels.MODEL_VERSION, model.getMetadata().getName());
    return selector;
  }

  /** A Service with Triton's three ports selecting the pods of {@code model}. */
  private static Service service(StreamingPipeline pipeline, String name, ModelVersion model, String component) {
    return new ServiceBuilder()
        .withMetadata(Owned.meta(pipeline, name, Labels.owned(pipeline.getMetadata().getName(), component)))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector(pipeline, model))
        .withPorts(
            new ServicePortBuilder().withName("http").withPort(HTTP_PORT).withTargetPort(new IntOrString("http")).build(),
            new ServicePortBuilder().withName("grpc").withPort(GRPC_PORT).withTargetPort(new IntOrString("grpc")).build(),
            new ServicePortBuilder().withName("metrics").withPort(METRICS_PORT).withTargetPort(new IntOrString("metrics")).build())
        .endSpec()
        .build();
  }

  /** Triton reads s3:// and gs:// repositories itself; a pvc:// repository is mounted at /models. */
  static String modelRepository(String storageUri) {
    if (storageUri.startsWith("pvc://")) {
      String[] parts = storageUri.substring("pvc://".length()).split("/", 2);
      return parts.length > 1 && !parts[1].isEmpty() ? MODEL_REPOSITORY + "/" + parts[1] : MODEL_REPOSITORY;
    }
    return storageUri;
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withHttpGet(new HTTPGetActionBuilder().withPath(path).withPort(new IntOrString("http")).build())
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .build();
  }
}
