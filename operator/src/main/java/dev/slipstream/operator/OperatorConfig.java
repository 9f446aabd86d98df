package dev.slipstream.operator;

import dev.slipstream.core.model.OperatorDefaults;
import dev.slipstream.core.time.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operator's settings, each from a command-line flag ({@code --name=value}) or an environment variable
 * ({@code SLIPSTREAM_NAME}), else its default. A bad value stops start-up with a message naming the setting.
 */
public record OperatorConfig(
    Set<String> namespaces,
    Duration kafkaApiTimeout,
    Duration resync,
    Duration kafkaRetryMin,
    Duration kafkaRetryMax,
    Duration statusProgressInterval,
    String tritonImage,
    String clusterDomain,
    OperatorDefaults.ResourceCeiling modelCeiling,
    Map<String, String> podMonitorLabels,
    String prometheusUrl,
    String prometheusSources,
    Set<String> prometheusAllowedHosts,
    Duration prometheusTimeout,
    Set<String> notificationAllowedHosts,
    Duration notificationTimeout,
    List<dev.slipstream.operator.notify.HttpNotifications.OperatorSink> notificationSinks,
    int metricsPort,
    boolean leaderElection,
    String leaseNamespace,
    Duration leaseDuration,
    LogFormat logFormat) {

  /** Every setting: flag name, environment variable, default and what it does (docs/operations.md lists them, checked against this). */
  public enum Setting {
    NAMESPACES("namespaces", "", "Namespaces to watch, comma-separated; empty watches all."),
    KAFKA_API_TIMEOUT("kafka-api-timeout", "10s", "How long one batched Kafka AdminClient call may take before Kafka counts as unavailable."),
    RESYNC("resync", "60s", "How often each pipeline is looked at without any event (refreshes lag, repairs drift)."),
    KAFKA_RETRY_MIN("kafka-retry-min", "2s", "First retry delay while Kafka is unreachable or topics are being created (the delay grows with the time it lasts; for topics being created, to 10s at most, and 30s, only a fallback, while the operator's watch of the cluster will tell when they show)."),
    KAFKA_RETRY_MAX("kafka-retry-max", "60s", "Largest retry delay while Kafka stays unreachable."),
    STATUS_PROGRESS_INTERVAL("status-progress-interval", "10s", "How long a status change that is only progress may wait, to be written with the next: a new pipeline's first status while its parts are being created, a Provisioning pipeline's progress when its status says something to act on (progress of parts on their way waits a minute, or this if longer), the pipelines a ModelVersion serves (while one of them has no status yet: up to a minute, or this if longer); Ready, failures and every other change are written at once."),
    TRITON_IMAGE("triton-image", OperatorDefaults.STANDARD.tritonImage(), "tritonserver image for ModelVersions that name none."),
    CLUSTER_DOMAIN("cluster-domain", OperatorDefaults.STANDARD.clusterDomain(), "DNS suffix of Services in endpoints."),
    MAX_MODEL_CPU("max-model-cpu", OperatorDefaults.ResourceCeiling.STANDARD.cpu(), "The most CPU one model replica may ask for; a ModelVersion above it is not served (ModelVersionInvalid)."),
    MAX_MODEL_MEMORY("max-model-memory", OperatorDefaults.ResourceCeiling.STANDARD.memory(), "The most memory one model replica may ask for."),
    MAX_MODEL_GPUS("max-model-gpus", String.valueOf(OperatorDefaults.ResourceCeiling.STANDARD.gpus()), "The most GPUs one model replica may ask for."),
    JOB_POD_MONITOR_LABELS("job-pod-monitor-labels", "", "Labels of the PodMonitor written beside each pipeline's job when the Prometheus Operator's CRD is installed, name=value comma-separated, so that its Prometheus selects it (e.g. release=kube-prometheus-stack)."),
    PROMETHEUS_URL("prometheus-url", "", "Prometheus base URL for rollout latency and error-rate checks; empty: those are not judged unless a pipeline names a source."),
    PROMETHEUS_SOURCES("prometheus-sources", "", "YAML file of the Prometheus sources pipelines may name (name, url, bearer token or basic-auth files, CA file); the chart renders it from values prometheus.sources. Empty: none."),
    PROMETHEUS_ALLOWED_HOSTS("prometheus-allowed-hosts", "", "Hosts a pipeline's own spec.rollout.analysis.prometheus.address may name, comma-separated; * allows any. Empty (default): pipelines name a source or use --prometheus-url."),
    PROMETHEUS_TIMEOUT("prometheus-timeout", "5s", "How long one Prometheus query may take before it counts as no data."),
    NOTIFICATION_ALLOWED_HOSTS("notification-allowed-hosts", "*", "Hosts a pipeline's notification sinks may be on, comma-separated; * (default) allows any host except loopback, link-local (cloud metadata) and unspecified addresses, which only a host named here allows."),
    NOTIFICATION_TIMEOUT("notification-timeout", "5s", "How long one notification delivery attempt may take; a failed attempt is retried up to 5 times with backoff."),
    NOTIFICATION_SINKS("notification-sinks", "", "Sinks told about every pipeline besides its own, comma-separated name:format:file (format CloudEvents or Slack; the file holds the URL and is read at each notification); the chart mounts the Secrets of operator.notifications. Empty: none."),
    METRICS_PORT("metrics-port", "8080", "Port of /metrics, /healthz and /readyz; 0 picks a free one."),
    LEADER_ELECTION("leader-election", "true", "true: several replicas may run and only the holder of the Lease slipstream-operator acts; false: this process acts alone."),
    LEADER_ELECTION_NAMESPACE("leader-election-namespace", "", "Namespace of the Lease; empty: the operator's own namespace."),
    LEASE_DURATION("lease-duration", "15s", "How long a Lease holds without renewal; a standby takes over after it."),
    LOG_FORMAT("log-format", "text", "text: one readable line per event; json: one JSON object per line (JSON Lines) with the namespace and name of the resource being reconciled.");

    public final String flag;
    public final String defaultValue;
    public final String description;

    Setting(String flag, String defaultValue, String description) {
      this.flag = flag;
      this.defaultValue = defaultValue;
      this.description = description;
    }

    public String env() {
      return "SLIPSTREAM_" + name();
    }
  }

  public OperatorDefaults defaults() {
    return new OperatorDefaults(tritonImage, clusterDomain, modelCeiling, podMonitorLabels);
  }

  /** Settings from flags first, then the environment, then defaults. */
  public static OperatorConfig from(String[] args, Map<String, String> env) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("argument '" + arg + "' is not of the form --name=value; settings: "
            + Arrays.stream(Setting.values()).map(s -> "--" + s.flag).collect(Collectors.joining(", ")));
      }
      String name = arg.substring(2, arg.indexOf('='));
      if (Arrays.stream(Setting.values()).noneMatch(s -> s.flag.equals(name))) {
        throw new IllegalArgumentException("unknown setting --" + name + "; settings: "
            + Arrays.stream(Setting.values()).map(s -> "--" + s.flag).collect(Collectors.joining(", ")));
      }
      flags.put(name, arg.substring(arg.indexOf('=') + 1));
    }
    Function<Setting, String> value = s -> flags.getOrDefault(s.flag, env.getOrDefault(s.env(), s.defaultValue));
    Duration retryMin = duration(Setting.KAFKA_RETRY_MIN, value);
    Duration retryMax = duration(Setting.KAFKA_RETRY_MAX, value);
    if (retryMin.compareTo(retryMax) > 0) {
      throw new IllegalArgumentException("--kafka-retry-min (" + retryMin + ") must not exceed --kafka-retry-max (" + retryMax + ")");
    }
    return new OperatorConfig(
        list(value.apply(Setting.NAMESPACES)),
        duration(Setting.KAFKA_API_TIMEOUT, value),
        duration(Setting.RESYNC, value),
        retryMin,
        retryMax,
        duration(Setting.STATUS_PROGRESS_INTERVAL, value),
        nonBlank(Setting.TRITON_IMAGE, value),
        nonBlank(Setting.CLUSTER_DOMAIN, value),
        ceiling(value),
        labels(Setting.JOB_POD_MONITOR_LABELS, value),
        prometheusUrl(value.apply(Setting.PROMETHEUS_URL).trim()),
        value.apply(Setting.PROMETHEUS_SOURCES).trim(),
        list(value.apply(Setting.PROMETHEUS_ALLOWED_HOSTS)),
        duration(Setting.PROMETHEUS_TIMEOUT, value),
        list(value.apply(Setting.NOTIFICATION_ALLOWED_HOSTS)),
        duration(Setting.NOTIFICATION_TIMEOUT, value),
        sinks(value.apply(Setting.NOTIFICATION_SINKS)),
        port(Setting.METRICS_PORT, value),
        bool(Setting.LEADER_ELECTION, value),
        value.apply(Setting.LEADER_ELECTION_NAMESPACE).trim(),
        duration(Setting.LEASE_DURATION, value),
        logFormat(value));
  }

  private static OperatorDefaults.ResourceCeiling ceiling(Function<Setting, String> value) {
    String cpu = value.apply(Setting.MAX_MODEL_CPU).trim();
    String memory = value.apply(Setting.MAX_MODEL_MEMORY).trim();
    for (var s : List.of(Map.entry(Setting.MAX_MODEL_CPU, cpu), Map.entry(Setting.MAX_MODEL_MEMORY, memory))) {
      try {
        OperatorDefaults.ResourceCeiling.amount(s.getValue());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + s.getKey().flag + " (" + s.getKey().env() + "): " + e.getMessage(), e);
      }
    }
    String gpus = value.apply(Setting.MAX_MODEL_GPUS).trim();
    try {
      return new OperatorDefaults.ResourceCeiling(cpu, memory, Integer.parseInt(gpus));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--max-model-gpus (SLIPSTREAM_MAX_MODEL_GPUS) '" + gpus + "' is not a number", e);
    }
  }

  private static final java.util.regex.Pattern LABEL_NAME =
      java.util.regex.Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final java.util.regex.Pattern LABEL_VALUE =
      java.util.regex.Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  /** name=value pairs, comma-separated, each a valid Kubernetes label. */
  private static Map<String, String> labels(Setting s, Function<Setting, String> value) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : value.apply(s).trim().split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
      String v = eq < 0 ? null : pair.substring(eq + 1).trim();
      if (v == null || !LABEL_NAME.matcher(name).matches() || !LABEL_VALUE.matcher(v).matches()) {
        throw new IllegalArgumentException("--" + s.flag + " (" + s.env() + "): '" + pair.trim()
            + "' is not a label name=value (names and values as Kubernetes labels take them)");
      }
      labels.put(name, v);
    }
    return Map.copyOf(labels);
  }

  private static List<dev.slipstream.operator.notify.HttpNotifications.OperatorSink> sinks(String text) {
    List<dev.slipstream.operator.notify.HttpNotifications.OperatorSink> sinks = new java.util.ArrayList<>();
    for (String entry : text.trim().split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.trim().split(":", 3);
      dev.slipstream.api.v1alpha1.NotificationSink.Format format = parts.length < 3 ? null
          : Arrays.stream(dev.slipstream.api.v1alpha1.NotificationSink.Format.values())
              .filter(f -> f.name().equals(parts[1])).findFirst().orElse(null);
      if (parts.length < 3 || !parts[0].matches(dev.slipstream.api.v1alpha1.ApiGroup.DNS_LABEL_PATTERN) || format == null || parts[2].isBlank()) {
        throw new IllegalArgumentException("--notification-sinks (SLIPSTREAM_NOTIFICATION_SINKS): '" + entry.trim()
            + "' is not name:format:file (a DNS label, CloudEvents or Slack, the file holding the URL)");
      }
      sinks.add(new dev.slipstream.operator.notify.HttpNotifications.OperatorSink(parts[0], format,
          java.nio.file.Path.of(parts[2])));
    }
    return List.copyOf(sinks);
  }

  private static Set<String> list(String text) {
    return Arrays.stream(text.trim().split(",")).map(String::trim).filter(n -> !n.isEmpty())
        .map(n -> n.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  /** How log lines are written. */
  public enum LogFormat { TEXT, JSON }

  private static LogFormat logFormat(Function<Setting, String> value) {
    String text = value.apply(Setting.LOG_FORMAT).trim();
    return switch (text) {
      case "text" -> LogFormat.TEXT;
      case "json" -> LogFormat.JSON;
      default -> throw new IllegalArgumentException("--log-format (SLIPSTREAM_LOG_FORMAT) '" + text + "' must be text or json");
    };
  }

  private static Duration duration(Setting s, Function<Setting, String> value) {
    try {
      Duration d = Durations.parse(value.apply(s));
      if (d.isZero()) {
        throw new IllegalArgumentException("must be more than 0");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + s.flag + " (" + s.env() + "): " + e.getMessage(), e);
    }
  }

  private static boolean bool(Setting s, Function<Setting, String> value) {
    String text = value.apply(s).trim();
    if (!text.equals("true") && !text.equals("false")) {
      throw new IllegalArgumentException("--" + s.flag + " (" + s.env() + ") '" + text + "' must be true or false");
    }
    return Boolean.parseBoolean(text);
  }

  private static int port(Setting s, Function<Setting, String> value) {
    String text = value.apply(s).trim();
    try {
      int port = Integer.parseInt(text);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + s.flag + " (" + s.env() + ") '" + text + "' is not a port (0 to 65535)", e);
    }
  }

  private static String prometheusUrl(String url) {
    if (!url.isEmpty() && !url.matches("^https?://[^\\s]+$")) {
      throw new IllegalArgumentException("--prometheus-url (SLIPSTREAM_PROMETHEUS_URL) '" + url
          + "' is not an http(s) URL such as http://prometheus.monitoring:9090");
    }
    return url;
  }

  private static String nonBlank(Setting s, Function<Setting, String> value) {
    String v = value.apply(s);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + s.flag + " (" + s.env() + ") must not be empty");
    }
    return v.trim();
  }
}
