package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.shed.ShedActions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pipeline's control ConfigMap: how the running Flink job is steered by the ShedPolicy without a restart.
 * It is mounted at {@link JobContract#CONTROL_MOUNT}, one file per key, which Kubernetes refreshes in place.
 *
 * <ul>
 *   <li>{@code mode}: normal, downgrade (call the fallback model) or shed (answer with the fallback result)
 *   <li>{@code level}, {@code level-name}: the pipeline's place on the ladder
 *   <li>{@code endpoint}, {@code model-name}: where inference requests go now
 *   <li>{@code fallback-result}: the static result written, marked as a fallback, for each shed event
 *   <li>{@code pause-topics}: input topics to pause, comma-separated
 * </ul>
 */
public final class JobControlModel {
  public static final String COMPONENT = "control";
  public static final String MODE_NORMAL = "normal";
  public static final String MODE_DOWNGRADE = "downgrade";
  public static final String MODE_SHED = "shed";

  private JobControlModel() {}

  public static String name(StreamingPipeline pipeline) {
    return name(pipeline.getMetadata().getName());
  }

  public static String name(String pipeline) {
    return Names.join(pipeline, "control");
  }

  /**
   * @param endpoint the endpoint requests go to now: the fallback's while downgraded, else the pipeline's
   * @param modelName the model name in the inference path at that endpoint
   */
  public static ConfigMap from(StreamingPipeline pipeline, int level, String levelName, ShedActions actions,
      String endpoint, String modelName) {
    return from(pipeline, level, levelName, actions, endpoint, modelName, null);
  }

  /**
   * @param candidate a rollout's candidate split by key in the job (its endpoint, model and share of keys), or null
   */
  public static ConfigMap from(StreamingPipeline pipeline, int level, String levelName, ShedActions actions,
      String endpoint, String modelName, ServingPlan.KeyCanary candidate) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("mode", actions.shed() != null ? MODE_SHED : actions.fallbackModelVersion() != null ? MODE_DOWNGRADE : MODE_NORMAL);
    data.put("level", String.valueOf(level));
    data.put("level-name", levelName);
    data.put("endpoint", endpoint);
    data.put("model-name", modelName);
    if (actions.shed() != null) {
      data.put("fallback-result", actions.shed().fallbackResult);
      if (actions.shed().pauseTopics != null && !actions.shed().pauseTopics.isEmpty()) {
        data.put("pause-topics", String.join(",", actions.shed().pauseTopics));
      }
    }
    if (candidate != null) {
      data.put("candidate-endpoint", candidate.endpoint());
      data.put("candidate-model-name", candidate.modelName());
      data.put("candidate-weight", String.valueOf(candidate.weightPercent()));
    }
    return new ConfigMapBuilder()
        .withMetadata(Owned.meta(pipeline, name(pipeline), COMPONENT))
        .withData(data)
        .build();
  }
}
