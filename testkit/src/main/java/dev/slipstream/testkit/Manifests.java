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
import java.util.Map;

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

  /** A manifest object as its Slipstream Java type, so the client sends it to the right API. */
  public static HasMetadata typed(GenericKubernetesResource o) {
    Class<? extends HasMetadata> type = switch (o.getKind()) {
      case "StreamingPipeline" -> dev.slipstream.api.v1alpha1.StreamingPipeline.class;
      case "ModelVersion" -> dev.slipstream.api.v1alpha1.ModelVersion.class;
      case "ShedPolicy" -> dev.slipstream.api.v1alpha1.ShedPolicy.class;
      default -> throw new IllegalArgumentException("not a Slipstream kind: " + o.getKind());
    };
    return Serialization.jsonMapper().convertValue(o, type);
  }

  /** Points every StreamingPipeline among {@code objects} at {@code bootstrapServers} (a local broker). */
  @SuppressWarnings("unchecked")
  public static List<GenericKubernetesResource> withBootstrapServers(List<GenericKubernetesResource> objects,
      String bootstrapServers) {
    for (GenericKubernetesResource o : objects) {
      if ("StreamingPipeline".equals(o.getKind())) {
        Map<String, Object> spec = (Map<String, Object>) o.getAdditionalProperties().get("spec");
        ((Map<String, Object>) spec.get("kafka")).put("bootstrapServers", bootstrapServers);
      }
    }
    return objects;
  }

  /**
   * Moves the objects to {@code namespace} and prefixes the pipelines' topic names with it, so one example
   * can run several times on one broker.
   */
  @SuppressWarnings("unchecked")
  public static List<GenericKubernetesResource> moveTo(List<GenericKubernetesResource> objects, String namespace) {
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
    return objects;
  }

  /** Every YAML file in examples/, in name order. */
  public static List<Path> examplesFiles() {
    try (var files = Files.list(examples())) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
