package dev.slipstream.operator.metrics;

import dev.slipstream.core.port.TopicAction;
import dev.slipstream.operator.kafka.TopicChanges;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * {@code slipstream_topic_changes_total{change, outcome}}: the topic changes the operator sent to Kafka, the ones
 * Kafka refused, and the creates it did not send again because Kafka had accepted them moments before. What the
 * operator asks of the Kafka controller, for an SRE who sees its load. {@code slipstream_topic_shown_seconds}: how
 * long after accepting a create Kafka showed the topic to a describe (a pipeline waits that long for its job).
 */
public final class TopicChangeMetrics implements TopicChanges {
  private final Counter changes;
  private final Histogram shown;

  public TopicChangeMetrics(PrometheusRegistry registry) {
    changes = Counter.builder().name("slipstream_topic_changes_total")
        .help("Topic changes by kind (create, partitions, configs) and outcome (sent, refused, skipped)")
        .labelNames("change", "outcome").register(registry);
    shown = Histogram.builder().name("slipstream_topic_shown_seconds")
        .help("Time from Kafka accepting a topic's create to a describe showing the topic")
        .classicOnly().classicUpperBounds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80).register(registry);
  }

  @Override
  public void shown(String topic, long nanosAfterAccepted) {
    shown.observe(nanosAfterAccepted / 1e9);
  }

  @Override
  public void counted(TopicAction action, Outcome outcome) {
    changes.labelValues(TopicChanges.kind(action), outcome.name().toLowerCase(Locale.ROOT)).inc();
  }
}
