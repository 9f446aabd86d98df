package dev.slipstream.controllers.pipeline;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One kind of object a pipeline owns, as the parts see it: read from a cache, written by comparing first. A kind
 * whose CRD is not installed is one absent instance ({@link #installed()} false, nothing found), so a part asks
 * once and reports it instead of checking for null wherever it reads.
 */
interface OwnedObjects<R extends HasMetadata> {
  /** Whether the kind exists in this cluster; when false nothing is found and nothing may be written. */
  boolean installed();

  Optional<R> get(String namespace, String name);

  /** The objects {@code pipeline} owns, by name. */
  List<R> ownedBy(StreamingPipeline pipeline);

  /** Creates or replaces {@code desired} unless the stored object already holds it; returns the stored object. */
  R ensure(R desired);

  void delete(R object);

  /** Changes a stored object with {@code change} (read, change, write). */
  void edit(R object, UnaryOperator<R> change);

  default Optional<R> get(StreamingPipeline pipeline, String name) {
    return get(pipeline.getMetadata().getNamespace(), name);
  }
}
