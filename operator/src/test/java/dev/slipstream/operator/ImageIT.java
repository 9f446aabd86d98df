package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image tar the build writes (target/slipstream-operator-image.tar): its configuration (non-root
 * user, entrypoint, port), its filesystem (a Java runtime, the operator), and, where the test can chroot
 * (as root), that the operator really starts from it.
 */
class ImageIT {
  private static final Path TAR = Path.of("target", "slipstream-operator-image.tar");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path work;
  private static JsonNode config;
  private static Path rootfs;

  @BeforeAll
  static void unpack() throws Exception {
    assumeTrue(!Boolean.parseBoolean(System.getProperty("jib.skip", "false")), "built with -Djib.skip");
    assertThat(TAR).as("the image tar the package phase writes").exists();
    Path image = Files.createDirectories(work.resolve("image"));
    run(List.of("tar", "-xf", TAR.toAbsolutePath().toString(), "-C", image.toString()));
    JsonNode index = JSON.readTree(image.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(image, index.path("manifests").get(0).path("digest").asText()).toFile());
    config = JSON.readTree(blob(image, manifest.path("config").path("digest").asText()).toFile());
    rootfs = Files.createDirectories(work.resolve("rootfs"));
    for (JsonNode layer : manifest.path("layers")) {
      run(List.of("tar", "-xzf", blob(image, layer.path("digest").asText()).toString(), "-C", rootfs.toString()));
    }
  }

  private static Path blob(Path image, String digest) {
    return image.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    return out;
  }

  @Test
  void runsAsNonRootWithTheOperatorAsEntrypoint() {
    JsonNode c = config.path("config");
    assertThat(c.path("User").asText()).isEqualTo("65532:65532");
    List<String> entrypoint = new ArrayList<>();
    c.path("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
    assertThat(entrypoint).startsWith("/opt/java/bin/java").endsWith("-cp", "@/app/jib-classpath-file",
        "dev.slipstream.operator.Main");
    assertThat(c.path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(c.path("Env").toString()).contains("JAVA_HOME=/opt/java").contains("SLIPSTREAM_LOG_FORMAT=json");
    assertThat(config.path("os").asText()).isEqualTo("linux");
  }

  @Test
  void holdsAJavaRuntimeItsLibrariesAndTheOperator() throws Exception {
    assertThat(rootfs.resolve("opt/java/bin/java")).isExecutable();
    assertThat(rootfs.resolve("lib64/ld-linux-x86-64.so.2")).exists();
    assertThat(rootfs.resolve("app/classes/dev/slipstream/operator/Main.class")).exists();
    String classpath = Files.readString(rootfs.resolve("app/jib-classpath-file"));
    assertThat(classpath).contains("slipstream-controllers").contains("operator-framework-core").contains("kafka-clients");
    assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains("nonroot:x:65532:65532");
  }

  @Test
  void theOperatorStartsFromTheImageAndRefusesABadSettingClearly() throws Exception {
    boolean canChroot = "0".equals(run(List.of("id", "-u")).trim()) && Files.isExecutable(Path.of("/usr/sbin/chroot"));
    assumeTrue(canChroot, "needs root and chroot to run the image's filesystem");
    List<String> command = new ArrayList<>(List.of("/usr/sbin/chroot", rootfs.toString()));
    config.path("config").path("Entrypoint").forEach(a -> command.add(a.asText()));
    command.add("--log-format=yaml");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().clear();
    // a container runtime mounts /proc, from which the loader finds the runtime's own libraries; a bare chroot does not
    pb.environment().put("LD_LIBRARY_PATH", "/opt/java/lib");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("--log-format (SLIPSTREAM_LOG_FORMAT) 'yaml' must be text or json");
  }
}
