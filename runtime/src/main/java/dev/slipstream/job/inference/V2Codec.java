package dev.slipstream.job.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipstream.job.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The KServe V2 / Open Inference Protocol over HTTP, as both KServe and Triton serve it:
 * {@code POST /v2/models/{name}/infer}. With features declared the model receives one FP64 tensor
 * {@code features} of shape [1, n] in the order of their definitions (a feature with no value is sent as 0);
 * without, one BYTES tensor {@code event} holding the event's JSON. A batch of events for one version is one request
 * with the batch as the tensor's first dimension, and its answer is split back into one answer per event.
 */
public final class V2Codec {
  private V2Codec() {}

  public static byte[] request(String eventId, double[] features, String payload) {
    return request(List.of(eventId), Collections.singletonList(features), Collections.singletonList(payload));
  }

  /**
   * One request for a batch of events (all for the same model version): one tensor with the
   * batch as its first dimension, [n, features] FP64 or [n] BYTES, rows in the order given; a batch of one carries
   * its event's id.
   *
   * @param features each event's features (null or empty for none: the events' JSON is sent)
   */
  public static byte[] request(List<String> eventIds, List<double[]> features, List<String> payloads) {
    int n = eventIds.size();
    double[] first = features.get(0);
    boolean numeric = first != null && first.length > 0;
    // written as it goes, not built as a tree first: a batch of 32 events of 10 features was 320 number nodes
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(numeric ? 96 + n * first.length * 20 : 256);
    try (com.fasterxml.jackson.core.JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("id", n == 1 ? eventIds.get(0) : eventIds.get(0) + "+" + (n - 1));
      g.writeArrayFieldStart("inputs");
      g.writeStartObject();
      g.writeStringField("name", numeric ? "features" : "event");
      g.writeArrayFieldStart("shape");
      g.writeNumber(n);
      if (numeric) {
        g.writeNumber(first.length);
      }
      g.writeEndArray();
      g.writeStringField("datatype", numeric ? "FP64" : "BYTES");
      g.writeArrayFieldStart("data");
      if (numeric) {
        for (double[] row : features) {
          for (double f : row) {
            g.writeNumber(Double.isNaN(f) ? 0.0 : f);
          }
        }
      } else {
        for (String payload : payloads) {
          g.writeString(payload);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads the answer to a batch of {@code n}: one answer per row, in the request's order. Every output must carry the
   * batch as its first dimension (its shape's first entry, or as many rows of data); otherwise no row is trusted and
   * the whole answer fails (not transient).
   */
  public static List<Answer> responses(byte[] body, String requestedModel, int n) {
    if (n == 1) {
      return List.of(response(body, requestedModel));
    }
    JsonNode root = parse(body);
    JsonNode outputs = outputs(root);
    List<String> names = new ArrayList<>();
    List<List<JsonNode>> rows = new ArrayList<>();
    for (JsonNode out : outputs) {
      names.add(out.path("name").asText("output"));
      rows.add(rows(out, n));
    }
    String model = root.path("model_name").asText(requestedModel);
    String version = version(root);
    List<Answer> answers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ObjectNode result = Json.object();
      for (int o = 0; o < names.size(); o++) {
        result.set(names.get(o), rows.get(o).get(i));
      }
      answers.add(new Answer(model, version, score(rows.get(0).get(i)), Json.write(result)));
    }
    return answers;
  }

  /** An output's data split into {@code n} rows, each as an array (the row as the single answer would carry it). */
  private static List<JsonNode> rows(JsonNode out, int n) {
    String name = out.path("name").asText("output");
    JsonNode shape = out.get("shape");
    if (shape != null && shape.isArray() && !shape.isEmpty() && shape.get(0).asLong() != n) {
      throw new InferenceException("output '" + name + "' has a batch dimension of " + shape.get(0).asText() + ", not "
          + n, false);
    }
    JsonNode data = out.path("data");
    List<JsonNode> rows = new ArrayList<>(n);
    if (data.isArray() && data.size() == n && data.get(0).isArray()) {
      for (JsonNode row : data) {
        rows.add(Json.MAPPER.createArrayNode().add(row));
      }
      return rows;
    }
    if (!data.isArray() || data.isEmpty() || data.size() % n != 0) {
      throw new InferenceException("output '" + name + "' has " + data.size() + " values, not a multiple of the batch of "
          + n, false);
    }
    int width = data.size() / n;
    for (int i = 0; i < n; i++) {
      ArrayNode row = Json.MAPPER.createArrayNode();
      for (int j = 0; j < width; j++) {
        row.add(data.get(i * width + j));
      }
      rows.add(row);
    }
    return rows;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new InferenceException("the answer is not JSON", false);
    }
  }

  private static JsonNode outputs(JsonNode root) {
    JsonNode outputs = root == null ? null : root.get("outputs");
    if (outputs == null || !outputs.isArray() || outputs.isEmpty()) {
      throw new InferenceException("the answer has no outputs", false);
    }
    return outputs;
  }

  private static String version(JsonNode root) {
    JsonNode version = root.get("model_version");
    return version == null || version.isNull() || version.asText().isEmpty() ? "unknown" : version.asText();
  }

  /** The first value of the data, however deeply nested; NaN when it is not a number. */
  private static double score(JsonNode data) {
    JsonNode first = data;
    while (first.isArray() && !first.isEmpty()) {
      first = first.get(0);
    }
    return first.isNumber() ? first.doubleValue() : Double.NaN;
  }

  /** Reads a response; throws {@link InferenceException} (not transient) when it is not a V2 answer. */
  public static Answer response(byte[] body, String requestedModel) {
    JsonNode root = parse(body);
    JsonNode outputs = outputs(root);
    ObjectNode result = Json.object();
    for (JsonNode out : outputs) {
      result.set(out.path("name").asText("output"), out.path("data"));
    }
    return new Answer(root.path("model_name").asText(requestedModel), version(root), score(outputs.get(0).path("data")),
        Json.write(result));
  }

  /** A model's answer: who answered, the score (first value of the first output) and all outputs as JSON. */
  public record Answer(String modelName, String modelVersion, double score, String outputs) {}
}
