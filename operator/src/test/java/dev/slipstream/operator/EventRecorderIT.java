package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.controllers.common.EventRecorder;
import dev.slipstream.testkit.TestApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events against the test API server: a repeat raises the count of the Event already there, as Kubernetes' recorder does. */
class EventRecorderIT {
  @Test
  void theSameEventAgainRaisesItsCountAnotherMessageIsAnotherEvent() {
    try (TestApiServer api = TestApiServer.startWithAllCrds(); var client = api.client();
        var operatorClient = api.newClient(OperatorFixture.OPERATOR_AGENT)) {
      ConfigMap about = client.resource(new ConfigMapBuilder().withNewMetadata().withName("p").withNamespace("events")
          .endMetadata().build()).create();
      var clock = new java.util.concurrent.atomic.AtomicReference<>(Instant.parse("2026-12-02T10:00:00Z"));
      EventRecorder events = new EventRecorder(operatorClient, new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return clock.get();
        }
      });
      events.warning(about, "KafkaUnavailable", "Kafka at kafka:9092 is unreachable");
      clock.set(clock.get().plusSeconds(30));
      events.warning(about, "KafkaUnavailable", "Kafka at kafka:9092 is unreachable");
      clock.set(clock.get().plusSeconds(30));
      events.warning(about, "KafkaUnavailable", "Kafka at kafka:9092 is unreachable");
      events.normal(about, "Ready", "Topics exist");

      List<Event> all = client.v1().events().inNamespace("events").list().getItems().stream()
          .sorted(Comparator.comparing(Event::getReason)).toList();
      assertThat(all).extracting(Event::getReason, Event::getCount)
          .as("three of the same: one Event counted 3; a different one beside it")
          .containsExactly(org.assertj.core.groups.Tuple.tuple("KafkaUnavailable", 3), org.assertj.core.groups.Tuple.tuple("Ready", 1));
      assertThat(all.get(0).getFirstTimestamp()).isEqualTo("2026-12-02T10:00:00Z");
      assertThat(all.get(0).getLastTimestamp()).isEqualTo("2026-12-02T10:01:00Z");

      // the Event expired (the API server removes them after an hour): the next repeat creates a new one
      client.v1().events().inNamespace("events").withName(all.get(0).getMetadata().getName()).delete();
      events.warning(about, "KafkaUnavailable", "Kafka at kafka:9092 is unreachable");
      assertThat(client.v1().events().inNamespace("events").list().getItems())
          .filteredOn(e -> "KafkaUnavailable".equals(e.getReason())).singleElement()
          .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
      // and past the aggregation window, the same words are a new occurrence
      clock.set(clock.get().plus(java.time.Duration.ofMinutes(11)));
      events.warning(about, "KafkaUnavailable", "Kafka at kafka:9092 is unreachable");
      assertThat(client.v1().events().inNamespace("events").list().getItems())
          .filteredOn(e -> "KafkaUnavailable".equals(e.getReason())).hasSize(2);
      OperatorFixture.recordApiCalls(api); // the chart's RBAC must grant what the recorder sends (RbacIT)
    }
  }
}
