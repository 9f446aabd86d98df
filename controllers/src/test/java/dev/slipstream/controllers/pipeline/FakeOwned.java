package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.model.DesiredState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Owned objects held in memory, written the way {@link InformedObjects} writes them: compared first, replaced with
 * the stored status kept (a status is the owning controller's, not ours). Counts the writes it was sent.
 */
final class FakeOwned<R extends HasMetadata> implements OwnedObjects<R> {
  private final Map<String, R> stored = new LinkedHashMap<>();
  final List<String> writes = new ArrayList<>();

  @Override
  public boolean installed() {
    return true;
  }

  @Override
  public Optional<R> get(String namespace, String name) {
    return Optional.ofNullable(stored.get(namespace + "/" + name));
  }

  @Override
  public List<R> ownedBy(StreamingPipeline pipeline) {
    return stored.values().stream().filter(o -> o.getMetadata().getOwnerReferences().stream()
        .anyMatch(r -> Objects.equals(r.getUid(), pipeline.getMetadata().getUid()))).toList();
  }

  @Override
  public R ensure(R desired) {
    String key = desired.getMetadata().getNamespace() + "/" + desired.getMetadata().getName();
    R current = stored.get(key);
    if (current != null && DesiredState.isSatisfiedBy(desired, current)) {
      return current;
    }
    R copy = Serialization.clone(desired);
    // as the API server counts generations: 1 when created, one more for each change of the spec
    long generation = current == null ? 1 : java.util.Optional.ofNullable(current.getMetadata().getGeneration()).orElse(1L)
        + (Objects.equals(spec(current), spec(copy)) ? 0 : 1);
    copy.getMetadata().setGeneration(generation);
    if (current instanceof GenericKubernetesResource was && was.getAdditionalProperties().containsKey("status")) {
      ((GenericKubernetesResource) copy).getAdditionalProperties().put("status", was.getAdditionalProperties().get("status"));
    } else if (current instanceof Deployment was) {
      ((Deployment) copy).setStatus(was.getStatus());
    }
    stored.put(key, copy);
    writes.add((current == null ? "create " : "update ") + key);
    return copy;
  }

  @Override
  public void delete(R object) {
    stored.remove(object.getMetadata().getNamespace() + "/" + object.getMetadata().getName());
    writes.add("delete " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName());
  }

  @Override
  public void edit(R object, UnaryOperator<R> change) {
    String key = object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    stored.put(key, change.apply(Serialization.clone(stored.get(key))));
    writes.add("edit " + key);
  }

  private static Object spec(HasMetadata object) {
    return object instanceof GenericKubernetesResource g ? Serialization.asJson(g.getAdditionalProperties().get("spec"))
        : object instanceof Deployment d ? Serialization.asJson(d.getSpec()) : null;
  }

  /** What the owning controller would write: a status for a stored object. */
  void status(String namespace, String name, UnaryOperator<R> withStatus) {
    String key = namespace + "/" + name;
    stored.put(key, withStatus.apply(stored.get(key)));
  }
}
