package dev.slipstream.testkit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Multi-document YAML manifests, as kubectl reads them. */
public final class Manifests {
  private Manifests() {}

  public static List<GenericKubernetesResource> read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<GenericKubernetesResource> parse(String yaml) {
    List<GenericKubernetesResource> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(l -> !l.isBlank() && !l.trim().startsWith("#"))) {
        objects.add(Serialization.unmarshal(document, GenericKubernetesResource.class));
      }
    }
    return objects;
  }

  /** The object of that kind and name among {@code objects}, as the given Java type. */
  public static <T extends HasMetadata> T find(List<GenericKubernetesResource> objects, Class<T> type, String name) {
    String kind = HasMetadata.getKind(type);
    return objects.stream()
        .filter(o -> kind.equals(o.getKind()) && name.equals(o.getMetadata().getName()))
        .findFirst()
        .map(o -> Serialization.jsonMapper().convertValue(o, type))
        .orElseThrow(() -> new IllegalArgumentException("no " + kind + " " + name));
  }

  /** The repository's examples/ folder, found from the module being built. */
  public static Path examples() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("pom.xml"))) {
        return p.resolve("examples");
      }
    }
    throw new IllegalStateException("no examples/ folder above " + here);
  }
}
