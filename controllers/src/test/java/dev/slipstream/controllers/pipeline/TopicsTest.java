package dev.slipstream.controllers.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.Examples;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.port.ConsumerLagSource;
import dev.slipstream.core.port.KafkaAccess;
import dev.slipstream.core.port.ObservedTopic;
import dev.slipstream.core.port.OutputSampleSource;
import dev.slipstream.core.port.ReplaySource;
import dev.slipstream.core.port.TopicAction;
import dev.slipstream.core.port.TopicGateway;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Where a pipeline's consumer group stands is read from Kafka only once its job exists. */
class TopicsTest {
  private final AtomicInteger lagReads = new AtomicInteger();
  private final StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");

  /** A cluster on which every topic the pipeline declares exists as declared. */
  private final KafkaAccess kafka = properties -> new KafkaAccess.KafkaCluster() {
    @Override
    public TopicGateway topics() {
      return new TopicGateway() {
        @Override
        public Map<String, ObservedTopic> describe(Collection<String> names, Collection<String> configKeys) {
          Map<String, ObservedTopic> found = new HashMap<>();
          for (DesiredTopic t : DesiredTopic.of(pipeline)) {
            Map<String, String> configs = new HashMap<>(t.configs());
            configs.keySet().retainAll(configKeys);
            found.put(t.name(), new ObservedTopic(t.name(), t.partitions(), t.replicationFactor(), configs, "id-" + t.name()));
          }
          found.keySet().retainAll(names);
          return found;
        }

        @Override
        public Map<String, String> apply(List<TopicAction> actions) {
          return Map.of();
        }

        @Override
        public void delete(Map<String, String> idsByName) {}
      };
    }

    @Override
    public ConsumerLagSource lag() {
      return (group, topics) -> {
        lagReads.incrementAndGet();
        return Optional.of(new ConsumerLagSource.Position(12, 30));
      };
    }

    @Override
    public OutputSampleSource outputs() {
      return null;
    }

    @Override
    public ReplaySource replay() {
      return null;
    }
  };

  private final Topics topics = new Topics(new FakeOwned<GenericKubernetesResource>(), new PipelineKafka(null, kafka),
      new dev.slipstream.controllers.common.EventRecorder(null, Clock.systemUTC()), (self, topic) -> List.of(),
      new TopicsShown());

  @Test
  void beforeThePipelinesJobExistsItsLagIsNotRead() {
    Topics.Outcome outcome = topics.reconcile(pipeline, List.of(), false);
    assertThat(outcome.readiness().isReady()).as("the topics are there").isTrue();
    assertThat(outcome.position()).isNull();
    assertThat(lagReads).hasValue(0);
  }

  @Test
  void onceItsJobExistsItsLagIsRead() {
    Topics.Outcome outcome = topics.reconcile(pipeline, List.of(), true);
    assertThat(outcome.lag()).isEqualTo(12L);
    assertThat(lagReads).hasValue(1);
  }
}
