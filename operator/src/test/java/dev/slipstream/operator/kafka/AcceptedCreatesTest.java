package dev.slipstream.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.port.TopicAction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcceptedCreatesTest {
  private static final long S = 1_000_000_000L;
  private static final TopicAction EVENTS = new TopicAction.Create("events", 3, 1, Map.of());
  private static final TopicAction SCORES = new TopicAction.Create("scores", 3, 1, Map.of());

  /** The creates of both topics sent at 100 s; Kafka refused {@code refused}. */
  private static AcceptedCreates sentAt100(Map<String, String> refused) {
    AcceptedCreates accepted = new AcceptedCreates(Duration.ofSeconds(30));
    accepted.sent(List.of(EVENTS, SCORES), refused, 100 * S);
    return accepted;
  }

  @Test
  void aCreateAcceptedWithinTheWindowIsNotSentAgain() {
    assertThat(sentAt100(Map.of()).unsent(List.of(EVENTS, SCORES), 129 * S)).isEmpty();
  }

  @Test
  void aCreateAcceptedBeforeTheWindowIsSentAgain() {
    AcceptedCreates accepted = sentAt100(Map.of());
    assertThat(accepted.unsent(List.of(EVENTS), 131 * S)).containsExactly(EVENTS);
    assertThat(accepted.unsent(List.of(EVENTS), 101 * S)).as("forgotten once it expired").containsExactly(EVENTS);
  }

  @Test
  void aRefusedCreateIsSentAgainBesideAnAcceptedOne() {
    assertThat(sentAt100(Map.of("scores", "Kafka refused to create topic scores: policy")).unsent(List.of(EVENTS, SCORES), 101 * S))
        .containsExactly(SCORES);
  }

  @Test
  void otherChangesOfAnAcceptedTopicAreSent() {
    TopicAction raise = new TopicAction.IncreasePartitions("events", 3, 6);
    TopicAction configs = new TopicAction.SetConfigs("events", Map.of("retention.ms", "1000"));
    assertThat(sentAt100(Map.of()).unsent(List.of(EVENTS, raise, configs), 101 * S)).containsExactly(raise, configs);
  }

  @Test
  void aTopicDeletedIsCreatedAgainWhenPlanned() {
    AcceptedCreates accepted = sentAt100(Map.of());
    accepted.forget(List.of("events"));
    assertThat(accepted.unsent(List.of(EVENTS, SCORES), 101 * S)).containsExactly(EVENTS);
  }

  @Test
  void aTopicSeenIsCreatedAgainWhenPlannedAndSaysWhenItsCreateWasAccepted() {
    AcceptedCreates accepted = sentAt100(Map.of());
    assertThat(accepted.seen(List.of("events", "never-sent"), 101 * S)).as("only the accepted one, with its time")
        .containsExactly(Map.entry("events", 100 * S));
    assertThat(accepted.unsent(List.of(EVENTS, SCORES), 101 * S)).containsExactly(EVENTS);
    assertThat(accepted.seen(List.of("events"), 102 * S)).as("told once").isEmpty();
  }

  @Test
  void aBrokerThatShowsTopicsSlowlyIsNotSentTheirCreatesAgainWhileItWorks() {
    AcceptedCreates accepted = sentAt100(Map.of());
    accepted.sent(List.of(new TopicAction.Create("late", 3, 1, Map.of())), Map.of(), 100 * S);
    accepted.seen(List.of("events"), 160 * S);
    assertThat(accepted.window(160 * S)).as("twice the 60 s the slowest took").isEqualTo(Duration.ofSeconds(120));
    assertThat(accepted.unsent(List.of(SCORES), 190 * S)).as("beyond 30 s, within the window").isEmpty();
    assertThat(accepted.unsent(List.of(SCORES), 221 * S)).containsExactly(SCORES);
  }

  @Test
  void theWindowStaysAtItsMinimumWhileTopicsShowQuicklyAndForgetsASlowOneLater() {
    AcceptedCreates accepted = sentAt100(Map.of());
    accepted.seen(List.of("events"), 105 * S);
    assertThat(accepted.window(105 * S)).isEqualTo(Duration.ofSeconds(30));
    assertThat(accepted.unsent(List.of(SCORES), 131 * S)).containsExactly(SCORES);

    accepted.sent(List.of(EVENTS), Map.of(), 1_000 * S);
    accepted.seen(List.of("events"), 1_400 * S);
    assertThat(accepted.window(1_400 * S)).as("at most five minutes").isEqualTo(Duration.ofMinutes(5));
    assertThat(accepted.window(2_001 * S)).as("a wait older than ten minutes no longer counts").isEqualTo(Duration.ofSeconds(30));
  }
}
