package dev.slipstream.job.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink configuration a job's entry point reads its contract from: the file the Flink Kubernetes Operator writes
 * from the FlinkDeployment (in {@code FLINK_CONF_DIR}), overridden by the environment's own configuration.
 */
public final class FlinkConfiguration {
  private FlinkConfiguration() {}

  public static Map<String, String> load(StreamExecutionEnvironment env) {
    Map<String, String> conf = new HashMap<>();
    String confDir = System.getenv("FLINK_CONF_DIR");
    if (confDir != null) {
      conf.putAll(GlobalConfiguration.loadConfiguration(confDir).toMap());
    }
    if (env.getConfiguration() instanceof Configuration c) {
      conf.putAll(c.toMap());
    }
    return conf;
  }
}
