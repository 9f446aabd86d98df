package dev.slipstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stand-in reports what its controller would, once per change: never again for a report already there. */
class StandInControllersTest {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private static GenericKubernetesResource isvc(String name) {
    return Serialization.unmarshal("""
        {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
         "metadata": {"name": "%s", "namespace": "t", "generation": 1},
         "spec": {"predictor": {"model": {"modelFormat": {"name": "onnx"}, "storageUri": "s3://m/1"}}}}
        """.formatted(name), GenericKubernetesResource.class);
  }

  /** The report as the server stores it and an informer reads it back, its transition times from an earlier second. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> storedEarlier(Map<String, Object> report) throws Exception {
    Map<String, Object> stored = JSON.readValue(JSON.writeValueAsBytes(report), Map.class);
    ((List<Map<String, Object>>) stored.get("conditions")).forEach(c -> c.put("lastTransitionTime", "2020-01-01T00:00:00Z"));
    return stored;
  }

  @Test
  void theSameReportReadBackFromTheServerIsNotWrittenAgain() throws Exception {
    Map<String, Object> ready = StandInStatus.inferenceService(isvc("a"), StandInControllers.Behaviour.READY, "Serverless");
    assertThat(StandInControllers.sameAs(storedEarlier(ready), ready)).isTrue();
  }

  @Test
  void aChangedReportIsWritten() throws Exception {
    Map<String, Object> ready = StandInStatus.inferenceService(isvc("a"), StandInControllers.Behaviour.READY, "Serverless");
    Map<String, Object> failed = StandInStatus.inferenceService(isvc("a"), new StandInControllers.Behaviour.Fail("no model"),
        "Serverless");
    assertThat(StandInControllers.sameAs(storedEarlier(ready), failed)).isFalse();
  }

  @Test
  void aStandInWritesTheStatusOnceAndThenLeavesItAlone() {
    try (TestApiServer api = TestApiServer.startWithAllCrds();
        StandInControllers standIns = StandInControllers.start(api.client(), StandInControllers.Kind.INFERENCE_SERVICE)) {
      var isvcs = api.client().genericKubernetesResources(StandInControllers.Kind.INFERENCE_SERVICE.context()).inNamespace("t");
      isvcs.resource(isvc("settles")).create();
      await("Ready reported").atMost(Duration.ofSeconds(30)).until(() -> {
        var status = isvcs.withName("settles").get().getAdditionalProperties().get("status");
        return status != null && status.toString().contains("type=Ready, status=True");
      });
      // the stand-in sees its own write come back (and the time move on); it must not write again
      await("no more status writes").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> statusPatches(api, "settles"), n -> n == 1);
    }
  }

  private static long statusPatches(TestApiServer api, String name) {
    return api.calls().stream().filter(c -> "PATCH".equals(c.method()) && c.path().contains("/inferenceservices/" + name + "/status"))
        .count();
  }
}
