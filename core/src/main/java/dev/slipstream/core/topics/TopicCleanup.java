package dev.slipstream.core.topics;

import dev.slipstream.api.v1alpha1.StreamingPipelineSpec.DeletionPolicy;
import dev.slipstream.api.v1alpha1.KafkaConnection.TopicManagement;
import dev.slipstream.api.v1alpha1.StreamingPipeline;

/**
 * Whether deleting a pipeline leaves the operator work to do before the object may go, and so whether it carries
 * the operator's finalizer. Everything else a pipeline owns (the InferenceService, the FlinkDeployment, the control
 * ConfigMap, ...) is removed by the garbage collector through owner references, with or without the operator.
 */
public final class TopicCleanup {
  /** The finalizer's name (the one earlier versions, which put it on every pipeline, used too). */
  public static final String FINALIZER = "streamingpipelines.slipstream.dev/finalizer";

  private TopicCleanup() {}

  /**
   * True for {@code deletionPolicy: Delete} (the topics are deleted once Kafka confirms, and only those no other
   * pipeline reads), and in Strimzi mode (the KafkaTopics the garbage collector will remove are first marked
   * unmanaged, so that Strimzi keeps the topics behind them). False otherwise: with {@code Retain} and topics
   * managed through the Kafka admin API there is nothing to do, and a pipeline without a finalizer is deleted at
   * once even when the operator is not running.
   */
  public static boolean needsFinalizer(StreamingPipeline pipeline) {
    var spec = pipeline.getSpec();
    if (spec == null) {
      return false;
    }
    boolean strimzi = spec.kafka != null && spec.kafka.topicManagement == TopicManagement.STRIMZI;
    return strimzi || spec.deletionPolicy == DeletionPolicy.Delete;
  }
}
