package dev.slipstream.operator.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipstream.core.port.LatencySource;
import dev.slipstream.core.slo.LatencyQueries;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Latency, error rate and request count of a model version from Prometheus's HTTP API (instant queries).
 * A query that fails, times out, or returns no sample or NaN is no data, never an exception: the rollout's
 * noData policy decides what that means.
 */
public final class PrometheusLatencySource implements LatencySource {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusLatencySource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String defaultAddress;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param defaultAddress the operator-wide Prometheus base URL, or null/empty when there is none
   * @param timeout how long one query may take
   */
  public PrometheusLatencySource(String defaultAddress, Duration timeout) {
    this.defaultAddress = defaultAddress == null || defaultAddress.isBlank() ? null : defaultAddress.trim();
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public boolean configured(Target target) {
    return address(target) != null;
  }

  @Override
  public Sample measure(Target target) {
    String address = address(target);
    if (address == null) {
      return Sample.NO_DATA;
    }
    LatencyQueries q = target.queries();
    Double p99 = query(address, render(q.p99LatencyMs(), target));
    Double errors = query(address, render(q.errorRatePercent(), target));
    Double requests = query(address, render(q.requests(), target));
    return new Sample(p99, errors, requests == null ? null : Math.round(requests));
  }

  @Override
  public Double backlog(Target target, String side) {
    String address = address(target);
    return address == null ? null : query(address, LatencyQueries.backlog(target.subject(), side, target.window()));
  }

  private String address(Target target) {
    return target.address() != null ? target.address() : defaultAddress;
  }

  private static String render(String template, Target t) {
    return LatencyQueries.render(template, t.subject(), t.window());
  }

  /** The first sample's value of an instant query at {@code address}, or null (never throws). */
  public Double query(String address, String promql) {
    String url = address.replaceAll("/+$", "") + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        LOG.warn("Prometheus at {} answered {} to {}: {}", address, response.statusCode(), promql, abbreviate(response.body()));
        return null;
      }
      JsonNode result = JSON.readTree(response.body()).path("data").path("result");
      if (!result.isArray() || result.isEmpty()) {
        return null;
      }
      double value = Double.parseDouble(result.get(0).path("value").get(1).asText());
      return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    } catch (IOException | RuntimeException e) {
      LOG.warn("Prometheus at {} did not answer {}: {}", address, promql, e.toString());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String abbreviate(String s) {
    return s == null || s.length() < 300 ? s : s.substring(0, 300) + "...";
  }
}
