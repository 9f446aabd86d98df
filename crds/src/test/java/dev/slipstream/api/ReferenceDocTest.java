package dev.slipstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The resource reference, docs/reference.md, is generated from the CRDs, so it cannot drift from the API.
 * After changing the types: {@code make crds}, then run this test with -Dreadme.update=true.
 */
class ReferenceDocTest {
  private static final Path COMMITTED = Path.of(System.getProperty("committed.crds", "yaml"));
  private static final Path README = COMMITTED.toAbsolutePath().getParent().getParent().resolve("docs/reference.md");
  private static final String START = "<!-- reference:start (generated from crds/yaml by ReferenceDocTest) -->";
  private static final String END = "<!-- reference:end -->";

  @Test
  void theReferenceIsGeneratedFromTheCrds() throws IOException {
    String generated = reference();
    String readme = Files.readString(README);
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertThat(start).as("docs/reference.md has the reference markers").isGreaterThanOrEqualTo(0);
    assertThat(end).isGreaterThan(start);
    String current = readme.substring(start + START.length(), end);
    if (Boolean.getBoolean("readme.update")) {
      Files.writeString(README, readme.substring(0, start + START.length()) + generated + readme.substring(end));
      current = generated;
    }
    assertThat(current).as("docs/reference.md; regenerate with -Dreadme.update=true").isEqualTo(generated);
  }

  static String reference() throws IOException {
    StringBuilder md = new StringBuilder("\n");
    for (String plural : List.of("streamingpipelines", "modelversions", "shedpolicies")) {
      JsonNode crd = Serialization.jsonMapper().valueToTree(
          Serialization.unmarshal(Files.readString(COMMITTED.resolve(plural + ".slipstream.dev-v1.yml")), Object.class));
      JsonNode version = crd.path("spec").path("versions").get(0);
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      JsonNode names = crd.path("spec").path("names");
      md.append("## ").append(names.path("kind").asText()).append("\n\n");
      List<String> shortNames = new ArrayList<>();
      names.path("shortNames").forEach(n -> shortNames.add("`" + n.asText() + "`"));
      List<String> columns = new ArrayList<>();
      version.path("additionalPrinterColumns").forEach(c -> columns.add(c.path("name").asText()));
      md.append("Short names ").append(String.join(", ", shortNames)).append("; `kubectl get` columns: ")
          .append(String.join(", ", columns)).append(".\n\n| field | type | description |\n|---|---|---|\n");
      fields(schema.path("properties").path("spec"), "spec", required(schema.path("properties").path("spec")), md);
      fields(schema.path("properties").path("status"), "status", Set.of(), md);
      List<String> rules = new ArrayList<>();
      rules(schema, "", rules);
      if (!rules.isEmpty()) {
        md.append("\nChecked at admission (CEL):\n\n");
        rules.forEach(r -> md.append("- ").append(r).append('\n'));
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static void fields(JsonNode schema, String path, Set<String> required, StringBuilder md) {
    schema.path("properties").fields().forEachRemaining(field -> {
      JsonNode v = field.getValue();
      String p = path + "." + field.getKey();
      String type = v.path("type").asText();
      JsonNode element = v;
      if ("array".equals(type)) {
        element = v.path("items");
        type = "[]" + element.path("type").asText();
      }
      if (v.has("enum")) {
        List<String> values = new ArrayList<>();
        v.get("enum").forEach(e -> values.add(e.asText()));
        type += " (" + String.join(" \\| ", values) + ")";
      }
      if (v.has("default")) {
        type += ", default `" + v.get("default").asText() + "`";
      }
      if (required.contains(field.getKey())) {
        type += ", required";
      }
      md.append("| `").append(p).append("` | ").append(type).append(" | ")
          .append(v.path("description").asText().replace("|", "\\|").replace("\n", " ")).append(" |\n");
      if ("object".equals(element.path("type").asText()) && element.has("properties")) {
        fields(element, p + (element == v ? "" : "[]"), required(element), md);
      }
    });
  }

  private static Set<String> required(JsonNode schema) {
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    return required;
  }

  private static void rules(JsonNode schema, String path, List<String> out) {
    schema.path("x-kubernetes-validations").forEach(r -> out.add("`" + (path.isEmpty() ? "." : path) + "`: "
        + r.path("message").asText(r.path("rule").asText())));
    schema.path("properties").fields().forEachRemaining(f -> {
      if (!path.isEmpty() || !f.getKey().equals("metadata")) {
        rules(f.getValue(), path + "." + f.getKey(), out);
        rules(f.getValue().path("items"), path + "." + f.getKey() + "[]", out);
      }
    });
  }
}
