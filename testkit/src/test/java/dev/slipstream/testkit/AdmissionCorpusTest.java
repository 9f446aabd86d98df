package dev.slipstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Admission as the API server does it, offline, against the generated CRDs: every example is admitted,
 * and every resource of the invalid corpus (src/test/resources/admission/invalid.yaml) is refused with a
 * message that names the problem.
 */
class AdmissionCorpusTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final AdmissionValidator ADMISSION = new AdmissionValidator(Crds.SLIPSTREAM.stream().map(Crds::load).toList());

  record Case(String name, String base, JsonNode patch, JsonNode old, String refused) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<GenericKubernetesResource> examples() {
    List<GenericKubernetesResource> all = new ArrayList<>();
    Manifests.examplesFiles().forEach(f -> all.addAll(Manifests.read(f)));
    return all;
  }

  static Stream<Case> corpus() throws IOException {
    try (InputStream in = AdmissionCorpusTest.class.getResourceAsStream("/admission/invalid.yaml")) {
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : YAML.readTree(in)) {
        cases.add(new Case(c.path("name").asText(), c.path("base").asText(), c.path("patch"), c.get("old"), c.path("refused").asText()));
      }
      return cases.stream();
    }
  }

  @Test
  void everyExampleIsAdmittedOnCreateAndOnAnUnchangedUpdate() {
    List<GenericKubernetesResource> examples = examples();
    assertThat(examples).extracting(GenericKubernetesResource::getKind)
        .contains("StreamingPipeline", "ModelVersion", "ShedPolicy");
    for (GenericKubernetesResource example : examples) {
      ObjectNode object = Serialization.jsonMapper().valueToTree(example);
      assertThat(ADMISSION.admit(object.deepCopy(), null)).as("create %s", example.getMetadata().getName()).isEmpty();
      assertThat(ADMISSION.admit(object.deepCopy(), object)).as("update %s", example.getMetadata().getName()).isEmpty();
    }
  }

  @Test
  void theCorpusIsLargeAndCoversEveryKind() throws IOException {
    List<Case> cases = corpus().toList();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
    assertThat(cases).extracting(c -> c.base().split("/")[0]).contains("StreamingPipeline", "ModelVersion", "ShedPolicy");
    Reliability.record("Bad input", cases.size() + " invalid or hostile resources (wrong types, negative or huge values,"
        + " unknown fields, bad names, partitions lowered on update, code in class names, shell in config keys, ...)",
        "each refused at admission by the CRD schema or a CEL rule, with a message naming the field");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void invalidResourceIsRefusedWithAMessageNamingTheProblem(Case c) {
    String[] base = c.base().split("/");
    GenericKubernetesResource example = examples().stream()
        .filter(o -> o.getKind().equals(base[0]) && o.getMetadata().getName().equals(base[1]))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no example " + c.base()));
    JsonNode original = Serialization.jsonMapper().valueToTree(example);
    ObjectNode broken = (ObjectNode) MergePatch.apply(original, c.patch());
    JsonNode old = c.old() == null ? null : MergePatch.apply(original, c.old());
    List<String> refusals = ADMISSION.admit(broken, old);
    assertThat(refusals).as("refusals of '%s'", c.name()).isNotEmpty();
    assertThat(String.join("\n", refusals)).as("refusals of '%s'", c.name()).contains(c.refused());
  }
}
