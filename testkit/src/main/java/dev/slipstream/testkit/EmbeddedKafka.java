package dev.slipstream.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one), run from the Kafka jars on this
 * JVM's classpath as a child process on loopback. It keeps its ports and data across {@link #stop()} and
 * {@link #start()}, so tests can take Kafka away and bring it back as an outage would.
 */
public final class EmbeddedKafka implements AutoCloseable {
  public static final String SASL_USER = "slipstream";
  public static final String SASL_PASSWORD = "slipstream-test-password";
  private final Path dir;
  private final int brokerPort;
  private final int controllerPort;
  private final int saslPort;
  private final int tlsPort;
  private final TestCertificates certificates;
  private final Path config;
  private Process process;

  /** The system property giving the broker process's heap (default 384m, enough for tests). */
  public static final String HEAP_PROPERTY = "slipstream.kafka.heap";

  private EmbeddedKafka(Path dir) throws IOException {
    this.dir = dir;
    int[] ports = freePorts(4);
    this.brokerPort = ports[0];
    this.controllerPort = ports[1];
    this.saslPort = ports[2];
    this.tlsPort = ports[3];
    this.certificates = TestCertificates.selfSigned(dir, "broker");
    String keystorePassword = certificates.password();
    Path keystore = certificates.keystore();
    this.config = dir.resolve("server.properties");
    Properties p = new Properties();
    p.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
        Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort
            + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + tlsPort),
        Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
            + ",SSL://127.0.0.1:" + tlsPort),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("listener.security.protocol.map",
            "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL"),
        // a TLS listener with a self-signed certificate (made here with keytool): trusted only by a client given it
        Map.entry("listener.name.ssl.ssl.keystore.location", keystore.toString()),
        Map.entry("listener.name.ssl.ssl.keystore.password", keystorePassword),
        Map.entry("listener.name.ssl.ssl.keystore.type", "PKCS12"),
        Map.entry("listener.name.ssl.ssl.key.password", keystorePassword),
        // a listener that asks for a user name and password (SASL PLAIN), for clients with wrong credentials
        Map.entry("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN"),
        Map.entry("listener.name.sasl_plaintext.plain.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + SASL_USER + "=\"" + SASL_PASSWORD + "\";"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("log.dirs", dir.resolve("data").toString()),
        Map.entry("num.partitions", "1"),
        Map.entry("auto.create.topics.enable", "false"),
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "4"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("log.flush.interval.messages", "10000"),
        // thousands of test partitions: small indexes keep the broker's mapped memory small
        Map.entry("log.index.size.max.bytes", "1048576"),
        // a deleted topic's files go at once, not a minute later in the middle of whatever runs then (a bench's next
        // wave): see removingFilesOf
        Map.entry("log.segment.delete.delay.ms", "0"),
        Map.entry("controlled.shutdown.enable", "false")));
    try (var out = Files.newOutputStream(config)) {
      p.store(out, "Slipstream test broker");
    }
    run("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", config.toString());
  }

  /** Formats storage and starts the broker; returns once it answers an AdminClient. */
  public static EmbeddedKafka start() {
    try {
      EmbeddedKafka kafka = new EmbeddedKafka(Files.createTempDirectory("slipstream-kafka"));
      kafka.startProcess();
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** The TLS listener, whose self-signed certificate {@link #tlsCertificatePem()} gives. */
  public String tlsBootstrapServers() {
    return "127.0.0.1:" + tlsPort;
  }

  /** The TLS listener's certificate (PEM), for a client's {@code ssl.truststore.certificates}. */
  public String tlsCertificatePem() {
    return certificates.pem();
  }

  /** The listener that authenticates clients with SASL PLAIN as {@link #SASL_USER} / {@link #SASL_PASSWORD}. */
  public String saslBootstrapServers() {
    return "127.0.0.1:" + saslPort;
  }

  /** Starts the broker again after {@link #stop()}, on the same ports and with the same data. */
  public synchronized void restart() {
    if (process == null || !process.isAlive()) {
      startProcess();
    }
  }

  /** CPU time the broker's process has used so far (zero if it is not running or the system does not say). */
  public synchronized Duration cpu() {
    return process == null ? Duration.ZERO : process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Stops the broker as an outage would (SIGTERM, no controlled shutdown); data stays. */
  public synchronized void stop() {
    ChildProcesses.stop(process);
  }


  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
  }
  /**
   * Moves a consumer group to have read {@code share} (0 to 1) of every partition of {@code topic}, as a
   * consumer that far through its backlog would have committed; the group must have no active members.
   */
  public void commitShare(Admin admin, String group, String topic, double share) {
    try {
      var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, java.util.concurrent.TimeUnit.SECONDS)
          .get(topic).partitions();
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
      partitions.forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
          org.apache.kafka.clients.admin.OffsetSpec.latest()));
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new java.util.HashMap<>();
      admin.listOffsets(latest).all().get(10, java.util.concurrent.TimeUnit.SECONDS).forEach((tp, end) ->
          offsets.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(Math.round(end.offset() * share))));
      admin.alterConsumerGroupOffsets(group, offsets).all().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not move the offsets of group " + group + " on " + topic, e);
    }
  }


  /** The last lines the broker wrote to its log, for a test that wants to say why it failed. */
  /**
   * Whether the broker is still removing the files of deleted topics whose names start with {@code prefix}: a deleted
   * topic's partition directories are renamed to end in {@code -delete} and removed by a background thread. (A topic
   * deleted while the broker was still creating it may leave its directories as they were, never renamed: those
   * stay until a restart and cost no work, so they are not waited for.)
   */
  public boolean removingFilesOf(String prefix) {
    try (var dirs = Files.list(dir.resolve("data"))) {
      return dirs.map(d -> d.getFileName().toString()).anyMatch(d -> d.startsWith(prefix) && d.endsWith("-delete"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve("broker.log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no broker log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stop();
    ChildProcesses.deleteTree(dir);
  }


  private void startProcess() {
    try {
      process = ChildProcesses.start(new ProcessBuilder(command("kafka.Kafka", config.toString()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("Kafka broker on " + bootstrapServers()).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("the broker exited; see " + dir.resolve("broker.log"));
          }
          try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
          }
        });
  }

  private void run(String mainClass, String... args) throws IOException {
    Process p = ChildProcesses.start(new ProcessBuilder(command(mainClass, args)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile())));
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(mainClass + " failed; see " + dir.resolve("format.log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<String> command(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + System.getProperty(HEAP_PROPERTY, "384m"), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-Dlog4j2.level=WARN", "-Dkafka.logs.dir=" + dir.resolve("logs"),
        "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * A Kafka cluster id. Kafka's own generator never starts one with '-', which the storage tool's argument
   * parser would take for an option (a random base64 id does, one time in 64).
   */
  private static String clusterId() {
    return org.apache.kafka.common.Uuid.randomUuid().toString();
  }

  /** Distinct free ports: all sockets stay open until every port is chosen, so the system cannot hand one out twice. */
  private static int[] freePorts(int count) throws IOException {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
  }
}
