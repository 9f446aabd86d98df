package dev.slipstream.demo;

import dev.slipstream.operator.SlipstreamOperator;
import dev.slipstream.testkit.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as a process of its own (its {@code Main}, as the image runs it) against the embedded stack's API
 * server: its heap and CPU time are its own, not a share of the JVM that also holds the API server, the stand-ins
 * and the clients. Logs go to {@code target/operator-<name>.log}.
 */
final class OperatorProcess implements AutoCloseable {
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
  private static final Pattern BOOT = Pattern.compile("the JVM's boot of (\\d+) ms");
  private final Process process;
  private final Duration ready;
  private final Duration leading;
  private final Duration boot;

  private static final java.util.regex.Pattern RECONCILIATIONS = java.util.regex.Pattern.compile(
      "(?m)^slipstream_reconciliations_total\\{kind=\"([^\"]+)\",[^}]*\\} (\\S+)$");
  private static final Pattern TOPIC_SHOWN_BUCKETS = Pattern.compile(
      "(?m)^slipstream_topic_shown_seconds_bucket\\{le=\"([^\"]+)\"\\} (\\S+)$");
  private static final Pattern TOPIC_SHOWN_SUM = Pattern.compile("(?m)^slipstream_topic_shown_seconds_sum (\\S+)$");
  private static final Pattern TOPIC_CHANGES = Pattern.compile(
      "(?m)^slipstream_topic_changes_total\\{change=\"([^\"]+)\",outcome=\"([^\"]+)\"\\} (\\S+)$");
  private final int metricsPort;

  private OperatorProcess(Process process, Duration ready, Duration leading, Duration boot, int metricsPort) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.ready = ready;
    this.leading = leading;
    this.boot = boot;
  }

  /**
   * Starts it and waits until it answers {@code /readyz} and, with leader election on, holds the Lease.
   *
   * @param name also its HOSTNAME, the start of its leader-election identity
   */
  static OperatorProcess start(EmbeddedStack stack, Map<String, String> settings, String name) {
    try {
      Path dir = Path.of("target");
      Files.createDirectories(dir);
      Path kubeconfig = stack.api.writeKubeconfig(Files.createTempFile("slipstream-bench", ".kubeconfig"), null);
      int port;
      try (var socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx1g", "-XX:+UseG1GC", "-Dlogback.configurationFile=logback-demo.xml"));
      // more options for the operator's JVM only, {name} standing for the process's name, e.g. a flight recording of
      // each: OPERATOR_JVM="-XX:StartFlightRecording=filename=/tmp/operator-{name}.jfr,settings=profile"
      String extra = System.getenv("OPERATOR_JVM");
      if (extra != null && !extra.isBlank()) {
        command.addAll(List.of(extra.trim().replace("{name}", name).split("\\s+")));
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.slipstream.operator.Main"));
      Files.deleteIfExists(dir.resolve("operator-" + name + ".log"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("operator-" + name + ".log").toFile()));
      builder.environment().putAll(settings);
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      builder.environment().put("HOSTNAME", name);
      builder.environment().put("SLIPSTREAM_METRICS_PORT", String.valueOf(port));
      long start = System.nanoTime();
      Process process = ChildProcesses.start(builder);
      HttpClient http = HttpClient.newHttpClient();
      URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
      org.awaitility.Awaitility.await("operator " + name + " ready").atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("operator " + name + " exited: see target/operator-" + name + ".log");
            }
            return http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          });
      Duration ready = Duration.ofNanos(System.nanoTime() - start);
      Duration leading = ready;
      if (!"false".equals(settings.get("SLIPSTREAM_LEADER_ELECTION"))) {
        String namespace = settings.getOrDefault("SLIPSTREAM_LEADER_ELECTION_NAMESPACE", "default");
        org.awaitility.Awaitility.await("operator " + name + " leading").atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> stack.client.leases().inNamespace(namespace)
                .withName(SlipstreamOperator.LEASE_NAME).get().getSpec().getHolderIdentity().startsWith(name + "-"));
        leading = Duration.ofNanos(System.nanoTime() - start);
      }
      Path log = dir.resolve("operator-" + name + ".log");
      Duration boot = org.awaitility.Awaitility.await("operator " + name + " logs its start").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50)).until(() -> {
            Matcher m = BOOT.matcher(Files.readString(log));
            return m.find() ? Duration.ofMillis(Long.parseLong(m.group(1))) : null;
          }, java.util.Objects::nonNull);
      return new OperatorProcess(process, ready, leading, boot, port);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** From the process's start to {@code /readyz} answering 200 (its JVM's boot included). */
  Duration ready() {
    return ready;
  }

  /** From the process's start to holding the Lease; {@link #ready} without leader election. */
  Duration leading() {
    return leading;
  }

  /** The JVM's own boot, until the operator's main() ran: part of {@link #ready} that the operator's code does not choose. */
  Duration boot() {
    return boot;
  }

  /** Its reconciliations so far, by kind of resource (its {@code slipstream_reconciliations_total}, all results). */
  Map<String, Double> reconciliations() {
    return counted(RECONCILIATIONS, m -> m.group(1), 2);
  }

  /** The topic changes it planned so far, by kind and outcome ("create sent", "create skipped"...). */
  Map<String, Double> topicChanges() {
    return counted(TOPIC_CHANGES, m -> m.group(1) + " " + m.group(2), 3);
  }

  /**
   * Its {@code slipstream_topic_shown_seconds} so far: how long after Kafka accepted each create a describe showed the
   * topic, as the histogram's cumulative counts by upper bound (seconds; +Inf last) and, under NaN, the sum.
   */
  Map<Double, Double> topicShown() {
    Map<Double, Double> byBound = new java.util.TreeMap<>(counted(TOPIC_SHOWN_BUCKETS, m -> m.group(1), 2).entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(e -> e.getKey().equals("+Inf") ? Double.POSITIVE_INFINITY
            : Double.parseDouble(e.getKey()), Map.Entry::getValue)));
    counted(TOPIC_SHOWN_SUM, m -> "sum", 1).forEach((k, v) -> byBound.put(Double.NaN, v));
    return byBound;
  }

  /** A counter on its /metrics, summed by the key each line gives; the value is group {@code value}. */
  private Map<String, Double> counted(Pattern line, java.util.function.Function<Matcher, String> key, int value) {
    try {
      String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      Map<String, Double> byKey = new java.util.TreeMap<>();
      Matcher m = line.matcher(text);
      while (m.find()) {
        byKey.merge(key.apply(m), Double.parseDouble(m.group(value)), Double::sum);
      }
      return byKey;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** CPU time the process has used so far. */
  Duration cpu() {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Its heap in use after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), in MiB. */
  double heapAfterGcMiB() {
    jcmd("GC.run");
    Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
    if (!used.find()) {
      throw new IllegalStateException("jcmd GC.heap_info printed no heap use");
    }
    return Long.parseLong(used.group(1)) / 1024.0;
  }

  private String jcmd(String command) {
    try {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(process.pid()), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("jcmd " + command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    ChildProcesses.stop(process);
  }
}
