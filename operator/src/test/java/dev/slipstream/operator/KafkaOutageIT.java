package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** The broker goes away under a Ready pipeline and comes back: reported, nothing lost, recovered without help. */
class KafkaOutageIT extends WithOperator {
  @Test
  void anOutageIsReportedAsKafkaUnavailableAndThePipelineRecoversWhenTheBrokerReturns() throws Exception {
    env.apply(env.example("fraud-scoring.yaml"));
    StreamingPipeline ready = env.awaitReady("payments", "fraud-scoring", true, "Ready");
    GenericKubernetesResource jobBefore = flinkDeployment();

    env.kafka.stop();
    StreamingPipeline down = env.awaitReady("payments", "fraud-scoring", false, "KafkaUnavailable");
    var topicsReady = Conditions.find(down.getStatus().conditions, "TopicsReady").orElseThrow();
    assertThat(topicsReady.getStatus()).isEqualTo("False");
    assertThat(topicsReady.getReason()).isEqualTo("KafkaUnavailable");
    assertThat(topicsReady.getMessage()).contains(env.kafka.bootstrapServers()).contains("nothing is deleted");
    assertThat(down.getStatus().phase).isEqualTo("Degraded");
    assertThat(down.getStatus().topics).as("the last known topics stay in status").isEqualTo(ready.getStatus().topics);
    assertThat(Conditions.isTrue(down.getStatus().conditions, "ServingReady")).isTrue();
    assertThat(flinkDeployment().getMetadata().getResourceVersion())
        .as("the running Flink job is left alone while Kafka is away")
        .isEqualTo(jobBefore.getMetadata().getResourceVersion());
    assertThat(env.client.v1().events().inNamespace("payments").list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("KafkaUnavailable");
          assertThat(e.getType()).isEqualTo("Warning");
        });

    env.kafka.restart();
    env.awaitReady("payments", "fraud-scoring", true, "Ready");
    try (Admin admin = env.kafka.admin()) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .as("no topic was lost or recreated empty").contains("card-transactions", "fraud-scores", "fraud-scores.late");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(env.pipeline("payments", "fraud-scoring").getStatus().consumerLag).isZero());
    assertThat(env.pipeline("payments", "fraud-scoring").getStatus().phase).isEqualTo("Ready");
    dev.slipstream.testkit.Reliability.record("Faults", "the Kafka broker stopped under a Ready pipeline, then restarted",
        "KafkaUnavailable reported with backoff, nothing deleted or recreated, Ready again by itself");
  }

  private static GenericKubernetesResource flinkDeployment() {
    return env.client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment")
        .inNamespace("payments").withName("fraud-scoring").get();
  }
}
