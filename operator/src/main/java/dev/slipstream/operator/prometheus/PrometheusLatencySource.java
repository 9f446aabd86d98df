package dev.slipstream.operator.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipstream.core.port.LatencySource;
import dev.slipstream.core.slo.LatencyQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Latency, error rate and request count of a model version from Prometheus's HTTP API (instant queries), at the
 * operator's default URL, a source its admin declared (with its credentials and CA), or a pipeline's own address
 * on a host the admin allowed. Redirects are never followed. A query that fails, times out, or returns no sample
 * or NaN is no data, never an exception: the rollout's noData policy decides what that means. What a server
 * answers reaches the log only as a short excerpt with control characters removed, and never status or Events.
 */
public final class PrometheusLatencySource implements LatencySource {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusLatencySource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXCERPT = 200;
  private final PrometheusSources.Source defaultSource;
  private final PrometheusSources sources;
  private final Set<String> allowedHosts;
  private final Duration timeout;
  private final HttpClient freeHttp;

  /** The operator's default Prometheus only: no named sources, no pipeline addresses. */
  public PrometheusLatencySource(String defaultAddress, Duration timeout) {
    this(defaultAddress, PrometheusSources.none(), Set.of(), timeout);
  }

  /**
   * @param defaultAddress the operator-wide Prometheus base URL, or null/empty when there is none
   * @param sources the sources the admin declared
   * @param allowedHosts hosts a pipeline's own address may name ({@code *}: any); empty: none
   * @param timeout how long one query may take
   */
  public PrometheusLatencySource(String defaultAddress, PrometheusSources sources, Set<String> allowedHosts, Duration timeout) {
    this.timeout = timeout;
    this.sources = sources;
    this.allowedHosts = Set.copyOf(allowedHosts);
    this.freeHttp = PrometheusSources.client(null, timeout);
    this.defaultSource = defaultAddress == null || defaultAddress.isBlank() ? null
        : new PrometheusSources.Source("default", URI.create(defaultAddress.trim()), null, freeHttp);
  }

  @Override
  public Optional<String> refuses(String source, String address) {
    if (source != null && sources.get(source).isEmpty()) {
      return Optional.of("spec.rollout.analysis.prometheus.source '" + source + "' is not a Prometheus source of this"
          + " operator; " + declared());
    }
    if (address != null && !allowed(address)) {
      return Optional.of("spec.rollout.analysis.prometheus.address: this operator queries only the Prometheus its"
          + " admin declared, and host '" + host(address) + "' is not among the hosts it allows a pipeline to name ("
          + (allowedHosts.isEmpty() ? "none" : String.join(", ", allowedHosts.stream().sorted().toList()))
          + "); " + declared());
    }
    return Optional.empty();
  }

  private String declared() {
    return sources.names().isEmpty() ? "name none and use the operator's default (--prometheus-url)"
        : "name one in spec.rollout.analysis.prometheus.source: " + String.join(", ", sources.names());
  }

  private boolean allowed(String address) {
    String host = host(address);
    return host != null && (allowedHosts.contains("*") || allowedHosts.contains(host.toLowerCase(Locale.ROOT)))
        && URI.create(address).getUserInfo() == null;
  }

  private static String host(String address) {
    try {
      return URI.create(address).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public boolean configured(Target target) {
    return resolve(target) != null;
  }

  @Override
  public Sample measure(Target target) {
    PrometheusSources.Source source = resolve(target);
    if (source == null) {
      return Sample.NO_DATA;
    }
    LatencyQueries q = target.queries();
    Double p99 = query(source, render(q.p99LatencyMs(), target));
    Double errors = query(source, render(q.errorRatePercent(), target));
    Double requests = query(source, render(q.requests(), target));
    return new Sample(p99, errors, requests == null ? null : Math.round(requests));
  }

  @Override
  public Double backlog(Target target, String side) {
    PrometheusSources.Source source = resolve(target);
    return source == null ? null : query(source, LatencyQueries.backlog(target.subject(), side, target.window()));
  }

  /** Where a target's queries go; null when nowhere (also for what {@link #refuses} refuses). */
  private PrometheusSources.Source resolve(Target target) {
    if (target.source() != null) {
      return sources.get(target.source()).orElse(null);
    }
    if (target.address() != null) {
      return allowed(target.address())
          ? new PrometheusSources.Source("address", URI.create(target.address()), null, freeHttp) : null;
    }
    return defaultSource;
  }

  private static String render(String template, Target t) {
    return LatencyQueries.render(template, t.subject(), t.window());
  }

  /** The first sample's value of an instant query at the operator's default Prometheus, or null (never throws). */
  public Double query(String promql) {
    return defaultSource == null ? null : query(defaultSource, promql);
  }

  private Double query(PrometheusSources.Source source, String promql) {
    String url = source.url().toString().replaceAll("/+$", "") + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
      source.authorization().ifPresent(value -> request.header("Authorization", value));
      HttpResponse<String> response = source.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        LOG.warn("Prometheus source {} ({}) answered {} to {}: {}", source.name(), source.url(), response.statusCode(),
            promql, excerpt(response.body()));
        return null;
      }
      JsonNode result = JSON.readTree(response.body()).path("data").path("result");
      if (!result.isArray() || result.isEmpty()) {
        return null;
      }
      double value = Double.parseDouble(result.get(0).path("value").get(1).asText());
      return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    } catch (UncheckedIOException e) {
      LOG.warn("Prometheus source {}: {}", source.name(), e.getMessage());
      return null;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Prometheus source {} ({}) did not answer {}: {}", source.name(), source.url(), promql, e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** At most 200 characters of what a server answered, with control characters (log forging) replaced. */
  static String excerpt(String body) {
    if (body == null) {
      return "";
    }
    String cut = body.length() > EXCERPT ? body.substring(0, EXCERPT) + "..." : body;
    return cut.replaceAll("\\p{Cntrl}", " ");
  }
}
