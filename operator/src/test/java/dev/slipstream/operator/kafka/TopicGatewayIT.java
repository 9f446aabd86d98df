package dev.slipstream.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.core.port.TopicAction;
import dev.slipstream.core.port.TopicGateway;
import dev.slipstream.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared topic gateway against a real broker: what it tells of each planned change, and of topics that show. */
class TopicGatewayIT {
  private static EmbeddedKafka kafka;
  private static final List<String> heard = new CopyOnWriteArrayList<>();
  private static AdminClientKafkaAccess access;
  private static TopicGateway topics;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    access = new AdminClientKafkaAccess(Duration.ofSeconds(10), new TopicChanges() {
      @Override
      public void counted(TopicAction action, Outcome outcome) {
        heard.add(TopicChanges.kind(action) + " " + action.topic() + " " + outcome);
      }

      @Override
      public void shown(String topic, long nanosAfterAccepted) {
        heard.add("shown " + topic + (nanosAfterAccepted > 0 ? " after its create" : " before its create"));
      }
    });
    topics = access.connect(Map.of("bootstrap.servers", kafka.bootstrapServers())).topics();
  }

  @AfterAll
  static void stop() {
    access.close();
    kafka.stop();
  }

  @Test
  void aCreateKafkaJustAcceptedIsCountedAsSkippedAndNotSentAgainUntilTheTopicIsSeen() {
    heard.clear();
    TopicAction create = new TopicAction.Create("accepted-once", 2, 1, Map.of());
    assertThat(topics.apply(List.of(create))).isEmpty();
    assertThat(heard).containsExactly("create accepted-once SENT");
    long requests = access.requestsSent();
    assertThat(topics.apply(List.of(create))).isEmpty();
    assertThat(heard).as("planned again before a describe shows it").endsWith("create accepted-once SKIPPED");
    assertThat(access.requestsSent()).as("nothing sent to Kafka").isEqualTo(requests);

    // the twin: once a describe shows the topic, a create planned again (someone deleted it, say) is sent
    await().atMost(Duration.ofSeconds(30)).until(() -> topics.describe(List.of("accepted-once"), List.of())
        .containsKey("accepted-once"));
    heard.clear();
    assertThat(topics.apply(List.of(create))).as("a topic that exists is no refusal").isEmpty();
    assertThat(heard).containsExactly("create accepted-once SENT");
  }

  @Test
  void aWaiterIsToldWhenItsAcceptedTopicShowsAndOneWaitingForATopicNeverCreatedIsNot() {
    List<String> told = new CopyOnWriteArrayList<>();
    topics.whenVisible("ns/never", List.of("never-created"), List.of(), () -> told.add("ns/never"));
    TopicAction create = new TopicAction.Create("shown-soon", 1, 1, Map.of("retention.ms", "60000"));
    assertThat(topics.apply(List.of(create))).isEmpty();
    topics.whenVisible("ns/soon", List.of("shown-soon"), List.of("retention.ms"), () -> told.add("ns/soon"));
    await().atMost(Duration.ofSeconds(30)).until(() -> told.contains("ns/soon"));
    assertThat(told).as("looked at in the same describes").containsExactly("ns/soon");
    assertThat(heard).as("how long it took to show, told once").containsOnlyOnce("shown shown-soon after its create");
    // the other waiter now waits for a topic that shows: told at the next look, after which nobody waits
    topics.whenVisible("ns/never", List.of("shown-soon"), List.of("retention.ms"), () -> told.add("ns/never, replaced"));
    await().atMost(Duration.ofSeconds(30)).until(() -> told.contains("ns/never, replaced"));
    long requests = access.requestsSent();
    assertThat(topics.describe(List.of("shown-soon"), List.of("retention.ms")))
        .as("described as the watch saw it").hasEntrySatisfying("shown-soon",
            t -> assertThat(t.configs()).containsEntry("retention.ms", "60000"));
    assertThat(access.requestsSent()).as("the describe just after is answered without Kafka").isEqualTo(requests);
  }

  @Test
  void aRefusedCreateIsCountedAsRefusedAndSentAgainWhenPlannedAgain() {
    heard.clear();
    TopicAction bad = new TopicAction.Create("refused-create", 1, 1, Map.of("cleanup.policy", "sideways"));
    assertThat(topics.apply(List.of(bad))).containsKey("refused-create");
    assertThat(topics.apply(List.of(bad))).containsKey("refused-create");
    assertThat(heard).containsExactly("create refused-create REFUSED", "create refused-create REFUSED");
  }
}
