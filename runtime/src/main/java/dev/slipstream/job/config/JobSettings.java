package dev.slipstream.job.config;

import dev.slipstream.job.Json;
import dev.slipstream.job.features.FeatureSpec;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the job is told, read only from the job contract's {@code slipstream.*} keys (docs/job-contract.md). Every problem is collected and reported together, naming the key, so a FlinkDeployment with a
 * bad key fails at start with one message that says what to fix.
 */
public record JobSettings(
    String namespace,
    String pipeline,
    Role role,
    String bootstrapServers,
    String clientPropertiesDir,
    String consumerGroup,
    List<String> inputTopics,
    String outputTopic,
    String lateTopic,
    String endpoint,
    String modelName,
    Duration maxOutOfOrderness,
    Duration allowedLateness,
    Duration idleTimeout,
    String timestampField,
    String keyField,
    String idField,
    List<FeatureSpec> features,
    int maxInFlight,
    int batchMaxSize,
    Duration batchMaxWait,
    Duration inferenceTimeout,
    int retries,
    String fallbackResult,
    boolean exactlyOnce,
    String controlDir,
    int metricsPort,
    ReplayRange replay) implements Serializable {

  public static final String PREFIX = "slipstream.";

  /**
   * primary: the pipeline's job. shadow: the candidate on the live input, writing to the shadow topic. replay: the
   * candidate on a bounded range of the retained input ({@link ReplayRange}), writing to the replay topic, then done.
   */
  public enum Role { primary, shadow, replay }

  public JobSettings {
    inputTopics = List.copyOf(inputTopics);
    features = List.copyOf(features);
  }

  /** Reads the contract from a Flink configuration (or any map holding its keys); other keys are ignored. */
  public static JobSettings from(Map<String, String> conf) {
    Reader r = new Reader(conf);
    String version = r.required("slipstream.contract-version");
    if (version != null && !version.equals("1")) {
      r.problem("slipstream.contract-version", "'" + version + "' is not a contract version this job reads (1)");
    }
    String pipeline = r.required("slipstream.pipeline");
    String namespace = null;
    String name = null;
    if (pipeline != null) {
      int slash = pipeline.indexOf('/');
      if (slash <= 0 || slash == pipeline.length() - 1) {
        r.problem("slipstream.pipeline", "'" + pipeline + "' is not <namespace>/<name>");
      } else {
        namespace = pipeline.substring(0, slash);
        name = pipeline.substring(slash + 1);
      }
    }
    Role role = r.oneOf("slipstream.role", "primary", Role.class);
    String protocol = r.optional("slipstream.serving.protocol", "v2");
    if (!"v2".equals(protocol)) {
      r.problem("slipstream.serving.protocol", "'" + protocol + "' is not a protocol this job speaks (v2)");
    }
    List<FeatureSpec> features = new ArrayList<>();
    String featureText = conf.get("slipstream.features");
    if (featureText != null && !featureText.isBlank()) {
      try {
        features = FeatureSpec.parseAll(featureText);
      } catch (IllegalArgumentException e) {
        r.problem("slipstream.features", e.getMessage());
      }
    }
    String delivery = r.optional("slipstream.output.delivery-guarantee", "exactly-once");
    if (!delivery.equals("exactly-once") && !delivery.equals("at-least-once")) {
      r.problem("slipstream.output.delivery-guarantee", "'" + delivery + "' is neither exactly-once nor at-least-once");
    }
    String fallback = r.optional("slipstream.inference.fallback-result", "{\"decision\":\"review\"}");
    if (!Json.isObject(fallback)) {
      r.problem("slipstream.inference.fallback-result", "is not a JSON object: " + abbreviate(fallback));
    }
    JobSettings settings = new JobSettings(
        namespace, name, role,
        r.required("slipstream.kafka.bootstrap-servers"),
        conf.get("slipstream.kafka.client-properties-dir"),
        r.required("slipstream.kafka.consumer-group"),
        r.list("slipstream.topics.inputs"),
        r.required("slipstream.topics.output"),
        r.required("slipstream.topics.late-events"),
        r.required("slipstream.serving.endpoint"),
        r.required("slipstream.serving.model-name"),
        r.duration("slipstream.event-time.max-out-of-orderness", "5000 ms", false),
        r.duration("slipstream.event-time.allowed-lateness", "60000 ms", false),
        r.duration("slipstream.event-time.idle-timeout", "30000 ms", true),
        r.optional("slipstream.event-time.timestamp-field", "timestamp"),
        conf.get("slipstream.event.key-field"),
        r.optional("slipstream.event.id-field", "id"),
        features,
        r.integer("slipstream.inference.max-in-flight", 64, 1, 10_000),
        r.integer("slipstream.inference.batch.max-size", 1, 1, 4096),
        r.duration("slipstream.inference.batch.max-wait", "5 ms", false),
        r.duration("slipstream.inference.timeout", "500 ms", true),
        r.integer("slipstream.inference.retries", 2, 0, 10),
        fallback,
        // a replay's topic is compared by event id and deleted after: a record written twice changes nothing
        delivery.equals("exactly-once") && role != Role.replay,
        role != Role.primary ? null : conf.get("slipstream.control.dir"),
        r.integer("slipstream.metrics.port", 9400, 0, 65535),
        role == Role.replay ? replayRange(r, conf) : null);
    if (settings.batchMaxWait.compareTo(Duration.ofSeconds(1)) > 0) {
      r.problem("slipstream.inference.batch.max-wait", "may be at most 1000 ms: an event waits this long for its batch");
    }
    if (settings.inputTopics.isEmpty() && r.problems.stream().noneMatch(p -> p.startsWith("slipstream.topics.inputs"))) {
      r.problem("slipstream.topics.inputs", "names no topic");
    }
    if (!r.problems.isEmpty()) {
      throw new IllegalArgumentException("The job contract has " + r.problems.size() + " problem(s): "
          + String.join("; ", r.problems));
    }
    return settings;
  }

  /** Every field of the events that the features read, in the order of {@link #features()}, without repeats. */
  public List<String> featureFields() {
    return features.stream().map(FeatureSpec::field).filter(f -> f != null).distinct().toList();
  }

  /** A stable name for this job's transactions, consumer clients and metrics. */
  public String jobName() {
    return "slipstream-" + namespace + "-" + pipeline + (role == Role.primary ? "" : "-" + role.name());
  }

  public static final String REPLAY_WARM_UP_FROM = "slipstream.replay.warm-up-from";
  public static final String REPLAY_FROM = "slipstream.replay.from";
  public static final String REPLAY_UNTIL = "slipstream.replay.until";

  private static ReplayRange replayRange(Reader r, Map<String, String> conf) {
    String from = r.required(REPLAY_FROM);
    String until = r.required(REPLAY_UNTIL);
    ReplayRange range = new ReplayRange(ReplayRange.parse(REPLAY_WARM_UP_FROM, conf.get(REPLAY_WARM_UP_FROM), r.problems),
        ReplayRange.parse(REPLAY_FROM, from, r.problems), ReplayRange.parse(REPLAY_UNTIL, until, r.problems));
    range.from().forEach((partition, offset) -> {
      Long end = range.until().get(partition);
      if (end == null) {
        r.problem(REPLAY_UNTIL, "has no offset for " + partition + ", which " + REPLAY_FROM + " names");
      } else if (end < offset) {
        r.problem(REPLAY_UNTIL, "ends " + partition + " at " + end + ", before it starts (" + offset + ")");
      }
    });
    range.warmUpFrom().forEach((partition, offset) -> {
      Long start = range.from().get(partition);
      if (start != null && start < offset) {
        r.problem(REPLAY_WARM_UP_FROM, "starts " + partition + " at " + offset + ", after its decisions start (" + start + ")");
      }
    });
    return range;
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static final class Reader {
    private static final Pattern DURATION = Pattern.compile("^\\s*([0-9]+)\\s*(ms|milli|millis|s|sec|secs|min|m|h)?\\s*$");
    private final Map<String, String> conf;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> conf) {
      this.conf = conf;
    }

    void problem(String key, String message) {
      problems.add(key + " " + message);
    }

    String required(String key) {
      String v = conf.get(key);
      if (v == null || v.isBlank()) {
        problem(key, "is missing");
        return null;
      }
      return v.trim();
    }

    String optional(String key, String fallback) {
      String v = conf.get(key);
      return v == null || v.isBlank() ? fallback : v.trim();
    }

    List<String> list(String key) {
      String v = required(key);
      return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    <E extends Enum<E>> E oneOf(String key, String fallback, Class<E> type) {
      String v = optional(key, fallback);
      try {
        return Enum.valueOf(type, v);
      } catch (IllegalArgumentException e) {
        problem(key, "'" + v + "' is not one of " + Arrays.toString(type.getEnumConstants()));
        return Enum.valueOf(type, fallback);
      }
    }

    int integer(String key, int fallback, int min, int max) {
      String v = optional(key, String.valueOf(fallback));
      try {
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
          problem(key, "is " + n + ", outside " + min + ".." + max);
          return fallback;
        }
        return n;
      } catch (NumberFormatException e) {
        problem(key, "'" + v + "' is not a whole number");
        return fallback;
      }
    }

    /** Flink's notation as the operator writes it ({@code 5000 ms}); also 5 s, 2 min, 1 h. */
    Duration duration(String key, String fallback, boolean positive) {
      String v = optional(key, fallback);
      Matcher m = DURATION.matcher(v);
      if (!m.matches()) {
        problem(key, "'" + v + "' is not a duration such as '5000 ms'");
        return Duration.ZERO;
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "ms" : m.group(2);
      Duration d = switch (unit) {
        case "s", "sec", "secs" -> Duration.ofSeconds(n);
        case "min", "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofMillis(n);
      };
      if (positive && d.isZero()) {
        problem(key, "must be longer than 0");
      }
      return d;
    }
  }
}
