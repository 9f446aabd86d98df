package dev.slipstream.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The servers the testkit runs as child processes: started so that they end with this JVM, however it ends (its
 * last line, System.exit, an exception, SIGINT or SIGTERM; not SIGKILL, which runs nothing), stopped, and what they
 * left on disk removed.
 */
public final class ChildProcesses {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "slipstream-child-processes"));
  }

  private ChildProcesses() {}

  /** Starts {@code builder}'s process and has this JVM's end stop it. */
  public static Process start(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
    return process;
  }

  /** SIGTERM to every child still running, then SIGKILL to those not gone within 10 s. */
  private static void stopAll() {
    LIVE.forEach(Process::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Process p : LIVE) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
  }

  /** SIGTERM, as an outage or a shutdown would send; killed if it is not gone within 30 s. */
  public static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a temp directory left behind is not worth failing a run for
    }
  }
}
