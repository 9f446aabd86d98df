package dev.slipstream.operator.metrics;

import dev.slipstream.core.port.TopicAction;
import dev.slipstream.operator.kafka.TopicChanges;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * {@code slipstream_topic_changes_total{change, outcome}}: the topic changes the operator sent to Kafka, the ones
 * Kafka refused, and the creates it did not send again because Kafka had accepted them moments before. What the
 * operator asks of the Kafka controller, for an SRE who sees its load.
 */
public final class TopicChangeMetrics implements TopicChanges {
  private final Counter changes;

  public TopicChangeMetrics(PrometheusRegistry registry) {
    changes = Counter.builder().name("slipstream_topic_changes_total")
        .help("Topic changes by kind (create, partitions, configs) and outcome (sent, refused, skipped)")
        .labelNames("change", "outcome").register(registry);
  }

  @Override
  public void counted(TopicAction action, Outcome outcome) {
    changes.labelValues(TopicChanges.kind(action), outcome.name().toLowerCase(Locale.ROOT)).inc();
  }
}
