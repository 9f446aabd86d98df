package dev.slipstream.job;

import dev.slipstream.job.batch.TrainingRange;
import dev.slipstream.job.config.FlinkConfiguration;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.flink.ScoringGraph;
import dev.slipstream.job.flink.TrainingGraph;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The training features of a pipeline ({@code entryClass: dev.slipstream.job.TrainingFeatures}), from the same
 * job contract as its scoring job:
 *
 * <pre>
 * --from 2026-11-01T00:00:00Z --to 2026-11-02T00:00:00Z --output s3://bucket/training/fraud/2026-11-01
 * --input-file file:///exports/card-transactions.jsonl --output file:///tmp/rows     (a file export instead)
 * </pre>
 *
 * Rows are written for the records whose Kafka timestamp lies in [from, to); reading starts earlier by the
 * longest feature window plus the allowed lateness, so the first rows see the history the scoring job saw.
 */
public final class TrainingFeatures {
  private TrainingFeatures() {}

  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Map<String, String> conf = FlinkConfiguration.load(env);
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      (key.startsWith(JobSettings.PREFIX) ? conf : options).put(key, args[i + 1]);
    }
    for (String known : options.keySet()) {
      if (!List.of("from", "to", "output", "input-file").contains(known)) {
        throw new IllegalArgumentException("unknown option --" + known + "; use --from, --to, --output, --input-file");
      }
    }
    if (!options.containsKey("output")) {
      throw new IllegalArgumentException("--output <directory URI> is required: where the training rows go");
    }
    JobSettings settings = JobSettings.from(conf);
    TrainingRange range = range(options, settings);
    conf.putIfAbsent("execution.checkpointing.interval", "1000 ms"); // rows are committed by the final checkpoint
    ScoringGraph.applyDefaults(env, conf);
    TrainingGraph.build(env, settings, range, options.get("input-file"), options.get("output"));
    env.execute(settings.jobName() + "-training");
  }

  static TrainingRange range(Map<String, String> options, JobSettings settings) {
    long from = options.containsKey("from") ? TrainingRange.instant(options.get("from"), "--from") : Long.MIN_VALUE;
    long to = options.containsKey("to") ? TrainingRange.instant(options.get("to"), "--to") : Long.MAX_VALUE;
    return new TrainingRange(from, to, warmup(settings).toMillis());
  }

  /** The longest window plus the allowed lateness: the history a row's features may reach back to. */
  static Duration warmup(JobSettings settings) {
    long longest = settings.features().stream().mapToLong(f -> f.sizeMillis()).max().orElse(0);
    return Duration.ofMillis(longest).plus(settings.allowedLateness()).plus(settings.maxOutOfOrderness());
  }
}
