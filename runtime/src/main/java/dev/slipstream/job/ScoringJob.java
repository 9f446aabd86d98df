package dev.slipstream.job;

import dev.slipstream.job.config.FlinkConfiguration;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.job.flink.ScoringGraph;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The reference job's entry point ({@code entryClass: dev.slipstream.job.ScoringJob}): reads the job contract
 * from the Flink configuration the Flink Kubernetes Operator writes from the FlinkDeployment, and runs
 * {@link ScoringGraph}. A contract with problems stops the job at start with a message naming every key at fault.
 */
public final class ScoringJob {
  private ScoringJob() {}

  /** Runs the job with the contract from the Flink configuration, overridden by {@code --key value} arguments. */
  public static void main(String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    Map<String, String> conf = FlinkConfiguration.load(env);
    for (int i = 0; i + 1 < args.length; i += 2) {
      conf.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    JobSettings settings = JobSettings.from(conf);
    ScoringGraph.applyDefaults(env, conf);
    ScoringGraph.build(env, settings);
    env.execute(settings.jobName());
  }
}
