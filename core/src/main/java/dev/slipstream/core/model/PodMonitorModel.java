package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Prometheus Operator {@code PodMonitor} ({@code monitoring.coreos.com/v1}) for a pipeline's job: it selects the
 * pipeline's task manager pods (the main job's and, during a shadow run, the candidate's) by the labels their pod
 * template carries and scrapes the port they declare by name, so rollouts and shed levels judged on the job's own
 * metrics have data on a cluster whose Prometheus the Prometheus Operator runs.
 */
public final class PodMonitorModel {
  public static final String COMPONENT = "job-metrics";
  /** Two scrapes inside the shortest analysis window a rollout uses (LatencyQueries.MIN_WINDOW is 10 s, widened). */
  public static final String INTERVAL = "15s";

  private PodMonitorModel() {}

  public static String name(StreamingPipeline pipeline) {
    return Names.join(pipeline.getMetadata().getName(), COMPONENT);
  }

  /** @param extraLabels labels the admin's Prometheus selects PodMonitors by; Slipstream's own win over them */
  public static GenericKubernetesResource from(StreamingPipeline pipeline, Map<String, String> extraLabels) {
    String pipelineName = pipeline.getMetadata().getName();
    Map<String, String> labels = new LinkedHashMap<>(extraLabels);
    labels.putAll(Labels.owned(pipelineName, COMPONENT));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("selector", Map.of("matchLabels", Ordered.map(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE,
        Labels.PIPELINE, pipelineName)));
    spec.put("podMetricsEndpoints", List.of(Ordered.map("port", FlinkDeploymentModel.METRICS_PORT_NAME,
        "path", "/metrics", "interval", INTERVAL)));

    return ThirdPartyKinds.POD_MONITOR.object(Owned.meta(pipeline, name(pipeline), labels), spec);
  }
}
