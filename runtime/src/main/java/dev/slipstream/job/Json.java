package dev.slipstream.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON mapper for the job: events in, inference requests and responses, results out. Numbers with a fraction are
 * read and written by Jackson's own fast algorithms: on the JDK 17 that Flink images run, the JDK's
 * {@code Double.toString} and {@code Double.parseDouble} were a visible part of each event's cost (a batch request
 * carries every event's features, its answer every score).
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build());

  private Json() {}

  public static boolean isObject(String text) {
    try {
      return text != null && MAPPER.readTree(text) instanceof ObjectNode;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** The text as JSON; a text that is not JSON becomes a JSON string holding it, so nothing is lost. */
  public static JsonNode readOrText(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node == null ? MAPPER.getNodeFactory().textNode(text) : node;
    } catch (JsonProcessingException e) {
      return MAPPER.getNodeFactory().textNode(text);
    }
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
