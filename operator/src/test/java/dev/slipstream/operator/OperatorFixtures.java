package dev.slipstream.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;

/** Helpers to run one example several times on one broker: each copy in its own namespace with its own topics. */
final class OperatorFixtures {
  private OperatorFixtures() {}

  /** Moves the objects to {@code namespace} and prefixes the pipeline's topic names with it. */
  @SuppressWarnings("unchecked")
  static void moveTo(List<GenericKubernetesResource> objects, String namespace) {
    for (GenericKubernetesResource o : objects) {
      o.getMetadata().setNamespace(namespace);
      if ("StreamingPipeline".equals(o.getKind())) {
        Map<String, Object> topics = (Map<String, Object>) ((Map<String, Object>) o.getAdditionalProperties().get("spec")).get("topics");
        ((List<Map<String, Object>>) topics.get("inputs")).forEach(t -> t.put("name", namespace + "-" + t.get("name")));
        Map<String, Object> output = (Map<String, Object>) topics.get("output");
        output.put("name", namespace + "-" + output.get("name"));
        if (topics.get("lateEvents") instanceof Map<?, ?> late) {
          ((Map<String, Object>) late).put("name", namespace + "-" + late.get("name"));
        }
      }
    }
  }
}
