package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.JobControlModel;
import dev.slipstream.core.shed.JobRouting;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * The control ConfigMap {@code <pipeline>-control}: how the running job is steered without a restart (mode,
 * level, endpoint, model, fallback result, paused topics). It exists exactly while the pipeline has a ShedPolicy
 * in force.
 */
final class JobControl {
  private final OwnedObjects<ConfigMap> configMaps;

  JobControl(OwnedObjects<ConfigMap> configMaps) {
    this.configMaps = configMaps;
  }

  void write(StreamingPipeline pipeline, Shedding.ShedStep shed, JobRouting routing) {
    configMaps.ensure(JobControlModel.from(pipeline, shed.level(), shed.decision().status().levelName, shed.actions(),
        routing.endpoint(), routing.modelName()));
  }

  /** Without a ShedPolicy in force the job runs as its FlinkDeployment says: the ConfigMap goes. */
  void remove(StreamingPipeline pipeline) {
    configMaps.get(pipeline, JobControlModel.name(pipeline)).ifPresent(configMaps::delete);
  }
}
