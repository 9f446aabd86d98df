package dev.slipstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The broker and Prometheus a JVM runs as children end with it, however it is ended (short of SIGKILL). */
class ChildProcessesIT {
  @Test
  void aJvmEndedWithSigtermTakesItsBrokerAndPrometheusAlong() throws Exception {
    assertChildrenEndWith(Process::destroy);
  }

  @Test
  void soDoesAJvmEndedWithSigint() throws Exception {
    // a shell without job control starts its background commands with SIGINT ignored, and the JVM under test
    // inherits that (a JVM leaves an ignored SIGINT ignored): nothing could end it with SIGINT then
    org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(),
        "SIGINT is ignored by this process (started in the background by a shell without job control), so also by"
            + " the JVM under test: run in the foreground to test it");
    assertChildrenEndWith(jvm -> {
      try {
        new ProcessBuilder("kill", "-INT", String.valueOf(jvm.pid())).start().waitFor();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Whether this process ignores SIGINT (Linux: bit 2 of SigIgn in /proc/self/status); false where unknown. */
  static boolean sigintIgnored() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << 1)) != 0;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // not Linux, or unreadable: assume the usual
    }
    return false;
  }

  private static void assertChildrenEndWith(java.util.function.Consumer<Process> end) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HoldsChildren.class.getName())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
        try {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("ready")) {
              return line;
            }
          }
          return null;
        } catch (Exception e) {
          return null;
        }
      });
      await("the JVM and its children up").atMost(Duration.ofSeconds(120)).until(ready::isDone);
      assertThat(ready.get()).as("the JVM said ready").isNotNull();
      List<ProcessHandle> children = jvm.descendants().toList();
      assertThat(children).as("its children: a broker" + (EmbeddedPrometheus.available() ? " and Prometheus" : ""))
          .hasSize(EmbeddedPrometheus.available() ? 2 : 1).allMatch(ProcessHandle::isAlive);

      end.accept(jvm);

      await("the JVM ended").atMost(Duration.ofSeconds(60)).until(() -> !jvm.isAlive());
      await("its children ended").atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(children).noneMatch(ProcessHandle::isAlive));
    } finally {
      jvm.descendants().forEach(ProcessHandle::destroyForcibly);
      jvm.destroyForcibly();
    }
  }
}
