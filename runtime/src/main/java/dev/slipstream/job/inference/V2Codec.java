package dev.slipstream.job.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipstream.job.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The KServe V2 / Open Inference Protocol over HTTP, as both KServe and Triton serve it:
 * {@code POST /v2/models/{name}/infer}. With features declared the model receives one FP64 tensor
 * {@code features} of shape [1, n] in the order of their definitions (a feature with no value is sent as 0);
 * without, one BYTES tensor {@code event} holding the event's JSON.
 */
public final class V2Codec {
  private V2Codec() {}

  public static byte[] request(String eventId, double[] features, String payload) {
    ObjectNode body = Json.object();
    body.put("id", eventId);
    ArrayNode inputs = body.putArray("inputs");
    ObjectNode input = inputs.addObject();
    if (features != null && features.length > 0) {
      input.put("name", "features");
      input.putArray("shape").add(1).add(features.length);
      input.put("datatype", "FP64");
      ArrayNode data = input.putArray("data");
      for (double f : features) {
        data.add(Double.isNaN(f) ? 0.0 : f);
      }
    } else {
      input.put("name", "event");
      input.putArray("shape").add(1);
      input.put("datatype", "BYTES");
      input.putArray("data").add(payload);
    }
    return Json.write(body).getBytes(StandardCharsets.UTF_8);
  }

  /** Reads a response; throws {@link InferenceException} (not transient) when it is not a V2 answer. */
  public static Answer response(byte[] body, String requestedModel) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new InferenceException("the answer is not JSON", false);
    }
    JsonNode outputs = root == null ? null : root.get("outputs");
    if (outputs == null || !outputs.isArray() || outputs.isEmpty()) {
      throw new InferenceException("the answer has no outputs", false);
    }
    ObjectNode result = Json.object();
    for (JsonNode out : outputs) {
      result.set(out.path("name").asText("output"), out.path("data"));
    }
    JsonNode first = outputs.get(0).path("data");
    while (first.isArray() && !first.isEmpty()) {
      first = first.get(0);
    }
    double score = first.isNumber() ? first.doubleValue() : Double.NaN;
    String model = root.path("model_name").asText(requestedModel);
    JsonNode version = root.get("model_version");
    return new Answer(model, version == null || version.isNull() || version.asText().isEmpty() ? "unknown" : version.asText(),
        score, Json.write(result));
  }

  /** A model's answer: who answered, the score (first value of the first output) and all outputs as JSON. */
  public record Answer(String modelName, String modelVersion, double score, String outputs) {}
}
