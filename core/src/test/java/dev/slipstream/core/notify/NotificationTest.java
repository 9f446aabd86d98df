package dev.slipstream.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.api.v1alpha1.NotificationSink;
import dev.slipstream.core.json.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTest {
  private static final Notification ROLLED_BACK = new Notification("a1b2", "payments", "fraud-scoring", "rollout",
      "RolledBack", "all traffic on fraud-v1; fraud-v2 rolled back: candidate p99 latency 412ms > 250ms", true,
      Instant.parse("2026-12-02T10:00:00Z"), Map.of("phase", "RolledBack", "candidate", "fraud-v2", "weight", 0));

  @Test
  void aCloudEventCarriesTheRequiredAttributesAndTheDecisionAsData() throws Exception {
    JsonNode event = Json.MAPPER.readTree(ROLLED_BACK.encode(NotificationSink.Format.CloudEvents));
    assertThat(event.get("specversion").asText()).isEqualTo("1.0");
    assertThat(event.get("id").asText()).isEqualTo("a1b2");
    assertThat(event.get("source").asText()).isEqualTo("/apis/slipstream.dev/v1alpha1/namespaces/payments/streamingpipelines/fraud-scoring");
    assertThat(event.get("type").asText()).isEqualTo("dev.slipstream.rollout.RolledBack");
    assertThat(event.get("time").asText()).isEqualTo("2026-12-02T10:00:00Z");
    assertThat(event.get("data").get("severity").asText()).isEqualTo("warning");
    assertThat(event.get("data").get("candidate").asText()).isEqualTo("fraud-v2");
    assertThat(event.get("data").get("weight").asInt()).isZero();
    assertThat(ROLLED_BACK.contentType(NotificationSink.Format.CloudEvents)).isEqualTo("application/cloudevents+json");
  }

  @Test
  void aSlackMessageIsOneLineOfText() throws Exception {
    JsonNode message = Json.MAPPER.readTree(ROLLED_BACK.encode(NotificationSink.Format.Slack));
    assertThat(message.get("text").asText()).isEqualTo(":warning: *payments/fraud-scoring* RolledBack: all traffic on"
        + " fraud-v1; fraud-v2 rolled back: candidate p99 latency 412ms > 250ms");
    assertThat(message.size()).isEqualTo(1);
  }

  @Test
  void progressIsNotNewsButEveryEndIs() {
    assertThat(Notification.rolloutNews("RolledBack")).isTrue();
    assertThat(Notification.rolloutNews("ApprovalRequired")).isTrue();
    assertThat(Notification.rolloutNews("UnknownRolloutCommand")).isFalse();
  }
}
