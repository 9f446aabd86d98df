package dev.slipstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.Examples;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job's PodMonitor selects what the job's task managers carry and scrapes the port they declare. */
class PodMonitorModelTest {
  @Test
  @SuppressWarnings("unchecked")
  void itSelectsTheTaskManagersOfTheMainAndShadowJobOnTheirMetricsPort() {
    StreamingPipeline pipeline = Examples.pipeline("fraud-scoring.yaml", "fraud-scoring");
    var model = Examples.model("fraud-scoring.yaml", "fraud-v1");
    GenericKubernetesResource monitor = PodMonitorModel.from(pipeline,
        Map.of("release", "kube-prometheus-stack", Labels.PIPELINE, "someone-else"));
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack")
        .as("the admin's labels never replace Slipstream's own").containsEntry(Labels.PIPELINE, "fraud-scoring");
    Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
    Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
    Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("podMetricsEndpoints")).get(0);

    for (GenericKubernetesResource job : List.of(FlinkDeploymentModel.from(pipeline, model, "http://serving"),
        FlinkDeploymentModel.shadow(pipeline, model, "http://candidate"))) {
      Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) job
          .getAdditionalProperties().get("spec")).get("taskManager")).get("podTemplate");
      assertThat((Map<String, String>) ((Map<String, Object>) template.get("metadata")).get("labels"))
          .as(job.getMetadata().getName()).containsAllEntriesOf(selector);
      List<Map<String, Object>> containers = (List<Map<String, Object>>) ((Map<String, Object>) template.get("spec")).get("containers");
      assertThat((List<Map<String, Object>>) containers.get(0).get("ports"))
          .anySatisfy(port -> assertThat(port).containsEntry("name", endpoint.get("port")));
    }
  }
}
