package dev.slipstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
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
  private static final AdmissionValidator ADMISSION = new AdmissionValidator(Crds.SLIPSTREAM.stream().map(Crds::load).toList());

  static List<GenericKubernetesResource> examples() {
    List<GenericKubernetesResource> all = new ArrayList<>();
    Manifests.examplesFiles().forEach(f -> all.addAll(Manifests.read(f)));
    return all;
  }

  static Stream<InvalidCorpus.Case> corpus() {
    return InvalidCorpus.cases().stream();
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
  void theCorpusIsLargeAndCoversEveryKind() {
    List<InvalidCorpus.Case> cases = corpus().toList();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
    assertThat(cases).extracting(c -> c.base().split("/")[0]).contains("StreamingPipeline", "ModelVersion", "ShedPolicy");
    Reliability.record("Bad input", cases.size() + " invalid or hostile resources (wrong types, negative or huge values,"
        + " unknown fields, bad names, partitions lowered on update, code in class names, shell in config keys, quotes in a label value, ...)",
        "each refused at admission by the CRD schema or a CEL rule, with a message naming the field");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void invalidResourceIsRefusedWithAMessageNamingTheProblem(InvalidCorpus.Case c) {
    List<String> refusals = ADMISSION.admit(c.broken(), c.stored());
    assertThat(refusals).as("refusals of '%s'", c.name()).isNotEmpty();
    assertThat(String.join("\n", refusals)).as("refusals of '%s'", c.name()).contains(c.refused());
  }
}
