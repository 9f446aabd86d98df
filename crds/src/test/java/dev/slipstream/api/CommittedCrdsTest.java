package dev.slipstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The CRDs in crds/yaml are what the build generates from the Java types; a change to one needs the other. */
class CommittedCrdsTest {
  private static final Path COMMITTED = Path.of(System.getProperty("committed.crds", "yaml"));
  private static final Path GENERATED =
      Path.of(System.getProperty("generated.crds", "target/classes/META-INF/fabric8"));

  @Test
  void committedCrdsMatchTheJavaTypes() throws IOException {
    List<String> generated = names(GENERATED);
    assertThat(generated).containsExactly(
        "modelversions.slipstream.dev-v1.yml",
        "shedpolicies.slipstream.dev-v1.yml",
        "streamingpipelines.slipstream.dev-v1.yml");
    assertThat(names(COMMITTED))
        .as("CRD files in crds/yaml (run `make crds` to refresh them)")
        .isEqualTo(generated);
    for (String name : generated) {
      assertThat(Files.readString(COMMITTED.resolve(name)))
          .as("crds/yaml/%s differs from the Java types; run `make crds` and commit the result", name)
          .isEqualTo(Files.readString(GENERATED.resolve(name)));
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
    }
  }
}
