package dev.slipstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.InferenceBatch;
import dev.slipstream.core.Examples;
import org.junit.jupiter.api.Test;

/** The job batches as the model takes batches: the pipeline's choice first, then what the ModelVersion declares. */
class JobContractTest {
  @Test
  void theBatchIsThePipelinesOwnOrTheOneTheModelDeclaresOrNone() {
    var pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    var model = Examples.model("fraud-scoring.yaml", "fraud-v1");
    assertThat(JobContract.keys(pipeline, model, "http://m")).as("the model's batching.maxBatchSize")
        .containsEntry(JobContract.BATCH_MAX_SIZE, "32").containsEntry(JobContract.BATCH_MAX_WAIT, "5 ms");

    model.getSpec().batching = null;
    assertThat(JobContract.keys(pipeline, model, "http://m")).as("a model that declares no batching gets one event a request")
        .containsEntry(JobContract.BATCH_MAX_SIZE, "1");

    pipeline.getSpec().inference.batch = new InferenceBatch();
    pipeline.getSpec().inference.batch.maxSize = 128;
    pipeline.getSpec().inference.batch.maxWait = "2ms";
    assertThat(JobContract.keys(pipeline, model, "http://m")).as("the pipeline's own")
        .containsEntry(JobContract.BATCH_MAX_SIZE, "128").containsEntry(JobContract.BATCH_MAX_WAIT, "2 ms");
  }
}
