package dev.slipstream.job.local;

import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.flink.ScoringGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The scoring job in this JVM, on Flink's MiniCluster: what the embedded demo, the benchmark and the job's
 * integration tests run. The job is the one a FlinkDeployment runs, built from the same contract keys.
 */
public final class LocalJob implements AutoCloseable {
  private final JobClient client;

  private LocalJob(JobClient client) {
    this.client = client;
  }

  /**
   * Starts the job on a MiniCluster of {@code parallelism} slots, keeping its checkpoints (retained on cancel)
   * under {@code checkpoints}.
   *
   * @param flink further Flink configuration, for example {@code execution.checkpointing.interval}
   * @param restoreFrom a checkpoint to resume from, or null
   */
  public static LocalJob start(Map<String, String> contract, int parallelism, Path checkpoints, Map<String, String> flink,
      String restoreFrom) {
    Map<String, String> conf = new HashMap<>(flink);
    conf.put("execution.checkpointing.dir", checkpoints.toUri().toString());
    conf.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.putIfAbsent("restart-strategy.type", "none");
    if (restoreFrom != null) {
      conf.put("execution.state-recovery.path", restoreFrom);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, Configuration.fromMap(conf));
    ScoringGraph.applyDefaults(env, conf);
    JobSettings settings = JobSettings.from(contract);
    ScoringGraph.build(env, settings);
    try {
      return new LocalJob(env.executeAsync(settings.jobName()));
    } catch (Exception e) {
      throw new IllegalStateException("the job did not start: " + e.getMessage(), e);
    }
  }

  /** The newest completed checkpoint under {@code dir} (the one a restart resumes from), if any. */
  public static Optional<Path> latestCheckpoint(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .max(Comparator.comparingLong(chk -> Long.parseLong(chk.getFileName().toString().replace("chk-", ""))));
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  public JobClient client() {
    return client;
  }

  /** Throws the job's failure if it has failed (for use inside waits, so that they end at once). */
  public void checkAlive() {
    var result = client.getJobExecutionResult();
    if (result.isCompletedExceptionally()) {
      result.join();
    }
  }

  /** Cancels the job as a lost cluster would stop it (no savepoint), and waits until it has stopped. */
  @Override
  public void close() {
    try {
      client.cancel().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already finished or failed: nothing to stop
    }
    try {
      client.getJobExecutionResult().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // cancelled: the result is an exception; the MiniCluster has shut down either way
    }
  }
}
