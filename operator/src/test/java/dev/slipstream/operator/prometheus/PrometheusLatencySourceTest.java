package dev.slipstream.operator.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where queries may go: redirects not followed, pipeline addresses only on allowed hosts, bounded log excerpts. */
class PrometheusLatencySourceTest {
  private HttpServer server;

  /** A Prometheus stand-in on loopback answering every query with {@code 42}, counting the requests it got. */
  private String prometheus(AtomicInteger asked) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/query", exchange -> {
      asked.incrementAndGet();
      byte[] body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[0,\"42\"]}]}}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.createContext("/redirect/api/v1/query", exchange -> {
      exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/query?query=up");
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aRedirectIsNotFollowed() throws IOException {
    AtomicInteger asked = new AtomicInteger();
    String url = prometheus(asked);
    assertThat(new PrometheusLatencySource(url, Duration.ofSeconds(2)).query("up")).as("the healthy twin").isEqualTo(42.0);
    assertThat(asked).hasValue(1);
    assertThat(new PrometheusLatencySource(url + "/redirect", Duration.ofSeconds(2)).query("up")).isNull();
    assertThat(asked).as("the redirect's target was never asked").hasValue(1);
  }

  @Test
  void aPipelineAddressIsAllowedOnlyOnAListedHostAndNeverWithCredentials() {
    var none = new PrometheusLatencySource("", PrometheusSources.none(), Set.of(), Duration.ofSeconds(1));
    assertThat(none.refuses(null, "http://prometheus.monitoring:9090")).get().asString()
        .contains("host 'prometheus.monitoring' is not among the hosts it allows a pipeline to name (none)");
    assertThat(none.refuses(null, null)).isEmpty();
    assertThat(none.refuses("secure", null)).get().asString().contains("source 'secure' is not a Prometheus source");

    var listed = new PrometheusLatencySource("", PrometheusSources.none(), Set.of("prometheus.monitoring"), Duration.ofSeconds(1));
    assertThat(listed.refuses(null, "http://prometheus.monitoring:9090")).isEmpty();
    assertThat(listed.refuses(null, "http://169.254.169.254/latest/meta-data/")).isPresent();
    assertThat(listed.refuses(null, "http://admin:hunter2@prometheus.monitoring:9090")).as("credentials in the URL").isPresent();

    var any = new PrometheusLatencySource("", PrometheusSources.none(), Set.of("*"), Duration.ofSeconds(1));
    assertThat(any.refuses(null, "http://169.254.169.254/")).isEmpty();
  }

  @Test
  void whatAServerAnswersIsLoggedOnlyAsAShortExcerptWithoutControlCharacters() {
    String forged = "denied\n2026-12-01 INFO operator: all is well" + "x".repeat(500);
    String excerpt = PrometheusLatencySource.excerpt(forged);
    assertThat(excerpt).doesNotContain("\n").startsWith("denied 2026-12-01").hasSizeLessThanOrEqualTo(203);
  }
}
