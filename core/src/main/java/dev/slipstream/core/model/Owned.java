package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;

/** Metadata of the objects a pipeline owns: name, namespace, labels and the controller ownerReference. */
public final class Owned {
  private Owned() {}

  public static ObjectMeta meta(StreamingPipeline pipeline, String name, String component) {
    return meta(pipeline, name, Labels.owned(pipeline.getMetadata().getName(), component));
  }

  public static ObjectMeta meta(StreamingPipeline pipeline, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(pipeline.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(ownerReference(pipeline))
        .build();
  }

  public static OwnerReference ownerReference(StreamingPipeline pipeline) {
    return new OwnerReferenceBuilder()
        .withApiVersion(pipeline.getApiVersion())
        .withKind(pipeline.getKind())
        .withName(pipeline.getMetadata().getName())
        .withUid(pipeline.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
