package dev.slipstream.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard shows only series that exist: the operator's own (as its /metrics served them in the integration tests) or the job contract's. */
class DashboardIT {
  private static final Path METRICS = Path.of("..", "operator", "target", "operator-metrics");
  /** Series the Flink job exposes under the job contract (docs/job-contract.md). */
  private static final Set<String> JOB_CONTRACT = Set.of("slipstream_inference_latency_seconds", "slipstream_inference_requests_total");

  @Test
  void everyQueriedSeriesExistsAndEveryPanelHasAQuery() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Chart.DIR.resolve("files/grafana-dashboard.json").toFile());
    Set<String> served = new TreeSet<>();
    assertThat(METRICS).as("written by the operator module's integration tests").isDirectory();
    try (Stream<Path> files = Files.list(METRICS)) {
      for (Path f : files.toList()) {
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)").matcher(Files.readString(f));
        while (m.find()) {
          served.add(m.group(2).equals("counter") ? m.group(1) + "_total" : m.group(1));
          served.add(m.group(1));
        }
      }
    }
    Set<String> queried = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets").size()).as("panel %s", panel.path("title").asText()).isPositive();
      for (JsonNode target : panel.path("targets")) {
        Matcher m = Pattern.compile("slipstream_[a-z_]+").matcher(target.path("expr").asText());
        while (m.find()) {
          queried.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
        }
      }
    }
    assertThat(queried).contains("slipstream_consumer_lag", "slipstream_shed_level", "slipstream_rollout_weight_percent",
        "slipstream_rollout_phase", "slipstream_reconciliations_total");
    for (String series : queried) {
      assertThat(served.contains(series) || JOB_CONTRACT.contains(series))
          .as("%s is served by the operator (%s) or the job contract", series, served).isTrue();
    }
  }
}
