package dev.slipstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The corpus of invalid and hostile resources (admission/invalid.yaml): each case an example object broken by a
 * JSON merge patch, with what a refusal must say, and for update-time rules the stored object it replaces.
 */
public final class InvalidCorpus {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * @param base {@code Kind/name} of the example it breaks
   * @param old a merge patch giving the stored object for transition rules, or null
   */
  public record Case(String name, String base, JsonNode patch, JsonNode old, String refused) {
    @Override
    public String toString() {
      return name;
    }

    public String kind() {
      return base.split("/")[0];
    }

    /** The example, broken. */
    public ObjectNode broken() {
      return (ObjectNode) MergePatch.apply(example(), patch);
    }

    /** The stored object an update replaces (transition rules), or null. */
    public JsonNode stored() {
      return old == null ? null : MergePatch.apply(example(), old);
    }

    private JsonNode example() {
      String[] parts = base.split("/");
      List<GenericKubernetesResource> all = new ArrayList<>();
      Manifests.examplesFiles().forEach(f -> all.addAll(Manifests.read(f)));
      GenericKubernetesResource example = all.stream()
          .filter(o -> o.getKind().equals(parts[0]) && o.getMetadata().getName().equals(parts[1]))
          .findFirst().orElseThrow(() -> new IllegalArgumentException("no example " + base));
      return Serialization.jsonMapper().valueToTree(example);
    }
  }

  private InvalidCorpus() {}

  public static List<Case> cases() {
    try (InputStream in = InvalidCorpus.class.getResourceAsStream("/admission/invalid.yaml")) {
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : YAML.readTree(in)) {
        cases.add(new Case(c.path("name").asText(), c.path("base").asText(), c.path("patch"), c.get("old"), c.path("refused").asText()));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
