package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
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
    return Names.join(pipeline.getMetadata().getName(), model.getMetadata().getName());
  }

  public static String serviceName(StreamingPipeline pipeline) {
    return Names.join(pipeline.getMetadata().getName(), "triton");
  }

  public static DesiredServing from(StreamingPipeline pipeline, ModelVersion model, OperatorDefaults defaults) {
    var mv = model.getSpec();
    String pipelineName = pipeline.getMetadata().getName();
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(Labels.PIPELINE, pipelineName);
    selector.put(Labels.MODEL_VERSION, model.getMetadata().getName());
    Map<String, String> labels = Labels.owned(pipelineName, COMPONENT);
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
    pod.withContainers(container.build());

    Deployment deployment = new DeploymentBuilder()
        .withMetadata(Owned.meta(pipeline, deploymentName(pipeline, model), labels))
        .withNewSpec()
        .withReplicas(Math.max(1, mv.minReplicas))
        .withNewSelector().withMatchLabels(selector).endSelector()
        .withNewTemplate()
        .withMetadata(new ObjectMetaBuilder().withLabels(labels).build())
        .withSpec(pod.build())
        .endTemplate()
        .endSpec()
        .build();

    Service service = new ServiceBuilder()
        .withMetadata(Owned.meta(pipeline, serviceName(pipeline), Labels.owned(pipelineName, COMPONENT)))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector)
        .withPorts(
            new ServicePortBuilder().withName("http").withPort(HTTP_PORT).withTargetPort(new IntOrString("http")).build(),
            new ServicePortBuilder().withName("grpc").withPort(GRPC_PORT).withTargetPort(new IntOrString("grpc")).build(),
            new ServicePortBuilder().withName("metrics").withPort(METRICS_PORT).withTargetPort(new IntOrString("metrics")).build())
        .endSpec()
        .build();

    String endpoint = "http://" + serviceName(pipeline) + "." + pipeline.getMetadata().getNamespace()
        + ".svc." + defaults.clusterDomain() + ":" + HTTP_PORT;
    return new DesiredServing(List.of(deployment, service), endpoint);
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
