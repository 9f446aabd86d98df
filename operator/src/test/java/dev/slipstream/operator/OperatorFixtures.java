package dev.slipstream.operator;

import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;

/** Helpers to run one example several times on one broker: each copy in its own namespace with its own topics. */
final class OperatorFixtures {
  private OperatorFixtures() {}

  /** Moves the objects to {@code namespace} and prefixes the pipeline's topic names with it. */
  static void moveTo(List<GenericKubernetesResource> objects, String namespace) {
    Manifests.moveTo(objects, namespace);
  }
}
