package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.JobControlModel;
import dev.slipstream.core.model.ServingPlan;
import dev.slipstream.core.shed.ShedActions;
import dev.slipstream.core.shed.ShedLadder;
import dev.slipstream.core.shed.JobRouting;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * The control ConfigMap {@code <pipeline>-control}: how the running job is steered without a restart (mode,
 * level, endpoint, model, fallback result, paused topics, a candidate split by key). It exists exactly while the
 * pipeline has a ShedPolicy in force or a candidate split by key.
 */
final class JobControl {
  private final OwnedObjects<ConfigMap> configMaps;

  JobControl(OwnedObjects<ConfigMap> configMaps) {
    this.configMaps = configMaps;
  }

  /**
   * @param shed the ShedPolicy's step, or null without one in force (normal operation)
   * @param candidate a rollout's candidate split by key, or null
   */
  void write(StreamingPipeline pipeline, Shedding.ShedStep shed, JobRouting routing, ServingPlan.KeyCanary candidate) {
    configMaps.ensure(shed == null
        ? JobControlModel.from(pipeline, 0, ShedLadder.NORMAL, ShedActions.NONE, routing,
            candidate)
        : JobControlModel.from(pipeline, shed.level(), shed.decision().status().levelName, shed.actions(),
            routing, candidate));
  }

  /** Without a ShedPolicy in force the job runs as its FlinkDeployment says: the ConfigMap goes. */
  void remove(StreamingPipeline pipeline) {
    configMaps.get(pipeline, JobControlModel.name(pipeline)).ifPresent(configMaps::delete);
  }
}
