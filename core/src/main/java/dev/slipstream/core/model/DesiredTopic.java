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
    LATE_EVENTS("late-events"),
    SHADOW("shadow"),
    REPLAY("replay");

    public final String wireName;

    Role(String wireName) {
      this.wireName = wireName;
    }
  }

  public DesiredTopic {
    configs = Map.copyOf(new TreeMap<>(configs));
  }

  /**
   * Every topic of a pipeline: its inputs, its output, its late-events topic (default {@code <output>.late}) and,
   * when the pipeline declares a shadow phase, the shadow topic (default {@code <output>.shadow}).
   */
  public static List<DesiredTopic> of(StreamingPipeline pipeline) {
    var topics = pipeline.getSpec().topics;
    List<DesiredTopic> all = new ArrayList<>();
    for (TopicSpec input : topics.inputs) {
      all.add(from(input, Role.INPUT));
    }
    all.add(from(topics.output, Role.OUTPUT));
    all.add(from(lateEvents(pipeline), Role.LATE_EVENTS));
    var rollout = pipeline.getSpec().rollout;
    if (rollout != null && rollout.shadow != null) {
      TopicSpec shadow = new TopicSpec(shadowTopic(pipeline), topics.output.partitions, topics.output.replicationFactor);
      shadow.config = topics.output.config;
      all.add(from(shadow, Role.SHADOW));
    }
    if (rollout != null && rollout.replay != null) {
      // one partition is enough for a bounded run; a replay's records are read once, from the offsets its start
      // recorded, so an hour of retention keeps the topic small without a delete and re-create between rollouts
      TopicSpec replay = new TopicSpec(replayTopic(pipeline), 1, topics.output.replicationFactor);
      replay.config = new TreeMap<>(Map.of("retention.ms", String.valueOf(REPLAY_RETENTION_MS)));
      all.add(from(replay, Role.REPLAY));
    }
    return all;
  }

  /** How long the replay topic keeps a replay's records: long enough to read a verdict, and to look at them after. */
  public static final long REPLAY_RETENTION_MS = 3_600_000L;

  /** Where a replay job writes: {@code <output>.replay}. */
  public static String replayTopic(StreamingPipeline pipeline) {
    return pipeline.getSpec().topics.output.name + ".replay";
  }

  /** Where the shadow job writes: spec.rollout.shadow.outputTopic, default {@code <output>.shadow}. */
  public static String shadowTopic(StreamingPipeline pipeline) {
    var rollout = pipeline.getSpec().rollout;
    String declared = rollout == null || rollout.shadow == null ? null : rollout.shadow.outputTopic;
    return declared != null ? declared : pipeline.getSpec().topics.output.name + ".shadow";
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
