package dev.slipstream.core.slo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PromQL for a version's latency, error rate and request count, from templates with the placeholders
 * {@code {{namespace}}}, {@code {{pipeline}}}, {@code {{model}}} and {@code {{version}}} (the model's name and
 * version as the model server reports them: the ModelVersion's modelName and version), {@code {{modelVersion}}}
 * (the ModelVersion's own name) and {@code {{interval}}}. Substituted values are escaped as PromQL string
 * contents, so a resource name can never close a quoted label value and inject query text; the interval is
 * always written by Slipstream.
 *
 * <p>The default templates read the metrics the job contract asks every job to export, per model version that
 * answered: {@code slipstream_inference_latency_seconds} (histogram) and {@code slipstream_inference_requests_total}
 * (counter with {@code outcome="ok"|"error"}), labelled {@code namespace}, {@code pipeline}, {@code model},
 * {@code model_version}. The job takes model and version from each answer, so they are what the server says.
 */
public record LatencyQueries(String p99LatencyMs, String errorRatePercent, String requests) {
  /** A version's answers to the pipeline's jobs: the live one and a shadow, not a replay (its load is not the live one). */
  private static final String SELECTOR =
      "namespace=\"{{namespace}}\",pipeline=\"{{pipeline}}\",role!=\"replay\",model=\"{{model}}\",model_version=\"{{version}}\"";
  public static final LatencyQueries DEFAULT = new LatencyQueries(
      "1000 * histogram_quantile(0.99, sum by (le) (rate(slipstream_inference_latency_seconds_bucket{" + SELECTOR
          + "}[{{interval}}])))",
      // a version that never failed has no error series at all: that is 0%, not missing data
      "100 * (sum(rate(slipstream_inference_requests_total{" + SELECTOR + ",outcome=\"error\"}[{{interval}}])) or vector(0))"
          + " / sum(rate(slipstream_inference_requests_total{" + SELECTOR + "}[{{interval}}]))",
      "sum(increase(slipstream_inference_requests_total{" + SELECTOR + "}[{{interval}}]))");
  private static final String TRITON = "namespace=\"{{namespace}}\",model=\"{{model}}\",version=\"{{version}}\"";
  /**
   * Triton's per model and version metrics: failures and successes are counted apart, and the p99 comes from its
   * latency summary (tritonserver --metrics-config summary_latencies=true), the worst of the replicas'.
   */
  public static final LatencyQueries TRITON_PRESET = new LatencyQueries(
      "max(nv_inference_request_summary_us{" + TRITON + ",quantile=\"0.99\"}) / 1000",
      "100 * (sum(rate(nv_inference_request_failure{" + TRITON + "}[{{interval}}])) or vector(0))"
          + " / (sum(rate(nv_inference_request_success{" + TRITON + "}[{{interval}}]))"
          + " + (sum(rate(nv_inference_request_failure{" + TRITON + "}[{{interval}}])) or vector(0)))",
      "sum(increase(nv_inference_request_success{" + TRITON + "}[{{interval}}]))"
          + " + (sum(increase(nv_inference_request_failure{" + TRITON + "}[{{interval}}])) or vector(0))");
  private static final String REVISION = "namespace_name=\"{{namespace}}\",revision_name=\"{{revision}}\"";
  /** Knative's queue-proxy in front of the version's KServe revision: latency in ms, responses by code class. */
  public static final LatencyQueries KSERVE_PRESET = new LatencyQueries(
      "histogram_quantile(0.99, sum by (le) (rate(revision_app_request_latencies_bucket{" + REVISION + "}[{{interval}}])))",
      "100 * (sum(rate(revision_app_request_count{" + REVISION + ",response_code_class=\"5xx\"}[{{interval}}])) or vector(0))"
          + " / sum(rate(revision_app_request_count{" + REVISION + "}[{{interval}}]))",
      "sum(increase(revision_app_request_count{" + REVISION + "}[{{interval}}]))");

  /** rate() needs at least two scrapes in its window; shorter windows are widened to this. */
  public static final Duration MIN_WINDOW = Duration.ofSeconds(10);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(namespace|pipeline|model|version|modelVersion|revision|interval)}}");

  /**
   * Whose figures a query asks for.
   *
   * @param model the model's name as the server reports it (the ModelVersion's spec.modelName)
   * @param version the model's version as the server reports it (the ModelVersion's spec.version)
   * @param modelVersion the ModelVersion's name
   * @param revision the KServe revision serving it, or null where there is none (or it is not known yet)
   */
  public record Subject(String namespace, String pipeline, String model, String version, String modelVersion,
      String revision) {
    public Subject(String namespace, String pipeline, String model, String version, String modelVersion) {
      this(namespace, pipeline, model, version, modelVersion, null);
    }
  }

  /**
   * The events the pipeline's job had routed to the subject's version on one side of a canary split by key
   * ({@code stable} or {@code candidate}) and not yet decided, on average over the window: the job's own gauge
   * {@code slipstream_routed_in_flight}, summed over its processes. Not a template: whatever serves the model, the
   * job reports it.
   */
  public static String backlog(Subject subject, String side, Duration window) {
    return render("sum(avg_over_time(slipstream_routed_in_flight{namespace=\"{{namespace}}\",pipeline=\"{{pipeline}}\","
        + "role=\"primary\",route=\"" + escape(side) + "\",model_version=\"{{version}}\"}[{{interval}}]))", subject, window);
  }

  /** These templates with any user template put in place of the default. */
  public LatencyQueries overriddenBy(String p99, String errors, String count) {
    return new LatencyQueries(p99 != null ? p99 : p99LatencyMs, errors != null ? errors : errorRatePercent,
        count != null ? count : requests);
  }

  public static String render(String template, Subject subject, Duration window) {
    Duration w = window.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : window;
    Map<String, String> values = new LinkedHashMap<>();
    values.put("namespace", escape(subject.namespace()));
    values.put("pipeline", escape(subject.pipeline()));
    values.put("model", escape(subject.model()));
    values.put("version", escape(subject.version()));
    values.put("modelVersion", escape(subject.modelVersion()));
    values.put("revision", escape(subject.revision()));
    values.put("interval", w.toSeconds() + "s");
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The contents of a PromQL double-quoted string: backslash, quote and line breaks escaped. */
  static String escape(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : (value == null ? "" : value).toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
