package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kubectl (KUBECTL, or kubectl on the PATH; Debian's package is kubernetes-client) against the test API server
 * with the operator running, as a user at a terminal: apply the example, list it by its short name with its printer
 * columns, see its Ready condition change, describe it, patch a rollout, explain a field, watch a new pipeline become
 * Ready with {@code get -w}, create and change it with server-side apply, and delete it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlIT {
  private static OperatorFixture fx;
  private static Path kubeconfig;
  private static Path manifests;

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    fx = new OperatorFixture();
    kubeconfig = fx.api.writeKubeconfig(dir.resolve("kubeconfig"), null);
    manifests = dir.resolve("fraud-scoring.yaml");
    List<String> documents = new ArrayList<>();
    for (GenericKubernetesResource o : fx.example("fraud-scoring.yaml")) {
      documents.add(Serialization.asYaml(o));
    }
    Files.writeString(manifests, String.join("\n", documents));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  @Order(1)
  void applyCreatesTheExampleAndGetListsItByItsShortNameWithItsColumns() {
    String applied = kubectl(apply("-f", manifests.toString()));
    assertThat(applied).contains("streamingpipeline.slipstream.dev/fraud-scoring created")
        .contains("modelversion.slipstream.dev/fraud-v1 created").contains("shedpolicy.slipstream.dev/fraud-shed created");

    await("fraud-scoring Ready, as kubectl reads it").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> kubectl("get", "sp", "fraud-scoring", "-n", "payments", "-o",
            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").equals("True"));

    String table = kubectl("get", "sp", "-n", "payments");
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).as("the printer columns").contains("NAME").contains("READY").contains("MODEL").contains("LAG");
    assertThat(lines).as("one row").hasSize(2);
    assertThat(cell(lines, "READY")).isEqualTo("True");
    assertThat(cell(lines, "MODEL")).isEqualTo("fraud-v1@1");
    assertThat(kubectl("get", "mv", "-n", "payments")).as("ModelVersions by their short name").contains("fraud-v1")
        .contains("fraud-lite-v1");
    assertThat(kubectl("get", "streamingpipelines", "-A")).as("across namespaces").contains("payments")
        .contains("fraud-scoring");
  }

  @Test
  @Order(2)
  void describeShowsTheConditionsAndAPatchStartsARollout() {
    String described = kubectl("describe", "sp", "fraud-scoring", "-n", "payments");
    assertThat(described).contains("Name:").contains("fraud-scoring").contains("Conditions:").contains("Ready");

    fx.createFraudV2("payments");
    String patched = kubectl("patch", "sp", "fraud-scoring", "-n", "payments", "--type", "merge", "-p",
        "{\"spec\":{\"serving\":{\"modelVersionRef\":{\"name\":\"fraud-v2\"}}}}");
    assertThat(patched).contains("streamingpipeline.slipstream.dev/fraud-scoring patched");
    await("the rollout in kubectl's columns").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !cell(kubectl("get", "sp", "fraud-scoring", "-n", "payments").lines().toList(), "ROLLOUT").isEmpty());
  }

  @Test
  @Order(3)
  void aRefusedPatchSaysWhyAndChangesNothing() {
    Result refused = run("patch", "sp", "fraud-scoring", "-n", "payments", "--type", "merge", "-p",
        "{\"spec\":{\"inference\":{\"timeout\":\"50ms\",\"batch\":{\"maxWait\":\"50ms\"}}}}");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("batch.maxWait must be shorter than inference.timeout");
    assertThat(kubectl("get", "sp", "fraud-scoring", "-n", "payments", "-o", "jsonpath={.spec.inference.timeout}"))
        .isEqualTo("250ms");
  }

  @Test
  @Order(4)
  void explainDescribesAFieldFromTheCrdSchema() {
    // kubectl explain reads OpenAPI v3 from version 1.27 on; older ones ask for OpenAPI v2 in protobuf, not served
    int minor = clientMinorVersion();
    org.junit.jupiter.api.Assumptions.assumeTrue(minor >= 27, "kubectl 1." + minor + " explains from OpenAPI v2 protobuf");
    String explained = kubectl("explain", "streamingpipeline.spec.inference.batch");
    assertThat(explained).contains("maxSize").contains("maxWait").contains("Micro-batching");
  }

  @Test
  @Order(5)
  void getWatchPrintsANewPipelineAsItBecomesReadyServerSideApplyCreatesAndUpdatesItAndDeleteRemovesIt() throws Exception {
    Path second = kubeconfig.resolveSibling("fraud-scoring-eu.yaml");
    Files.writeString(second, secondPipeline(64, null));
    List<String> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
    Process watch = start("get", "sp", "-n", "payments", "-w");
    Thread reader = new Thread(() -> {
      try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          watched.add(line);
        }
      } catch (IOException e) {
        // the watch ended
      }
    }, "kubectl-watch");
    reader.start();
    try {
      await("the watch lists what is there").atMost(Duration.ofSeconds(30))
          .until(() -> watched.stream().anyMatch(l -> l.startsWith("fraud-scoring ")));
      assertThat(watched.get(0)).as("the header, once").contains("NAME").contains("READY");

      String applied = kubectl(apply("--server-side", "-f", second.toString()));
      assertThat(applied).contains("streamingpipeline.slipstream.dev/fraud-scoring-eu serverside-applied");

      await("the watch prints fraud-scoring-eu turning Ready").atMost(Duration.ofSeconds(60))
          .until(() -> watched.stream().anyMatch(l -> l.startsWith("fraud-scoring-eu ") && row(watched, l, "READY").equals("True")));
      List<String> rows = watched.stream().filter(l -> l.startsWith("fraud-scoring-eu ")).toList();
      assertThat(row(watched, rows.get(0), "READY")).as("first seen before it was Ready: %s", watched).isNotEqualTo("True");
      assertThat(watched.stream().filter(l -> l.contains("NAME") && l.contains("READY")).count())
          .as("one header for the whole watch: %s", watched).isEqualTo(1);
      assertThat(watched.stream().filter(l -> l.startsWith("fraud-scoring ")).count())
          .as("fraud-scoring, unchanged, printed once (not replayed as new when the watch opened): %s", watched).isEqualTo(1);
    } finally {
      watch.destroy();
      reader.join(10_000);
    }

    // applied again with a field changed: the change is merged in
    Files.writeString(second, secondPipeline(32, null));
    assertThat(kubectl(apply("--server-side", "-f", second.toString()))).contains("serverside-applied");
    assertThat(kubectl("get", "sp", "fraud-scoring-eu", "-n", "payments", "-o", "jsonpath={.spec.inference.maxInFlight}"))
        .isEqualTo("32");
    // and refused like any write when the result breaks a rule
    Files.writeString(second, secondPipeline(32, "300ms"));
    Result refused = run(apply("--server-side", "-f", second.toString()));
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.output()).contains("batch.maxWait must be shorter than inference.timeout");
    assertThat(kubectl("get", "sp", "fraud-scoring-eu", "-n", "payments", "-o", "jsonpath={.spec.inference.maxInFlight}"))
        .isEqualTo("32");

    // deleted: kubectl waits (watching the object) until the operator's finalizer has let it go
    assertThat(kubectl("delete", "sp", "fraud-scoring-eu", "-n", "payments", "--timeout=60s"))
        .contains("streamingpipeline.slipstream.dev \"fraud-scoring-eu\" deleted");
    Result gone = run("get", "sp", "fraud-scoring-eu", "-n", "payments");
    assertThat(gone.exit()).isNotZero();
    assertThat(gone.output()).contains("NotFound");
  }

  /** A second pipeline on the example's input, with its own output, as YAML (with a batch maxWait when not null). */
  private static String secondPipeline(int maxInFlight, String batchMaxWait) {
    GenericKubernetesResource pipeline = fx.example("fraud-scoring.yaml").stream()
        .filter(o -> o.getKind().equals("StreamingPipeline")).findFirst().orElseThrow();
    pipeline.getMetadata().setName("fraud-scoring-eu");
    @SuppressWarnings("unchecked")
    var spec = (java.util.Map<String, Object>) pipeline.getAdditionalProperties().get("spec");
    @SuppressWarnings("unchecked")
    var output = (java.util.Map<String, Object>) ((java.util.Map<String, Object>) spec.get("topics")).get("output");
    output.put("name", "fraud-scores-eu");
    @SuppressWarnings("unchecked")
    var inference = (java.util.Map<String, Object>) spec.get("inference");
    inference.put("maxInFlight", maxInFlight);
    if (batchMaxWait != null) {
      inference.put("batch", java.util.Map.of("maxWait", batchMaxWait));
    }
    return Serialization.asYaml(pipeline);
  }

  /** The value of {@code column} in {@code line}, under the header a watch printed first. */
  private static String row(List<String> watched, String line, String column) {
    return cell(List.of(watched.get(0), line), column);
  }

  /** The value of {@code column} in the first row of a table kubectl printed. */
  private static String cell(List<String> lines, String column) {
    String header = lines.get(0);
    int start = header.indexOf(column);
    if (start < 0 || lines.size() < 2) {
      return "";
    }
    Matcher next = Pattern.compile("\\S+").matcher(header);
    int end = Integer.MAX_VALUE;
    while (next.find()) {
      if (next.start() > start) {
        end = next.start();
        break;
      }
    }
    String row = lines.get(1);
    return row.length() <= start ? "" : row.substring(start, Math.min(end, row.length())).trim();
  }

  /**
   * kubectl apply with {@code args}. A kubectl before 1.27 validates against OpenAPI v2, which only a real API server
   * serves (in protobuf): it leaves validation to the server when told so; later ones do so by themselves, from
   * OpenAPI v3.
   */
  private static String[] apply(String... args) {
    List<String> command = new ArrayList<>(List.of("apply"));
    if (clientMinorVersion() < 27) {
      command.add("--validate=false");
    }
    command.addAll(List.of(args));
    return command.toArray(String[]::new);
  }

  private static int clientMinorVersion() {
    Matcher m = Pattern.compile("\"minor\"\\s*:\\s*\"(\\d+)").matcher(kubectl("version", "--client", "-o", "json"));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private record Result(int exit, String output) {}

  private static String kubectl(String... args) {
    Result r = run(args);
    assertThat(r.exit()).as("kubectl %s: %s", String.join(" ", args), r.output()).isZero();
    return r.output().strip();
  }

  private static Result run(String... args) {
    try {
      Process p = start(args);
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not end");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(6)
  void kubectlRunsSlipstreamAsAPluginFromThePath() throws Exception {
    // what `make plugin` installs: the launcher beside the jar; here the build's own, cli/bin and cli/target
    Path bin = Path.of("..", "cli", "bin").toAbsolutePath().normalize();
    assertThat(bin.resolveSibling("target").resolve("kubectl-slipstream.jar")).as("packaged by the cli module").exists();
    List<String> command = new ArrayList<>();
    String binary = System.getenv("KUBECTL");
    command.add(binary == null || binary.isBlank() ? "kubectl" : binary);
    command.addAll(List.of("slipstream", "status", "-n", "payments"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines().toList().get(0)).startsWith("NAME").contains("ROLLOUT").contains("SHED");
    assertThat(out).contains("fraud-scoring");
  }

  private static Process start(String... args) {
    List<String> command = new ArrayList<>();
    String binary = System.getenv("KUBECTL");
    command.add(binary == null || binary.isBlank() ? "kubectl" : binary);
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + kubeconfig.resolveSibling("kubectl-cache"));
    command.addAll(List.of(args));
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("no kubectl to run (set KUBECTL, or install Debian's kubernetes-client)", e);
    }
  }
}
