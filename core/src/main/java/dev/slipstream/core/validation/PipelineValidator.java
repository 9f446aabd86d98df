package dev.slipstream.core.validation;

import dev.slipstream.api.v1alpha1.ApiGroup;
import dev.slipstream.api.v1alpha1.FlinkJobSpec;
import dev.slipstream.api.v1alpha1.KafkaConnection;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.TopicSpec;
import dev.slipstream.core.model.DesiredTopic;
import dev.slipstream.core.model.Names;
import dev.slipstream.core.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a StreamingPipeline must satisfy before anything is changed for it. The CRD schema refuses most of
 * this at admission; the operator checks again because a cluster may run without CEL or hold objects from
 * before a rule existed. Each message names the field and the fix.
 */
public final class PipelineValidator {
  /** Owned objects are named after the pipeline; KServe and Flink add suffixes and Services allow 63. */
  public static final int MAX_NAME = 45;

  private PipelineValidator() {}

  // compiled once: every reconcile validates its pipeline
  private static final java.util.regex.Pattern TOPIC_NAME = java.util.regex.Pattern.compile("^[a-zA-Z0-9._-]{1,249}$");
  private static final java.util.regex.Pattern TOPIC_CONFIG_KEY = java.util.regex.Pattern.compile("^[a-z0-9]+(\\.[a-z0-9]+)*$");
  private static final java.util.regex.Pattern URL_WITH_CREDENTIALS =
      java.util.regex.Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*@.*");

  public static List<String> validate(StreamingPipeline pipeline) {
    List<String> problems = new ArrayList<>();
    String name = pipeline.getMetadata().getName();
    if (name.length() > MAX_NAME || !Names.isDnsLabel(name)) {
      problems.add("metadata.name '" + name + "' must be a DNS label of at most " + MAX_NAME
          + " characters starting with a letter, because the InferenceService and FlinkDeployment take its name");
    }
    var spec = pipeline.getSpec();
    if (spec == null) {
      problems.add("spec is missing");
      return problems;
    }
    if (spec.notifications != null) {
      Set<String> sinks = new HashSet<>();
      for (var sink : spec.notifications) {
        if (sink.name != null && !sinks.add(sink.name)) {
          problems.add("spec.notifications[].name '" + sink.name + "' is given twice: each sink needs its own name, which"
              + " names it in the delivery metric");
        }
      }
    }
    if (spec.kafka == null || blank(spec.kafka.bootstrapServers)) {
      problems.add("spec.kafka.bootstrapServers is required: host:port of the Kafka brokers");
    } else if (spec.kafka.topicManagement == KafkaConnection.TopicManagement.STRIMZI && blank(spec.kafka.strimziCluster)) {
      problems.add("spec.kafka.strimziCluster is required with topicManagement strimzi: name the Strimzi Kafka cluster");
    }
    if (spec.topics == null || spec.topics.inputs == null || spec.topics.inputs.isEmpty() || spec.topics.output == null) {
      problems.add("spec.topics needs at least one input topic and an output topic");
    } else {
      Set<String> seen = new HashSet<>();
      for (DesiredTopic topic : DesiredTopic.of(pipeline)) {
        if (!seen.add(topic.name())) {
          problems.add("topic '" + topic.name() + "' is declared twice in spec.topics; each role needs its own topic");
        }
      }
      List<TopicSpec> all = new ArrayList<>(spec.topics.inputs);
      all.add(spec.topics.output);
      if (spec.topics.lateEvents != null) {
        all.add(spec.topics.lateEvents);
      }
      for (TopicSpec t : all) {
        if (t.name == null || !TOPIC_NAME.matcher(t.name).matches() || t.name.equals(".") || t.name.equals("..")) {
          problems.add("topic name '" + t.name + "' is not a Kafka topic name (letters, digits, '.', '_', '-', at most 249)");
        } else if (t.name.startsWith("__")) {
          problems.add("topic name '" + t.name + "': names starting with __ are Kafka's own (__consumer_offsets,"
              + " __transaction_state); Slipstream does not manage them");
        }
        if (t.partitions == null || t.partitions < 1) {
          problems.add("spec.topics '" + t.name + "' partitions must be at least 1");
        }
        if (t.replicationFactor == null || t.replicationFactor < 1) {
          problems.add("spec.topics '" + t.name + "' replicationFactor must be at least 1");
        }
        if (t.config != null) {
          t.config.keySet().stream().filter(k -> !TOPIC_CONFIG_KEY.matcher(k).matches())
              .forEach(k -> problems.add("spec.topics '" + t.name + "' config key '" + k
                  + "' is not a Kafka topic-level name such as retention.ms or cleanup.policy"));
        }
      }
    }
    if (spec.flink == null) {
      problems.add("spec.flink is required: the job image and jarURI");
    } else {
      var eventTime = spec.flink.eventTime;
      if (eventTime != null) {
        bounded(problems, "spec.flink.eventTime.maxOutOfOrderness", eventTime.maxOutOfOrderness, Duration.ZERO,
            Duration.ofHours(24), "every result waits that long for the watermark");
        bounded(problems, "spec.flink.eventTime.allowedLateness", eventTime.allowedLateness, Duration.ZERO,
            Duration.ofDays(7), "every window's state is kept that long; correct older events with a batch backfill");
        bounded(problems, "spec.flink.eventTime.idleTimeout", eventTime.idleTimeout, Duration.ofSeconds(1),
            Duration.ofHours(24), "shorter marks busy partitions idle, longer holds the watermark back for a day");
      }
      if (spec.flink.flinkConfiguration != null) {
        spec.flink.flinkConfiguration.keySet().stream().filter(k -> k.startsWith("slipstream."))
            .forEach(k -> problems.add("spec.flink.flinkConfiguration key '" + k
                + "' is reserved for the job contract; remove it (the operator sets slipstream.* keys)"));
        spec.flink.flinkConfiguration.keySet().stream()
            .filter(k -> SPEC_OWNED_KEYS.contains(k) || k.startsWith("kubernetes.pod-template-file"))
            .forEach(k -> problems.add("spec.flink.flinkConfiguration key '" + k + "' is set from the spec's own fields"
                + " or by the operator (image, service account, parallelism, jar, memory, CPU, pod template); set the"
                + " field in spec.flink instead"));
      }
      if (spec.flink.serviceAccount != null && !spec.flink.serviceAccount.matches(ApiGroup.OBJECT_NAME_PATTERN)) {
        problems.add("spec.flink.serviceAccount '" + spec.flink.serviceAccount + "' is not a Kubernetes object name"
            + " (lower case letters, digits, '-' and '.')");
      }
    }
    if (spec.features != null) {
      features(spec.features, problems);
    }
    if (spec.inference != null) {
      bounded(problems, "spec.inference.timeout", spec.inference.timeout, Duration.ofMillis(1), Duration.ofSeconds(60),
          "an event waits at most this for its answer and holds back the events behind it");
      var batch = spec.inference.batch;
      if (batch != null) {
        bounded(problems, "spec.inference.batch.maxWait", batch.maxWait, Duration.ZERO, Duration.ofSeconds(1),
            "every event in a batch waits up to this long before it is sent");
        if (batch.maxWait != null && spec.inference.timeout != null && parses(batch.maxWait) && parses(spec.inference.timeout)
            && Durations.parse(batch.maxWait).compareTo(Durations.parse(spec.inference.timeout)) >= 0) {
          problems.add("spec.inference.batch.maxWait (" + batch.maxWait + ") must be shorter than spec.inference.timeout ("
              + spec.inference.timeout + "): an event waiting that long for its batch would always time out");
        }
      }
      if (spec.inference.fallbackResult != null && !jsonObject(spec.inference.fallbackResult)) {
        problems.add("spec.inference.fallbackResult must be a JSON object, for example {\"decision\": \"review\"}; "
            + "the job writes it as the result of an event that got no answer");
      }
    }
    if (spec.rollout != null) {
      rollout(spec.rollout, problems);
    }
    if (spec.serving == null || spec.serving.modelVersionRef == null || blank(spec.serving.modelVersionRef.name)) {
      problems.add("spec.serving.modelVersionRef.name is required: the ModelVersion to serve");
    }
    return problems;
  }

  private static void rollout(dev.slipstream.api.v1alpha1.RolloutSpec rollout, List<String> problems) {
    if (rollout.canary != null) {
      List<Integer> steps = rollout.canary.steps;
      for (int i = 1; steps != null && i < steps.size(); i++) {
        if (steps.get(i) <= steps.get(i - 1)) {
          problems.add("spec.rollout.canary.steps " + steps + " must rise strictly, for example [5, 25, 50, 100]");
          break;
        }
      }
      List<Integer> approvals = rollout.canary.approvals;
      if (approvals != null && steps != null && !steps.containsAll(approvals)) {
        problems.add("every weight in spec.rollout.canary.approvals " + approvals + " must be one of canary.steps " + steps
            + ": an approval holds the canary before it moves to that step");
      }
      bounded(problems, "spec.rollout.canary.interval", rollout.canary.interval, Duration.ofSeconds(5), Duration.ofHours(1),
          "a shorter check sees too few events to judge a version, a longer one leaves a bad version serving for hours");
    }
    bounded(problems, "spec.rollout.progressDeadline", rollout.progressDeadline, Duration.ofSeconds(10), Duration.ofHours(24),
        "a rollout must have time for one check, and a stuck one must not hold the pipeline for days");
    if (rollout.shadow != null) {
      bounded(problems, "spec.rollout.shadow.duration", rollout.shadow.duration, Duration.ofSeconds(10), Duration.ofDays(7),
          "long enough to compare predictions, short enough that a shadow ends");
    }
    var replay = rollout.replay;
    if (replay != null) {
      if (replay.window == null && replay.maxEvents == null) {
        problems.add("spec.rollout.replay needs a window, a maxEvents, or both: which retained events to replay");
      }
      if (replay.window != null) {
        bounded(problems, "spec.rollout.replay.window", replay.window, Duration.ofSeconds(10), Duration.ofDays(7),
            "a recent stretch of the retained input");
      }
      bounded(problems, "spec.rollout.replay.deadline", replay.deadline, Duration.ofSeconds(30), Duration.ofHours(24),
          "long enough for a replay to run, short enough that a stuck one ends");
    }
    var prometheus = rollout.analysis == null ? null : rollout.analysis.prometheus;
    if (prometheus != null) {
      if (prometheus.address != null && URL_WITH_CREDENTIALS.matcher(prometheus.address).matches()) {
        problems.add("spec.rollout.analysis.prometheus.address may not carry credentials (they would live in Git): the"
            + " operator's admin declares a source with them (Helm values prometheus.sources) and the pipeline names it"
            + " in source");
      }
      if (prometheus.address != null && prometheus.source != null) {
        problems.add("spec.rollout.analysis.prometheus: give source or address, not both");
      }
      placeholdersQuoted(problems, "spec.rollout.analysis.prometheus.p99LatencyQuery", prometheus.p99LatencyQuery);
      placeholdersQuoted(problems, "spec.rollout.analysis.prometheus.errorRateQuery", prometheus.errorRateQuery);
      placeholdersQuoted(problems, "spec.rollout.analysis.prometheus.requestsQuery", prometheus.requestsQuery);
    }
  }

  private static final java.util.regex.Pattern VALUE_PLACEHOLDER =
      java.util.regex.Pattern.compile("\\{\\{(namespace|pipeline|model|version|modelVersion|revision)}}");

  /**
   * A query's value placeholders must sit inside a PromQL string (a label matcher's quotes): their values are
   * escaped as string contents, so a value outside quotes (a model or pipeline name) would be read as query text.
   */
  static void placeholdersQuoted(List<String> problems, String field, String query) {
    if (query == null) {
      return;
    }
    var m = VALUE_PLACEHOLDER.matcher(query);
    while (m.find()) {
      if (!insideString(query, m.start())) {
        problems.add(field + ": " + m.group() + " at character " + (m.start() + 1) + " is outside quotes; values are "
            + "escaped as PromQL string contents, so put it in a label matcher, for example model=\"" + m.group() + "\"");
        return;
      }
    }
  }

  /** Whether {@code at} lies within a double- or single-quoted PromQL string (backslash escapes honoured). */
  private static boolean insideString(String query, int at) {
    char open = 0;
    for (int i = 0; i < at; i++) {
      char c = query.charAt(i);
      if (open != 0 && c == '\\') {
        i++;
      } else if (open == 0 && (c == '"' || c == '\'')) {
        open = c;
      } else if (c == open) {
        open = 0;
      }
    }
    return open != 0;
  }

  private static void features(dev.slipstream.api.v1alpha1.FeaturesSpec features, List<String> problems) {
    Set<String> names = new HashSet<>();
    for (var d : features.definitions == null ? List.<dev.slipstream.api.v1alpha1.FeaturesSpec.FeatureDefinition>of() : features.definitions) {
      String where = "spec.features.definitions '" + d.name + "'";
      if (d.name == null || !names.add(d.name)) {
        problems.add(where + " is defined twice; each feature needs its own name");
      }
      if (d.aggregate != dev.slipstream.api.v1alpha1.FeaturesSpec.Aggregate.count && blank(d.field)) {
        problems.add(where + ": " + d.aggregate + " needs a field to aggregate");
      }
      try {
        if (Durations.parse(d.size).isZero()) {
          problems.add(where + ": the window size must be longer than 0");
        }
      } catch (IllegalArgumentException e) {
        problems.add(where + " size: " + e.getMessage());
      }
    }
  }

  private static boolean jsonObject(String text) {
    try {
      return dev.slipstream.core.json.Json.MAPPER.readTree(text) instanceof com.fasterxml.jackson.databind.node.ObjectNode;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return false;
    }
  }

  /** The spec.flink.flinkConfiguration keys set from the spec's own fields (the CRD's CEL rule lists the same). */
  static final Set<String> SPEC_OWNED_KEYS = Set.of(FlinkJobSpec.SPEC_OWNED_KEYS.replace("'", "").split(",\\s*"));

  /** A duration within [floor, ceiling], with why the bound exists; a floor of zero means any. */
  static void bounded(List<String> problems, String field, String value, Duration floor, Duration ceiling, String why) {
    try {
      Duration d = Durations.parse(value);
      if (d.compareTo(floor) < 0 || d.compareTo(ceiling) > 0) {
        problems.add(field + " " + value + " must be " + (floor.isZero() ? "at most " + Durations.format(ceiling)
            : "between " + Durations.format(floor) + " and " + Durations.format(ceiling)) + ": " + why);
      }
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
    }
  }

  private static boolean parses(String duration) {
    try {
      Durations.parse(duration);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static void duration(List<String> problems, String field, String value) {
    try {
      Durations.parse(value);
    } catch (IllegalArgumentException e) {
      problems.add(field + ": " + e.getMessage());
    }
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
