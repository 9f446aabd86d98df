package dev.slipstream.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether an object on the API server already holds what we want. What the server or another controller
 * added (defaults, status, other annotations and labels) is not a difference: only what we declare counts.
 * This is what keeps an unchanged pipeline from causing any write on resync.
 */
public final class DesiredState {
  private static final ObjectMapper MAPPER = dev.slipstream.core.json.Json.MAPPER;

  private DesiredState() {}

  public static boolean isSatisfiedBy(HasMetadata desired, HasMetadata actual) {
    if (actual == null) {
      return false;
    }
    Map<String, String> wantedLabels = desired.getMetadata().getLabels();
    Map<String, String> labels = actual.getMetadata().getLabels();
    if (wantedLabels != null && !wantedLabels.isEmpty()
        && (labels == null || !labels.entrySet().containsAll(wantedLabels.entrySet()))) {
      return false;
    }
    Map<String, String> wantedAnnotations = desired.getMetadata().getAnnotations();
    Map<String, String> annotations = actual.getMetadata().getAnnotations();
    if (wantedAnnotations != null && !wantedAnnotations.isEmpty()
        && (annotations == null || !annotations.entrySet().containsAll(wantedAnnotations.entrySet()))) {
      return false;
    }
    for (OwnerReference ref : desired.getMetadata().getOwnerReferences()) {
      if (actual.getMetadata().getOwnerReferences().stream().noneMatch(r -> Objects.equals(r.getUid(), ref.getUid()))) {
        return false;
      }
    }
    JsonNode desiredTree = MAPPER.valueToTree(desired);
    JsonNode actualTree = MAPPER.valueToTree(actual);
    // a spec is satisfied by a superset (servers and controllers add defaults); other content, such as a
    // ConfigMap's data, must be exactly as desired: a key we dropped must go
    var fields = desiredTree.fieldNames();
    while (fields.hasNext()) {
      String field = fields.next();
      if (List.of("apiVersion", "kind", "metadata", "status").contains(field)) {
        continue;
      }
      boolean satisfied = "spec".equals(field)
          ? contains(actualTree.get(field), desiredTree.get(field))
          : desiredTree.get(field).equals(actualTree.get(field));
      if (!satisfied) {
        return false;
      }
    }
    return true;
  }

  /** {@code have} contains {@code want}: objects by key, arrays element by element, numbers by value. */
  static boolean contains(JsonNode have, JsonNode want) {
    if (want == null || want.isNull()) {
      return true;
    }
    if (have == null || have.isNull()) {
      return false;
    }
    if (want.isObject()) {
      if (!have.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        var field = it.next();
        if (!contains(have.get(field.getKey()), field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (want.isArray()) {
      if (!have.isArray() || have.size() != want.size()) {
        return false;
      }
      for (int i = 0; i < want.size(); i++) {
        if (!contains(have.get(i), want.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (want.isNumber() && have.isNumber()) {
      return want.decimalValue().compareTo(have.decimalValue()) == 0;
    }
    return want.asText().equals(have.asText()) && want.getNodeType() == have.getNodeType();
  }
}
