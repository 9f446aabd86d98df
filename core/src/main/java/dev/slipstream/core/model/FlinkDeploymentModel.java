package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.FlinkJobSpec;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The pipeline's Flink job as a Flink Kubernetes Operator {@code FlinkDeployment} in application mode. */
public final class FlinkDeploymentModel {
  public static final String COMPONENT = "flink-job";

  private FlinkDeploymentModel() {}

  public static String name(StreamingPipeline pipeline) {
    return pipeline.getMetadata().getName();
  }

  public static final String SHADOW_COMPONENT = "shadow-job";

  public static GenericKubernetesResource from(StreamingPipeline pipeline, ModelVersion model, String endpoint) {
    return build(pipeline, name(pipeline), COMPONENT, JobContract.keys(pipeline, model, endpoint),
        pipeline.getSpec().flink.upgradeMode.wireName());
  }

  public static String shadowName(StreamingPipeline pipeline) {
    return Names.join(pipeline.getMetadata().getName(), "shadow");
  }

  /**
   * The candidate's shadow job: the same job on the same input topics under its own consumer group, calling
   * the candidate's own endpoint and writing only to the shadow topic. It keeps no state worth a savepoint.
   */
  public static GenericKubernetesResource shadow(StreamingPipeline pipeline, ModelVersion candidate, String candidateEndpoint) {
    return build(pipeline, shadowName(pipeline), SHADOW_COMPONENT, JobContract.shadowKeys(pipeline, candidate, candidateEndpoint),
        "stateless");
  }

  public static final String REPLAY_COMPONENT = "replay-job";

  public static String replayName(StreamingPipeline pipeline) {
    return Names.join(pipeline.getMetadata().getName(), "replay");
  }

  /**
   * The candidate's replay: the same job on its fixed range of the retained input, under its own group and
   * parallelism, calling the candidate's own endpoint and writing only to the replay topic; it ends by itself. Suspended,
   * it is cancelled (stateless) and starts its range again when resumed.
   */
  public static GenericKubernetesResource replay(StreamingPipeline pipeline, ModelVersion candidate, String candidateEndpoint,
      dev.slipstream.api.v1alpha1.ReplayStatus range, boolean suspended) {
    GenericKubernetesResource replay = build(pipeline, replayName(pipeline), REPLAY_COMPONENT,
        JobContract.replayKeys(pipeline, candidate, candidateEndpoint, range), "stateless");
    @SuppressWarnings("unchecked")
    Map<String, Object> job = (Map<String, Object>) ((Map<String, Object>) replay.getAdditionalProperties().get("spec")).get("job");
    job.put("parallelism", pipeline.getSpec().rollout.replay.parallelism);
    job.put("state", suspended ? "suspended" : "running");
    return replay;
  }

  /** Whether a FlinkDeployment asks for its job to be suspended ({@code spec.job.state: suspended}). */
  public static boolean suspended(GenericKubernetesResource deployment) {
    Object spec = deployment.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> s && s.get("job") instanceof Map<?, ?> job && "suspended".equals(job.get("state"));
  }

  private static GenericKubernetesResource build(StreamingPipeline pipeline, String name, String component,
      Map<String, String> contract, String upgradeMode) {
    FlinkJobSpec flink = pipeline.getSpec().flink;
    // user keys first, then the contract: the contract's keys win (the schema also forbids slipstream.* keys)
    Map<String, String> configuration = new TreeMap<>(flink.flinkConfiguration == null ? Map.of() : flink.flinkConfiguration);
    configuration.putAll(contract);

    Map<String, Object> job = new LinkedHashMap<>();
    job.put("jarURI", flink.jarURI);
    if (flink.entryClass != null) {
      job.put("entryClass", flink.entryClass);
    }
    if (flink.args != null && !flink.args.isEmpty()) {
      job.put("args", List.copyOf(flink.args));
    }
    job.put("parallelism", flink.parallelism);
    job.put("upgradeMode", upgradeMode);
    job.put("state", "running");

    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("image", flink.image);
    spec.put("flinkVersion", flink.flinkVersion.name());
    spec.put("serviceAccount", flink.serviceAccount);
    spec.put("flinkConfiguration", configuration);
    spec.put("jobManager", Map.of("resource", resource(flink.jobManager)));
    spec.put("taskManager", Ordered.map("resource", resource(flink.taskManager),
        "podTemplate", metricsPodTemplate(Labels.owned(pipeline.getMetadata().getName(), component),
            contract.getOrDefault(JobContract.METRICS_PORT, String.valueOf(JobContract.DEFAULT_METRICS_PORT)))));
    var secret = pipeline.getSpec().kafka.clientSecretRef;
    boolean control = contract.containsKey(JobContract.CONTROL_DIR);
    if (secret != null || control) {
      spec.put("podTemplate", podTemplate(secret == null ? null : secret.name, control ? JobControlModel.name(pipeline) : null));
    }
    spec.put("job", job);

    return ThirdPartyKinds.FLINK_DEPLOYMENT.object(Owned.meta(pipeline, name, component), spec);
  }

  private static Map<String, Object> resource(FlinkJobSpec.ProcessResources r) {
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("cpu", r.cpu);
    resource.put("memory", r.memory);
    return resource;
  }

  /** The name of the task managers' port serving the job's /metrics. */
  public static final String METRICS_PORT_NAME = "job-metrics";

  /**
   * Where Prometheus finds the job's metrics: the task managers (which run the job's inference and serve its
   * /metrics) carry the pipeline's labels and declare the port by name, for a PodMonitor to select, and the
   * prometheus.io annotations a Prometheus with the usual kubernetes-pods scrape configuration follows.
   */
  private static Map<String, Object> metricsPodTemplate(Map<String, String> labels, String port) {
    int number = Integer.parseInt(port);
    Map<String, Object> container = Ordered.map("name", "flink-main-container", "ports",
        List.of(Ordered.map("name", METRICS_PORT_NAME, "containerPort", number, "protocol", "TCP")));
    return Ordered.map(
        "metadata", Ordered.map("labels", labels, "annotations", Ordered.map("prometheus.io/scrape", "true",
            "prometheus.io/port", port, "prometheus.io/path", "/metrics")),
        "spec", Map.of("containers", List.of(container)));
  }

  /**
   * The Kafka client Secret mounted read-only as one file per property (its values never enter the spec), and
   * the pipeline's control ConfigMap, optional so that a pipeline without a ShedPolicy starts without it.
   */
  private static Map<String, Object> podTemplate(String secretName, String controlConfigMap) {
    List<Map<String, Object>> mounts = new java.util.ArrayList<>();
    List<Map<String, Object>> volumes = new java.util.ArrayList<>();
    if (secretName != null) {
      mounts.add(Ordered.map("name", "slipstream-kafka-client", "mountPath", JobContract.CLIENT_PROPERTIES_MOUNT, "readOnly", true));
      volumes.add(Ordered.map("name", "slipstream-kafka-client", "secret", Map.of("secretName", secretName)));
    }
    if (controlConfigMap != null) {
      mounts.add(Ordered.map("name", "slipstream-control", "mountPath", JobContract.CONTROL_MOUNT, "readOnly", true));
      volumes.add(Ordered.map("name", "slipstream-control", "configMap", Ordered.map("name", controlConfigMap, "optional", true)));
    }
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "flink-main-container");
    container.put("volumeMounts", mounts);
    Map<String, Object> podSpec = new LinkedHashMap<>();
    podSpec.put("containers", List.of(container));
    podSpec.put("volumes", volumes);
    return Map.of("spec", podSpec);
  }
}
