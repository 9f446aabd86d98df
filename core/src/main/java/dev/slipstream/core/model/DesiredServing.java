package dev.slipstream.core.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * The serving objects for one ModelVersion of a pipeline and the endpoint the Flink job calls.
 *
 * @param objects what to create and keep, in creation order
 * @param endpoint Open Inference Protocol v2 base URL
 * @param candidateEndpoint the URL of a candidate's own serving under a canary split by key, else null
 */
public record DesiredServing(List<HasMetadata> objects, String endpoint, String candidateEndpoint) {
  public DesiredServing(List<HasMetadata> objects, String endpoint) {
    this(objects, endpoint, null);
  }
}
