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
  private final TestCertificates tls;
  private final String user;
  private final String password;
  private Process process;

  private EmbeddedPrometheus(int... targets) throws IOException {
    this(null, null, targets);
  }

  /** @param user with {@code password}: serve over TLS (a self-signed certificate) and ask for basic auth; null: plain */
  private EmbeddedPrometheus(String user, String password, int... targets) throws IOException {
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
    this.user = user;
    this.password = password;
    if (user != null) {
      this.tls = TestCertificates.selfSigned(dir, "prometheus");
      // Prometheus's web config: TLS with that certificate, and one basic-auth user (it takes only bcrypt hashes)
      Files.writeString(dir.resolve("web.yml"), """
          tls_server_config:
            cert_file: %s
            key_file: %s
          basic_auth_users:
            %s: '%s'
          """.formatted(tls.certificatePem(), tls.keyPem(), user, org.mindrot.jbcrypt.BCrypt.hashpw(password,
          org.mindrot.jbcrypt.BCrypt.gensalt(4))));
    } else {
      this.tls = null;
    }
  }

  /**
   * A Prometheus that serves only over TLS, with a self-signed certificate ({@link #certificates()}), and answers
   * only requests with basic auth as {@code user} / {@code password}.
   */
  public static EmbeddedPrometheus startSecured(String user, String password, int... targets) {
    try {
      EmbeddedPrometheus prometheus = new EmbeddedPrometheus(user, password, targets);
      prometheus.restart();
      return prometheus;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The TLS certificate of a secured Prometheus (null for a plain one). */
  public TestCertificates certificates() {
    return tls;
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
    return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
  }

  public synchronized void restart() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(binary,
          "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
      if (tls != null) {
        command.add("--web.config.file=" + dir.resolve("web.yml"));
      }
      process = ChildProcesses.start(new ProcessBuilder(command)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("prometheus.log").toFile())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpClient http = tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls.trusting()).build();
    String auth = user == null ? null : "Basic " + java.util.Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    await("Prometheus on " + url()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("prometheus exited; see " + dir.resolve("prometheus.log"));
          }
          HttpRequest.Builder ready = HttpRequest.newBuilder(URI.create(url() + "/-/ready"));
          if (auth != null) {
            ready.header("Authorization", auth);
          }
          return http.send(ready.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
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
