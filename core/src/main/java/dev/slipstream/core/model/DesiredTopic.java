package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A topic as the pipeline declares it. */
public record DesiredTopic(String name, Role role, int partitions, int replicationFactor, Map<String, String> configs) {
  public enum Role {
    INPUT("input"),
    OUTPUT("output"),
    LATE_EVENTS("late-events");

    public final String wireName;

    Role(String wireName) {
      this.wireName = wireName;
    }
  }

  public DesiredTopic {
    configs = Map.copyOf(new TreeMap<>(configs));
  }

  /** Every topic of a pipeline: its inputs, its output and its late-events topic (default {@code <output>.late}). */
  public static List<DesiredTopic> of(StreamingPipeline pipeline) {
    var topics = pipeline.getSpec().topics;
    List<DesiredTopic> all = new ArrayList<>();
    for (TopicSpec input : topics.inputs) {
      all.add(from(input, Role.INPUT));
    }
    all.add(from(topics.output, Role.OUTPUT));
    all.add(from(lateEvents(pipeline), Role.LATE_EVENTS));
    return all;
  }

  public static TopicSpec lateEvents(StreamingPipeline pipeline) {
    var topics = pipeline.getSpec().topics;
    if (topics.lateEvents != null) {
      return topics.lateEvents;
    }
    TopicSpec late = new TopicSpec(topics.output.name + ".late", topics.output.partitions, topics.output.replicationFactor);
    late.config = new TreeMap<>(topics.output.config == null ? Map.of() : topics.output.config);
    return late;
  }

  private static DesiredTopic from(TopicSpec spec, Role role) {
    return new DesiredTopic(spec.name, role, spec.partitions, spec.replicationFactor,
        spec.config == null ? Map.of() : spec.config);
  }
}
