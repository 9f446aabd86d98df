package dev.slipstream.testkit;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.JobContract;
import java.util.HashMap;
import java.util.Map;

/** The job contract the operator writes for the fraud-scoring example, for running the job without the operator. */
public final class ExampleContract {
  private ExampleContract() {}

  /**
   * The example in {@code namespace} (its topics prefixed with it), on {@code bootstrapServers}, calling the model
   * at {@code endpoint}; metrics on any free port, no control directory.
   */
  public static Map<String, String> fraud(String namespace, String bootstrapServers, String endpoint) {
    var objects = Manifests.withBootstrapServers(Manifests.moveTo(
        Manifests.read(Manifests.examples().resolve("fraud-scoring.yaml")), namespace), bootstrapServers);
    StreamingPipeline pipeline = Manifests.find(objects, StreamingPipeline.class, "fraud-scoring");
    ModelVersion model = Manifests.find(objects, ModelVersion.class, "fraud-v1");
    Map<String, String> keys = new HashMap<>(JobContract.keys(pipeline, model, endpoint));
    keys.put(JobContract.METRICS_PORT, "0");
    keys.remove(JobContract.CONTROL_DIR);
    return keys;
  }

  /**
   * The contract of a replay of {@code primary}'s input, as the operator writes it ({@code JobContract.replayKeys}): its
   * own group, the range, {@code maxInFlight} requests per task to the model named {@code modelName}, and the replay
   * topic for every output.
   */
  public static Map<String, String> replay(Map<String, String> primary, String replayTopic, Map<String, String> range,
      String modelName, int maxInFlight) {
    Map<String, String> keys = new HashMap<>(primary);
    keys.put(JobContract.ROLE, "replay");
    keys.put(JobContract.CONSUMER_GROUP, primary.get(JobContract.CONSUMER_GROUP) + ".replay");
    keys.put(JobContract.OUTPUT_TOPIC, replayTopic);
    keys.put(JobContract.LATE_EVENTS_TOPIC, replayTopic);
    keys.put(JobContract.SERVING_MODEL_NAME, modelName);
    keys.put(JobContract.MAX_IN_FLIGHT, String.valueOf(maxInFlight));
    keys.remove(JobContract.CONTROL_DIR);
    keys.putAll(range);
    return keys;
  }
}
