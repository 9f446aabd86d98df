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
}
