package dev.slipstream.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.io.File;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (Debian's {@code prometheus}, or the binary named by PROMETHEUS_BIN) on loopback,
 * scraping the given local ports every second. It keeps its port and data across {@link #stop()} and
 * {@link #restart()}, so a test can take it away as an outage would.
 */
public final class EmbeddedPrometheus implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final String binary;
  private Process process;

  private EmbeddedPrometheus(int... targets) throws IOException {
    this.binary = binary();
    this.dir = Files.createTempDirectory("slipstream-prometheus");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      this.port = s.getLocalPort();
    }
    String targetList = Arrays.stream(targets).mapToObj(p -> "'127.0.0.1:" + p + "'").collect(Collectors.joining(", "));
    Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: models
            static_configs:
              - targets: [%s]
        """.formatted(targetList));
  }

  /** Starts Prometheus scraping {@code 127.0.0.1:<port>/metrics} for each port; returns once it is ready. */
  public static EmbeddedPrometheus start(int... targets) {
    try {
      EmbeddedPrometheus prometheus = new EmbeddedPrometheus(targets);
      prometheus.restart();
      return prometheus;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public synchronized void restart() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      process = ChildProcesses.start(new ProcessBuilder(binary, "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("prometheus.log").toFile())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpClient http = HttpClient.newHttpClient();
    await("Prometheus on " + url()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("prometheus exited; see " + dir.resolve("prometheus.log"));
          }
          return http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
  }

  /** Stops Prometheus as an outage would; its data stays for {@link #restart()}. */
  public synchronized void stop() {
    ChildProcesses.stop(process);
  }


  @Override
  public void close() {
    stop();
    ChildProcesses.deleteTree(dir);
  }


  /** Whether a Prometheus binary is at hand (PROMETHEUS_BIN, or prometheus on the PATH). */
  public static boolean available() {
    try {
      binary();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static String binary() {
    String named = System.getenv("PROMETHEUS_BIN");
    if (named != null && !named.isBlank()) {
      return named;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "prometheus"))) {
        return Path.of(dir, "prometheus").toString();
      }
    }
    throw new IllegalStateException("no prometheus binary: install Debian's (apt-get install prometheus; .ci/run does)"
        + " or set PROMETHEUS_BIN");
  }
}
