package dev.slipstream.core;

import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The repository's examples/ as typed objects, with the uid an API server would have given them. */
public final class Examples {
  private Examples() {}

  public static Path dir() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("pom.xml"))) {
        return p.resolve("examples");
      }
    }
    throw new IllegalStateException("no examples/ folder found");
  }

  public static List<GenericKubernetesResource> objects(String file) {
    try {
      List<GenericKubernetesResource> out = new ArrayList<>();
      for (String doc : Files.readString(dir().resolve(file)).split("(?m)^---\\s*$")) {
        if (doc.lines().anyMatch(l -> !l.isBlank() && !l.trim().startsWith("#"))) {
          out.add(Serialization.unmarshal(doc, GenericKubernetesResource.class));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T extends HasMetadata> T find(String file, Class<T> type, String name) {
    String kind = HasMetadata.getKind(type);
    T object = objects(file).stream().filter(o -> kind.equals(o.getKind()) && name.equals(o.getMetadata().getName()))
        .findFirst().map(o -> Serialization.jsonMapper().convertValue(o, type))
        .orElseThrow(() -> new IllegalArgumentException("no " + kind + " " + name + " in " + file));
    object.getMetadata().setUid("uid-" + name);
    object.getMetadata().setGeneration(1L);
    return object;
  }

  public static StreamingPipeline pipeline(String file, String name) {
    return find(file, StreamingPipeline.class, name);
  }

  public static ModelVersion model(String file, String name) {
    return find(file, ModelVersion.class, name);
  }

  public static ShedPolicy shedPolicy(String file, String name) {
    return find(file, ShedPolicy.class, name);
  }
}
