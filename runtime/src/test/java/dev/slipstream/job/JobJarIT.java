package dev.slipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.job.batch.ExportLine;
import dev.slipstream.testkit.ExampleContract;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar the image carries (target/slipstream-job.jar) runs beside nothing but Flink's own jars: it holds the
 * job, the Kafka connector and client and a relocated Jackson, and no Flink; a bad contract stops it with the
 * contract's message; and it runs a real bounded job (training features from a file export) to the end.
 */
class JobJarIT {
  private static final Path JAR = Path.of("target", "slipstream-job.jar");

  @Test
  void theJarHoldsTheJobAndWhatFlinkDoesNotShip() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.slipstream.job.ScoringJob");
      List<String> entries = jar.stream().map(e -> e.getName()).toList();
      assertThat(entries).contains("dev/slipstream/job/ScoringJob.class", "dev/slipstream/job/TrainingFeatures.class",
          "org/apache/flink/connector/kafka/source/KafkaSource.class",
          "org/apache/kafka/clients/consumer/KafkaConsumer.class",
          "dev/slipstream/job/shaded/jackson/databind/ObjectMapper.class",
          "io/prometheus/metrics/exporter/httpserver/HTTPServer.class");
      assertThat(entries).as("Flink is the image's").doesNotContain(
          "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class");
      assertThat(entries).as("Jackson relocated").noneMatch(e -> e.startsWith("com/fasterxml/jackson/"));
    }
  }

  @Test
  void aBadContractStopsTheJobWithTheContractsMessage() throws Exception {
    Result r = run("dev.slipstream.job.ScoringJob", List.of("--slipstream.contract-version", "1"));
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("The job contract has").contains("slipstream.topics.output is missing");
  }

  @Test
  void itRunsABoundedJobToTheEnd(@TempDir Path work) throws Exception {
    Path export = work.resolve("export.jsonl");
    long t = System.currentTimeMillis() - 60_000;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String card = "card-" + (i % 3);
      lines.add(ExportLine.of("card-transactions", 0, i, t + i, card, "{\"txn_id\":\"j" + i + "\",\"card_id\":\"" + card
          + "\",\"amount\":" + i + ",\"merchant\":\"m\",\"event_time\":" + (t + i) + "}"));
    }
    Files.write(export, lines);
    List<String> args = new ArrayList<>();
    Map<String, String> contract = ExampleContract.fraud("jar", "127.0.0.1:9", "http://127.0.0.1:9");
    contract.forEach((k, v) -> {
      args.add("--" + k);
      args.add(v);
    });
    args.addAll(List.of("--input-file", export.toUri().toString(), "--output", work.resolve("rows").toUri().toString()));
    Result r = run("dev.slipstream.job.TrainingFeatures", args);
    assertThat(r.exit()).as(r.output()).isZero();
    List<String> rows;
    try (Stream<Path> files = Files.list(work.resolve("rows"))) {
      rows = files.filter(f -> f.getFileName().toString().startsWith("rows")).flatMap(f -> {
        try {
          return Files.readAllLines(f).stream();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
    assertThat(rows).hasSize(20).allSatisfy(row -> assertThat(row).contains("\"kind\":\"features\""));
    assertThat(rows).anySatisfy(row -> assertThat(row).contains("\"eventId\":\"j19\"").contains("\"txn_count_1m\":7"));
  }

  private record Result(int exit, String output) {}

  /** The class from the job jar in a JVM of its own, with only Flink's jars (and logging) beside it. */
  private static Result run(String mainClass, List<String> args) throws Exception {
    // the test's classpath less this project, what the job jar carries itself, and the test's own libraries
    List<String> carried = List.of("/dev/slipstream/", "/target/", "/com/fasterxml/", "/org/apache/kafka/", "/io/prometheus/",
        "flink-connector-kafka", "flink-connector-base", "/io/fabric8/", "/org/junit/", "/org/assertj/", "/org/awaitility/",
        "/dev/cel/", "/com/networknt/", "/io/vertx/", "/io/netty/");
    String flink = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> carried.stream().noneMatch(p::contains))
        .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", JAR.toAbsolutePath() + File.pathSeparator + flink, mainClass));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
