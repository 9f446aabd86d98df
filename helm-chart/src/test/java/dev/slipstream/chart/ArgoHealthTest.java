package dev.slipstream.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The ArgoCD health checks shipped in the chart, run by a Lua interpreter on objects in every phase. */
class ArgoHealthTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** What ArgoCD does: the object as a Lua table in the global {@code obj}, the script's returned table read back. */
  private static Map<String, String> health(String script, String objectYaml) throws Exception {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(YAML.readValue(objectYaml, Object.class)));
    String code = Files.readString(Chart.DIR.resolve("files/argocd").resolve(script));
    LuaValue result = globals.load(code, script).call();
    return Map.of("status", result.get("status").tojstring(), "message", result.get("message").tojstring());
  }

  private static LuaValue lua(Object value) {
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((k, v) -> table.set(String.valueOf(k), lua(v)));
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < list.size(); i++) {
        table.set(i + 1, lua(list.get(i)));
      }
      return table;
    }
    if (value instanceof Integer i) {
      return LuaValue.valueOf(i);
    }
    if (value instanceof Long l) {
      return LuaValue.valueOf(l.doubleValue());
    }
    if (value instanceof Boolean b) {
      return LuaValue.valueOf(b);
    }
    return value == null ? LuaValue.NIL : LuaValue.valueOf(String.valueOf(value));
  }

  private static String pipeline(long generation, long observed, String phase, String... conditions) {
    return "metadata: {name: fraud-scoring, generation: " + generation + "}\n"
        + "status:\n  observedGeneration: " + observed + "\n  phase: " + phase + "\n  conditions:\n"
        + String.join("\n", conditions) + "\n";
  }

  /** A ModelVersion or ShedPolicy: its generation, the one the operator observed, and its conditions. */
  private static String resource(long generation, long observed, String... conditions) {
    return "metadata: {generation: " + generation + "}\nstatus:\n  observedGeneration: " + observed + "\n  conditions:\n"
        + String.join("\n", conditions) + "\n";
  }

  private static String condition(String type, String status, String reason, String message) {
    return "  - {type: " + type + ", status: \"" + status + "\", reason: " + reason + ", message: \"" + message + "\"}";
  }

  @Test
  void aReadyPipelineIsHealthy() throws Exception {
    assertThat(health("streamingpipeline-health.lua", pipeline(3, 3, "Ready",
        condition("Ready", "True", "Ready", "fraud-v1@1 is serving"),
        condition("Progressing", "False", "Idle", "no rollout"),
        condition("Degraded", "False", "AsDesigned", "serving as declared"))))
        .containsEntry("status", "Healthy").containsEntry("message", "fraud-v1@1 is serving");
  }

  @Test
  void provisioningARolloutAndAnUnobservedSpecAreProgressing() throws Exception {
    assertThat(health("streamingpipeline-health.lua", pipeline(1, 1, "Provisioning",
        condition("Ready", "False", "ServingPending", "InferenceService not ready"))))
        .containsEntry("status", "Progressing").containsEntry("message", "ServingPending: InferenceService not ready");
    assertThat(health("streamingpipeline-health.lua", pipeline(4, 4, "Ready",
        condition("Ready", "True", "Ready", "ok"),
        condition("Progressing", "True", "Canary", "canary at 25% (step 2/4)"))))
        .containsEntry("status", "Progressing").containsEntry("message", "Rollout Canary: canary at 25% (step 2/4)");
    assertThat(health("streamingpipeline-health.lua", pipeline(5, 4, "Ready", condition("Ready", "True", "Ready", "ok"))))
        .containsEntry("status", "Progressing");
    assertThat(health("streamingpipeline-health.lua", "metadata: {name: new}\n")).containsEntry("status", "Progressing");
  }

  @Test
  void anInvalidSpecARollbackAndAShedLevelAreDegraded() throws Exception {
    assertThat(health("streamingpipeline-health.lua", pipeline(2, 2, "Failed",
        condition("Ready", "False", "InvalidSpec", "The spec cannot be applied: ..."))))
        .containsEntry("status", "Degraded");
    assertThat(health("streamingpipeline-health.lua", pipeline(6, 6, "Ready",
        condition("Ready", "True", "Ready", "ok"),
        condition("Degraded", "True", "RolloutFailed", "fraud-v2 was rolled back"))))
        .containsEntry("status", "Degraded").containsEntry("message", "RolloutFailed: fraud-v2 was rolled back");
    assertThat(health("streamingpipeline-health.lua", pipeline(6, 6, "Degraded",
        condition("Ready", "True", "Ready", "ok"),
        condition("Degraded", "True", "DowngradedToFallback", "ShedPolicy fraud-shed holds level 2"))))
        .containsEntry("status", "Degraded");
  }

  @Test
  void aModelVersionIsHealthyWhenValidAndDegradedWhenNot() throws Exception {
    String valid = resource(1, 1, condition("Ready", "True", "Valid", "served by fraud-scoring"));
    assertThat(health("modelversion-health.lua", valid)).containsEntry("status", "Healthy");
    String invalid = resource(2, 2, condition("Ready", "False", "InvalidSpec", "storageUri is not a URI"));
    assertThat(health("modelversion-health.lua", invalid)).containsEntry("status", "Degraded")
        .containsEntry("message", "InvalidSpec: storageUri is not a URI");
    assertThat(health("modelversion-health.lua", "metadata: {generation: 1}\n")).containsEntry("status", "Progressing");
  }

  @Test
  void aPausedRolloutIsSuspendedAndAnUnreachableKafkaIsDegraded() throws Exception {
    assertThat(health("streamingpipeline-health.lua", pipeline(4, 4, "Ready",
        condition("Ready", "True", "Ready", "ok"),
        condition("Progressing", "True", "Paused", "paused at weight 25% (spec.rollout.paused)"))))
        .containsEntry("status", "Suspended").containsEntry("message", "Rollout Paused: paused at weight 25% (spec.rollout.paused)");
    assertThat(health("streamingpipeline-health.lua", pipeline(4, 4, "Ready",
        condition("Ready", "True", "Ready", "ok"),
        condition("Progressing", "True", "AwaitingApproval", "awaiting approval to move fraud-v2 to 50%"))))
        .containsEntry("status", "Suspended");
    assertThat(health("streamingpipeline-health.lua", pipeline(4, 4, "Ready",
        condition("Ready", "True", "Ready", "ok"), condition("Progressing", "True", "Canary", "canary at 25%"))))
        .as("its twin: a canary moving by itself").containsEntry("status", "Progressing");
    assertThat(health("streamingpipeline-health.lua", pipeline(4, 4, "Degraded",
        condition("Ready", "False", "KafkaUnavailable", "Kafka at kafka:9092 is unreachable"))))
        .containsEntry("status", "Degraded");
  }

  @Test
  void aModelVersionIsHealthyWhenValidWhereverItServesAndProgressingUntilTheOperatorLooked() throws Exception {
    String valid = resource(1, 1, condition("Ready", "True", "Validated", "Valid; served by fraud-scoring"));
    assertThat(health("modelversion-health.lua", valid)).containsEntry("status", "Healthy")
        .containsEntry("message", "Validated: Valid; served by fraud-scoring");
    String edited = resource(2, 1, condition("Ready", "True", "Validated", "Valid; served by fraud-scoring"));
    assertThat(health("modelversion-health.lua", edited)).as("its twin: a generation not observed yet")
        .containsEntry("status", "Progressing");
  }

  @Test
  void aShedPolicyIsHealthyWhenValidDegradedWhenNotAndProgressingUntilValidated() throws Exception {
    String valid = resource(2, 2, condition("Ready", "True", "Valid", "3 levels, mildest first"));
    assertThat(health("shedpolicy-health.lua", valid)).containsEntry("status", "Healthy")
        .containsEntry("message", "Valid: 3 levels, mildest first");
    String invalid = resource(2, 2, condition("Ready", "False", "InvalidSpec", "level 2: fraud-lite-v9 does not exist"));
    assertThat(health("shedpolicy-health.lua", invalid)).containsEntry("status", "Degraded");
    String edited = resource(3, 2, condition("Ready", "True", "Valid", "3 levels"));
    assertThat(health("shedpolicy-health.lua", edited)).containsEntry("status", "Progressing");
    assertThat(health("shedpolicy-health.lua", "metadata: {generation: 1}\n")).containsEntry("status", "Progressing");
  }

  @Test
  void aConditionWithoutAReasonDoesNotBreakAnyScript() throws Exception {
    String noReason = "  - {type: Ready, status: \"False\", message: \"no reason given\"}";
    assertThat(health("streamingpipeline-health.lua", pipeline(1, 1, "Provisioning", noReason)))
        .containsEntry("status", "Progressing").containsEntry("message", "NotReady: no reason given");
    String model = resource(1, 1, noReason);
    assertThat(health("modelversion-health.lua", model)).containsEntry("status", "Progressing");
    assertThat(health("shedpolicy-health.lua", model)).containsEntry("status", "Degraded")
        .containsEntry("message", "Ready: no reason given");
    String degraded = pipeline(1, 1, "Degraded", condition("Ready", "True", "Ready", "ok"),
        "  - {type: Degraded, status: \"True\", message: \"held\"}");
    assertThat(health("streamingpipeline-health.lua", degraded)).containsEntry("status", "Degraded")
        .containsEntry("message", "Degraded: held");
  }
}
