package dev.slipstream.core.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.KafkaConnection;
import dev.slipstream.api.v1alpha1.KafkaConnection.TopicManagement;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.StreamingPipelineSpec;
import dev.slipstream.api.v1alpha1.StreamingPipelineSpec.DeletionPolicy;
import org.junit.jupiter.api.Test;

class TopicCleanupTest {
  private static StreamingPipeline pipeline(DeletionPolicy policy, TopicManagement management) {
    StreamingPipeline p = new StreamingPipeline();
    p.setSpec(new StreamingPipelineSpec());
    p.getSpec().deletionPolicy = policy;
    p.getSpec().kafka = new KafkaConnection();
    p.getSpec().kafka.topicManagement = management;
    return p;
  }

  @Test
  void retainWithAdminTopicsLeavesNothingToDoOnDeletion() {
    assertThat(TopicCleanup.needsFinalizer(pipeline(DeletionPolicy.Retain, TopicManagement.ADMIN))).isFalse();
    assertThat(TopicCleanup.needsFinalizer(new StreamingPipeline())).as("no spec").isFalse();
  }

  @Test
  void deleteOrStrimziNeedTheFinalizer() {
    assertThat(TopicCleanup.needsFinalizer(pipeline(DeletionPolicy.Delete, TopicManagement.ADMIN))).isTrue();
    assertThat(TopicCleanup.needsFinalizer(pipeline(DeletionPolicy.Retain, TopicManagement.STRIMZI))).isTrue();
  }
}
