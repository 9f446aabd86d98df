package dev.slipstream.job.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.core.model.JobContract;
import dev.slipstream.job.config.JobSettings;
import dev.slipstream.testkit.ExampleContract;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The graph the job runs, as Flink chains it into tasks. */
class ScoringGraphTest {
  private static List<String> tasks(Map<String, String> changes) {
    Map<String, String> contract = new HashMap<>(ExampleContract.fraud("graph", "127.0.0.1:9", "http://127.0.0.1:9"));
    contract.putAll(changes);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    ScoringGraph.applyDefaults(env, Map.of());
    ScoringGraph.build(env, JobSettings.from(contract));
    List<String> names = new ArrayList<>();
    for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) {
      names.add(v.getName());
    }
    return names;
  }

  @Test
  void everyRecordResultOrLateLeavesThroughTheSinkChainedToTheInferenceStep() {
    List<String> tasks = tasks(Map.of());
    assertThat(tasks).as("the source's chain, then features, inference and the sink in one task").hasSize(2);
    assertThat(tasks).anySatisfy(t -> assertThat(t).startsWith("Source: events from graph-card-transactions")
        .contains("judge lateness"));
    assertThat(tasks).anySatisfy(t -> assertThat(t).startsWith("features -> inference -> results to graph-fraud-scores"));
  }

  @Test
  void twoInputTopicsAreTwoSourcesAndStillOneTaskFromTheFeaturesToTheSink() {
    String topics = "graph-card-transactions,graph-wire-transfers";
    List<String> tasks = tasks(Map.of(JobContract.INPUT_TOPICS, topics));
    assertThat(tasks).filteredOn(t -> t.startsWith("Source:")).hasSize(2);
    assertThat(tasks).filteredOn(t -> t.contains("inference")).singleElement().asString().contains("results to");
  }
}
