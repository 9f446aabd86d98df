package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipstream.job.control.JobControl;
import dev.slipstream.job.inference.InferenceException;
import dev.slipstream.job.inference.RetryPolicy;
import dev.slipstream.job.inference.V2Codec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InferenceCodecTest {
  @Test
  void featuresGoAsOneFp64TensorAndAMissingValueAsZero() {
    String body = new String(V2Codec.request("t-1", new double[] {3, Double.NaN, 2.5}, "{}"), StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"id\":\"t-1\",\"inputs\":[{\"name\":\"features\",\"shape\":[1,3],\"datatype\":\"FP64\","
        + "\"data\":[3.0,0.0,2.5]}]}");
    String raw = new String(V2Codec.request("t-2", new double[0], "{\"a\":1}"), StandardCharsets.UTF_8);
    assertThat(raw).isEqualTo("{\"id\":\"t-2\",\"inputs\":[{\"name\":\"event\",\"shape\":[1],\"datatype\":\"BYTES\","
        + "\"data\":[\"{\\\"a\\\":1}\"]}]}");
  }

  @Test
  void theAnswerSaysWhichVersionAnsweredAndItsScore() {
    V2Codec.Answer a = V2Codec.response(("{\"model_name\":\"fraud\",\"model_version\":\"2\",\"outputs\":["
        + "{\"name\":\"score\",\"shape\":[1,1],\"datatype\":\"FP64\",\"data\":[[0.93]]},"
        + "{\"name\":\"label\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"fraud\"]}]}").getBytes(StandardCharsets.UTF_8), "x");
    assertThat(a.modelName()).isEqualTo("fraud");
    assertThat(a.modelVersion()).isEqualTo("2");
    assertThat(a.score()).isEqualTo(0.93);
    assertThat(a.outputs()).isEqualTo("{\"score\":[[0.93]],\"label\":[\"fraud\"]}");
    V2Codec.Answer unnamed = V2Codec.response("{\"outputs\":[{\"name\":\"y\",\"data\":[\"a\"]}]}".getBytes(StandardCharsets.UTF_8), "fraud");
    assertThat(unnamed.modelName()).isEqualTo("fraud");
    assertThat(unnamed.modelVersion()).isEqualTo("unknown");
    assertThat(unnamed.score()).isNaN();
    assertThatThrownBy(() -> V2Codec.response("{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8), "m"))
        .isInstanceOf(InferenceException.class).hasMessage("the answer has no outputs");
  }

  @Test
  void aBatchIsOneTensorWithTheBatchFirstAndABatchOfOneIsTheSingleRequest() {
    String body = new String(V2Codec.request(List.of("t-1", "t-2"), List.of(new double[] {1, 2}, new double[] {Double.NaN, 4}),
        List.of("{}", "{}")), StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"id\":\"t-1+1\",\"inputs\":[{\"name\":\"features\",\"shape\":[2,2],\"datatype\":\"FP64\","
        + "\"data\":[1.0,2.0,0.0,4.0]}]}");
    String raw = new String(V2Codec.request(List.of("a", "b"), java.util.Arrays.asList(null, null), List.of("{\"x\":1}", "{}")),
        StandardCharsets.UTF_8);
    assertThat(raw).contains("\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"{\\\"x\\\":1}\",\"{}\"]");
    assertThat(V2Codec.request(List.of("t-1"), List.of(new double[] {3, 2.5}), List.of("{}")))
        .isEqualTo(V2Codec.request("t-1", new double[] {3, 2.5}, "{}"));
  }

  @Test
  void aBatchsAnswerIsSplitRowByRowAndOneWithoutTheBatchDimensionIsRefusedWhole() {
    byte[] flat = ("{\"model_name\":\"fraud\",\"model_version\":\"3\",\"outputs\":["
        + "{\"name\":\"score\",\"shape\":[3,1],\"datatype\":\"FP64\",\"data\":[0.1,0.2,0.3]},"
        + "{\"name\":\"label\",\"shape\":[3],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\",\"c\"]}]}")
        .getBytes(StandardCharsets.UTF_8);
    List<V2Codec.Answer> answers = V2Codec.responses(flat, "x", 3);
    assertThat(answers).extracting(V2Codec.Answer::score).containsExactly(0.1, 0.2, 0.3);
    assertThat(answers).extracting(V2Codec.Answer::modelVersion).containsOnly("3");
    assertThat(answers.get(1).outputs()).isEqualTo("{\"score\":[0.2],\"label\":[\"b\"]}");
    byte[] nested = "{\"outputs\":[{\"name\":\"score\",\"data\":[[0.5,0.6],[0.7,0.8]]}]}".getBytes(StandardCharsets.UTF_8);
    assertThat(V2Codec.responses(nested, "m", 2).get(1).outputs()).isEqualTo("{\"score\":[[0.7,0.8]]}");
    byte[] single = ("{\"outputs\":[{\"name\":\"score\",\"shape\":[1,1],\"data\":[0.9]}]}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> V2Codec.responses(single, "m", 3)).isInstanceOf(InferenceException.class)
        .hasMessage("output 'score' has a batch dimension of 1, not 3");
    byte[] uneven = "{\"outputs\":[{\"name\":\"score\",\"data\":[0.1,0.2]}]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> V2Codec.responses(uneven, "m", 3)).isInstanceOf(InferenceException.class)
        .hasMessage("output 'score' has 2 values, not a multiple of the batch of 3");
  }

  @Test
  void retriesBackOffAndNeverPassTheDeadline() {
    RetryPolicy p = new RetryPolicy(3);
    assertThat(p.backoffMillis(1, 1_000)).isEqualTo(10);
    assertThat(p.backoffMillis(2, 1_000)).isEqualTo(20);
    assertThat(p.backoffMillis(3, 1_000)).isEqualTo(40);
    assertThat(p.backoffMillis(4, 1_000)).isEqualTo(-1); // three retries used
    assertThat(p.backoffMillis(2, 15)).isEqualTo(-1);    // would end past the deadline
    assertThat(new RetryPolicy(20).backoffMillis(12, 100_000)).isEqualTo(500);
    assertThat(RetryPolicy.transientStatus(429)).isTrue();
    assertThat(RetryPolicy.transientStatus(503)).isTrue();
    assertThat(RetryPolicy.transientStatus(400)).isFalse();
  }

  @Test
  void theControlConfigMapSteersModeEndpointAndPausedTopics() {
    JobControl normal = JobControl.from(Map.of(), "http://svc", "fraud");
    assertThat(normal).isEqualTo(JobControl.normal("http://svc", "fraud"));
    JobControl down = JobControl.from(Map.of("mode", "downgrade", "level", "2", "level-name", "small-model",
        "endpoint", "http://lite", "model-name", "fraud-lite"), "http://svc", "fraud");
    assertThat(down.mode()).isEqualTo(JobControl.Mode.downgrade);
    assertThat(down.endpoint()).isEqualTo("http://lite");
    assertThat(down.modelName()).isEqualTo("fraud-lite");
    assertThat(down.pauseTopics()).isEmpty();
    JobControl shed = JobControl.from(Map.of("mode", "shed", "fallback-result", "{\"decision\":\"review\"}",
        "pause-topics", "clicks, ,views"), "http://svc", "fraud");
    assertThat(shed.shedding()).isTrue();
    assertThat(shed.fallbackResult()).isEqualTo("{\"decision\":\"review\"}");
    assertThat(shed.pauseTopics()).isEqualTo(Set.of("clicks", "views"));
    assertThat(JobControl.from(Map.of("mode", "warp"), "http://svc", "fraud").mode()).isEqualTo(JobControl.Mode.normal);
  }
}
