package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.shed.JobRouting;
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
 *   <li>{@code endpoint}, {@code model-name}, {@code model-version}: where inference requests go now, and the version
 *       that answers there (failed requests are counted against it)
 *   <li>{@code fallback-result}: the static result written, marked as a fallback, for each shed event
 *   <li>{@code pause-topics}: input topics to pause, comma-separated
 *   <li>{@code candidate-endpoint}, {@code candidate-model-name}, {@code candidate-model-version},
 *       {@code candidate-weight}: a rollout's candidate split by key and its share of the keys
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
   * @param routing where requests go now: the fallback's serving while downgraded, else the pipeline's
   * @param candidate a rollout's candidate split by key in the job (its endpoint, model and share of keys), or null
   */
  public static ConfigMap from(StreamingPipeline pipeline, int level, String levelName, ShedActions actions,
      JobRouting routing, ServingPlan.KeyCanary candidate) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("mode", actions.shed() != null ? MODE_SHED : actions.fallbackModelVersion() != null ? MODE_DOWNGRADE : MODE_NORMAL);
    data.put("level", String.valueOf(level));
    data.put("level-name", levelName);
    data.put("endpoint", routing.endpoint());
    data.put("model-name", routing.modelName());
    data.put("model-version", routing.modelVersion());
    if (actions.shed() != null) {
      data.put("fallback-result", actions.shed().fallbackResult);
      if (actions.shed().pauseTopics != null && !actions.shed().pauseTopics.isEmpty()) {
        data.put("pause-topics", String.join(",", actions.shed().pauseTopics));
      }
    }
    if (candidate != null) {
      data.put("candidate-endpoint", candidate.endpoint());
      data.put("candidate-model-name", candidate.modelName());
      data.put("candidate-model-version", candidate.modelVersion());
      data.put("candidate-weight", String.valueOf(candidate.weightPercent()));
    }
    return new ConfigMapBuilder()
        .withMetadata(Owned.meta(pipeline, name(pipeline), COMPONENT))
        .withData(data)
        .build();
  }
}
