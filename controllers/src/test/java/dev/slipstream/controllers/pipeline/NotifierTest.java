package dev.slipstream.controllers.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipstream.api.v1alpha1.NotificationSink;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.Examples;
import dev.slipstream.core.port.Notifications;
import dev.slipstream.core.rollout.RolloutDecision;
import dev.slipstream.core.shed.ShedLadder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the notifier hands the sender: which decisions are news, for which sinks, in which encoding. */
class NotifierTest {
  private final List<Notifications.Delivery> sent = new ArrayList<>();
  private final Notifications sender = new Notifications() {
    @Override
    public void send(Delivery delivery) {
      sent.add(delivery);
    }

    @Override
    public List<Sink> operatorSinks() {
      return List.of(new Sink("platform", NotificationSink.Format.CloudEvents, "https://hooks.example.com/platform"));
    }
  };
  private final Notifier notifier = new Notifier(null, sender, null,
      Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));
  private final StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");

  @Test
  void aShedLevelChangeIsSentWithItsLevelsAndActions() {
    ShedStatus status = new ShedStatus();
    status.policy = "fraud-shed";
    status.levelName = "scale-out";
    status.actions = List.of("serving scaled out to 6 replicas");
    notifier.shed(pipeline, new ShedLadder.Change(0, 1, "ConsumerLagHigh",
        "entered level 1/3 'scale-out': consumerLag 60000 > 1000; serving scaled out to 6 replicas"), status);

    assertThat(sent).singleElement().satisfies(d -> {
      assertThat(d.sink()).isEqualTo("platform");
      assertThat(d.contentType()).isEqualTo("application/cloudevents+json");
      JsonNode event = Serialization.unmarshal(d.body(), JsonNode.class);
      assertThat(event.get("type").asText()).isEqualTo("dev.slipstream.shed.ConsumerLagHigh");
      assertThat(event.get("data").get("toLevel").asInt()).isEqualTo(1);
      assertThat(event.get("data").get("severity").asText()).as("a climb is bad news").isEqualTo("warning");
      assertThat(event.get("data").get("actions").get(0).asText()).isEqualTo("serving scaled out to 6 replicas");
    });
  }

  @Test
  void aStepAdvancedIsProgressNotNewsButARollbackIs() {
    RolloutStatus after = new RolloutStatus();
    after.phase = "Canary";
    after.candidate = "fraud-v2";
    after.weight = 25;
    notifier.rollout(pipeline, new RolloutDecision.Event(false, "CanaryStepAdvanced", "canary at 25%"), after);
    assertThat(sent).isEmpty();
    after.phase = "RollingBack";
    after.rollbackReason = "AnalysisFailed";
    notifier.rollout(pipeline, new RolloutDecision.Event(true, "CanaryAnalysisFailed", "consumer lag 12000 > 10000"), after);
    assertThat(sent).singleElement().satisfies(d -> assertThat(Serialization.unmarshal(d.body(), JsonNode.class)
        .get("data").get("rollbackReason").asText()).isEqualTo("AnalysisFailed"));
  }
}
