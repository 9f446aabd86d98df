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
 * columns, see its Ready condition change, describe it, patch a rollout, and explain a field.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlIT {
  private static OperatorFixture fx;
  private static Path kubeconfig;
  private static Path manifests;

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    fx = new OperatorFixture();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster: {server: %s}
        users:
        - name: test
          user: {token: test}
        contexts:
        - name: test
          context: {cluster: test, user: test}
        current-context: test
        """.formatted(fx.api.url()));
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
    // a kubectl before 1.27 validates against OpenAPI v2, which only a real API server serves (in protobuf): it
    // leaves validation to the server when told so; later ones do so by themselves, from OpenAPI v3
    String applied = clientMinorVersion() >= 27 ? kubectl("apply", "-f", manifests.toString())
        : kubectl("apply", "--validate=false", "-f", manifests.toString());
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
    List<String> command = new ArrayList<>();
    String binary = System.getenv("KUBECTL");
    command.add(binary == null || binary.isBlank() ? "kubectl" : binary);
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + kubeconfig.resolveSibling("kubectl-cache"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not end");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("no kubectl to run (set KUBECTL, or install Debian's kubernetes-client)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
