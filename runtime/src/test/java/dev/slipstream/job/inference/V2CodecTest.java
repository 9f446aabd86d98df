package dev.slipstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.job.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class V2CodecTest {
  private static JsonNode read(byte[] body) throws Exception {
    return Json.MAPPER.readTree(body);
  }

  @Test
  void aBatchOfFeaturesIsOneFp64TensorWithTheBatchAsItsFirstDimensionAndAMissingValueSentAsZero() throws Exception {
    byte[] body = V2Codec.request(List.of("e1", "e2", "e3"),
        List.of(new double[] {1.5, 0.1}, new double[] {Double.NaN, 1e-7}, new double[] {3, 123456.789}), Arrays.asList(null, null, null));
    assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"e1+2\",\"inputs\":[{\"name\":\"features\","
        + "\"shape\":[3,2],\"datatype\":\"FP64\",\"data\":[1.5,0.1,0.0,1.0E-7,3.0,123456.789]}]}");
    JsonNode data = read(body).at("/inputs/0/data");
    assertThat(data.get(3).doubleValue()).as("reads back as the same double").isEqualTo(1e-7);
    assertThat(data.get(1).doubleValue()).isEqualTo(0.1);
  }

  @Test
  void withoutFeaturesEachEventsJsonIsOneBytesElementAndASingleEventKeepsItsId() throws Exception {
    byte[] body = V2Codec.request(List.of("only"), Arrays.asList((double[]) null), List.of("{\"amount\":\"12\"}"));
    JsonNode input = read(body).at("/inputs/0");
    assertThat(read(body).get("id").asText()).isEqualTo("only");
    assertThat(input.get("name").asText()).isEqualTo("event");
    assertThat(input.get("shape").toString()).isEqualTo("[1]");
    assertThat(input.get("datatype").asText()).isEqualTo("BYTES");
    assertThat(input.get("data").get(0).asText()).as("the event's text, escaped, whole").isEqualTo("{\"amount\":\"12\"}");
  }

  @Test
  void anAnswerIsSplitBackIntoOneAnswerPerEventInTheRequestsOrder() {
    byte[] answer = ("{\"model_name\":\"fraud\",\"model_version\":\"3\",\"outputs\":[{\"name\":\"score\",\"shape\":[2,1],"
        + "\"datatype\":\"FP64\",\"data\":[0.25,0.75]}]}").getBytes(StandardCharsets.UTF_8);
    List<V2Codec.Answer> answers = V2Codec.responses(answer, "fraud", 2);
    assertThat(answers).extracting(V2Codec.Answer::score).containsExactly(0.25, 0.75);
    assertThat(answers).extracting(V2Codec.Answer::outputs).containsExactly("{\"score\":[0.25]}", "{\"score\":[0.75]}");
    assertThat(answers.get(0).modelVersion()).isEqualTo("3");
  }

  @Test
  void eachEventsOutputsAreTheServersOwnTextOfItsRowWhateverSpacingEscapesAndNumberForms() {
    byte[] answer = ("{ \"id\": \"x\", \"model_version\": 7, \"parameters\": {\"a\": [1, {\"b\": \"]\"}]},\n"
        + " \"outputs\": [ {\"name\": \"score\", \"shape\": [2, 2], \"data\": [ [1e-3, 2.50], [ -0.0 ,7] ]},\n"
        + "  {\"data\": [\"say \\\"no\\\"\", \"caf\u00e9 \\u00e9\"], \"name\": \"la\\\"bel\"},"
        + "  {\"name\": \"meta\", \"data\": [{\"k\": [1,2]}, null]} ] }").getBytes(StandardCharsets.UTF_8);
    List<V2Codec.Answer> answers = V2Codec.responses(answer, "fraud", 2);
    assertThat(answers).extracting(V2Codec.Answer::outputs).containsExactly(
        "{\"score\":[[1e-3, 2.50]],\"la\\\"bel\":[\"say \\\"no\\\"\"],\"meta\":[{\"k\": [1,2]}]}",
        "{\"score\":[[ -0.0 ,7]],\"la\\\"bel\":[\"caf\u00e9 \\u00e9\"],\"meta\":[null]}");
    assertThat(answers).extracting(V2Codec.Answer::score).containsExactly(0.001, -0.0);
    assertThat(answers).extracting(V2Codec.Answer::modelVersion).containsOnly("7");
    assertThat(answers).extracting(V2Codec.Answer::modelName).containsOnly("fraud");
    for (V2Codec.Answer a : answers) {
      assertThat(Json.isObject(a.outputs())).as("each event's outputs are JSON: %s", a.outputs()).isTrue();
    }
  }

  @Test
  void anOutputNamedTwiceIsTheLaterOneAndEveryOutputMustCarryTheBatch() {
    byte[] twice = ("{\"outputs\":[{\"name\":\"score\",\"data\":[0.1,0.2]},{\"name\":\"p\",\"data\":[1,2]},"
        + "{\"name\":\"score\",\"data\":[0.3,0.4]}]}").getBytes(StandardCharsets.UTF_8);
    assertThat(V2Codec.responses(twice, "m", 2)).extracting(V2Codec.Answer::outputs)
        .containsExactly("{\"score\":[0.3],\"p\":[1]}", "{\"score\":[0.4],\"p\":[2]}");
    assertThat(V2Codec.responses(twice, "m", 2)).extracting(V2Codec.Answer::score)
        .as("the score is the first output's, as the answer ordered them").containsExactly(0.1, 0.2);
    byte[] firstShort = ("{\"outputs\":[{\"name\":\"score\",\"data\":[0.1]},{\"name\":\"score\",\"data\":[0.3,0.4]}]}")
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> V2Codec.responses(firstShort, "m", 2)).isInstanceOf(InferenceException.class)
        .hasMessage("output 'score' has 1 values, not a multiple of the batch of 2");
    byte[] cut = "{\"outputs\":[{\"name\":\"score\",\"data\":[0.1,".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> V2Codec.responses(cut, "m", 2)).isInstanceOf(InferenceException.class)
        .hasMessage("the answer is not JSON");
    assertThatThrownBy(() -> V2Codec.response("[1]".getBytes(StandardCharsets.UTF_8), "m"))
        .isInstanceOf(InferenceException.class).hasMessage("the answer has no outputs");
    assertThat(V2Codec.response("{\"outputs\":[{\"name\":\"s\"}]}".getBytes(StandardCharsets.UTF_8), "m").outputs())
        .as("an output without data is null").isEqualTo("{\"s\":null}");
  }
}
