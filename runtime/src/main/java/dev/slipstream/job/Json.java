package dev.slipstream.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One JSON mapper for the job: events in, inference requests and responses, results out. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

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
