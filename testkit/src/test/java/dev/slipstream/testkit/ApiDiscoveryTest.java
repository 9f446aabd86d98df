package dev.slipstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Discovery, OpenAPI and tables as a real API server answers them, from the CRDs the test API server installs. */
class ApiDiscoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ApiDiscovery discovery = new ApiDiscovery(List.of(Crds.load(Crds.SLIPSTREAM.get(0)),
      Crds.load(Crds.KAFKA_TOPIC), Crds.load(Crds.INFERENCE_SERVICE)));

  @Test
  void eachGroupListsItsKindsWithShortNamesAndTheStatusSubresource() {
    JsonNode groups = discovery.answer("/apis").orElseThrow();
    assertThat(groups.path("kind").asText()).isEqualTo("APIGroupList");
    assertThat(groups.path("groups").findValuesAsText("name")).contains("slipstream.dev", "kafka.strimzi.io", "apps");
    JsonNode resources = discovery.answer("/apis/slipstream.dev/v1alpha1").orElseThrow();
    List<String> names = resources.path("resources").findValuesAsText("name");
    assertThat(names).contains("streamingpipelines", "streamingpipelines/status");
    JsonNode pipelines = resources.path("resources").get(names.indexOf("streamingpipelines"));
    assertThat(pipelines.path("kind").asText()).isEqualTo("StreamingPipeline");
    assertThat(pipelines.path("shortNames").toString()).contains("sp");
    assertThat(pipelines.path("namespaced").asBoolean()).isTrue();
    assertThat(discovery.answer("/apis/slipstream.dev/v9")).as("a version nobody serves").isEmpty();
    assertThat(discovery.answer("/apis/slipstream.dev/v1alpha1/streamingpipelines")).as("a list is not discovery").isEmpty();
  }

  @Test
  void openApiV3CarriesEachCrdsSchemaUnderItsKindAndAPatchThatTakesFieldValidation() {
    JsonNode root = discovery.answer("/openapi/v3").orElseThrow();
    assertThat(root.path("paths").has("apis/slipstream.dev/v1alpha1")).isTrue();
    JsonNode doc = discovery.answer("/openapi/v3/apis/slipstream.dev/v1alpha1").orElseThrow();
    JsonNode schema = doc.path("components").path("schemas").path("dev.slipstream.v1alpha1.StreamingPipeline");
    assertThat(schema.path("properties").path("spec").path("properties").has("inference")).isTrue();
    assertThat(schema.path("x-kubernetes-group-version-kind").get(0).path("kind").asText()).isEqualTo("StreamingPipeline");
    JsonNode patch = doc.path("paths").path("/apis/slipstream.dev/v1alpha1/namespaces/{namespace}/streamingpipelines/{name}")
        .path("patch");
    assertThat(patch.path("parameters").get(0).path("name").asText()).isEqualTo("fieldValidation");
  }

  @Test
  void printerColumnPathsAreReadAsKubectlWould() throws Exception {
    JsonNode isvc = JSON.readTree("""
        {"metadata": {"name": "m", "labels": {"strimzi.io/cluster": "main"}},
         "status": {"url": "http://m", "conditions": [{"type": "Other", "status": "False"}, {"type": "Ready", "status": "True"}],
                    "components": {"predictor": {"traffic": [{"tag": "prev", "percent": 90}, {"latestRevision": true, "percent": 10}]}},
                    "endpoints": ["a", "b"]}}
        """);
    assertThat(ApiDiscovery.JsonPathSubset.read(isvc, ".status.conditions[?(@.type==\"Ready\")].status").asText()).isEqualTo("True");
    assertThat(ApiDiscovery.JsonPathSubset.read(isvc, ".status.conditions[?(@.type=='Ready')].status").asText()).isEqualTo("True");
    assertThat(ApiDiscovery.JsonPathSubset.read(isvc, ".status.components.predictor.traffic[?(@.latestRevision==true)].percent")
        .asInt()).isEqualTo(10);
    assertThat(ApiDiscovery.JsonPathSubset.read(isvc, ".metadata.labels.strimzi\\.io/cluster").asText()).isEqualTo("main");
    assertThat(ApiDiscovery.JsonPathSubset.read(isvc, ".status.endpoints[1]").asText()).isEqualTo("b");
    assertThat(ApiDiscovery.JsonPathSubset.read(isvc, ".status.missing.field")).isNull();
  }

  @Test
  void aListBecomesATableWithTheCrdsColumnsAfterTheName() throws Exception {
    var crd = Crds.load(Crds.SLIPSTREAM.get(0));
    JsonNode list = JSON.readTree("""
        {"kind": "StreamingPipelineList", "metadata": {"resourceVersion": "7"}, "items": [
          {"metadata": {"name": "fraud-scoring", "namespace": "payments"},
           "status": {"model": "fraud-v1@1", "consumerLag": 12, "conditions": [{"type": "Ready", "status": "True"}]}}]}
        """);
    JsonNode table = discovery.table(crd, "v1alpha1", list);
    List<String> columns = new ArrayList<>(table.path("columnDefinitions").findValuesAsText("name"));
    assertThat(columns.get(0)).isEqualTo("Name");
    assertThat(columns).contains("Ready", "Model", "Lag");
    JsonNode cells = table.path("rows").get(0).path("cells");
    assertThat(cells.get(0).asText()).isEqualTo("fraud-scoring");
    assertThat(cells.get(columns.indexOf("Model")).asText()).isEqualTo("fraud-v1@1");
    assertThat(cells.get(columns.indexOf("Lag")).asLong()).isEqualTo(12);
    assertThat(cells.get(columns.indexOf("Ready")).asText()).isEqualTo("True");
    assertThat(table.path("rows").get(0).path("object").path("metadata").path("namespace").asText()).isEqualTo("payments");
  }
}
