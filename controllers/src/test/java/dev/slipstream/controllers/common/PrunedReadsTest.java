package dev.slipstream.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrunedReadsTest {
  private static final KubernetesSerialization PRUNED = PrunedReads.serialization();
  private static final KubernetesSerialization PLAIN = new KubernetesSerialization();
  private static final String MANAGED = "\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Update\","
      + "\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{}}}]";

  private static String flinkDeployment() {
    return "{\"apiVersion\":\"flink.apache.org/v1beta1\",\"kind\":\"FlinkDeployment\",\"metadata\":{\"name\":\"p1\","
        + "\"namespace\":\"payments\",\"resourceVersion\":\"7\",\"labels\":{\"app.kubernetes.io/managed-by\":\"slipstream\"},"
        + MANAGED + "},\"spec\":{\"job\":{\"state\":\"running\",\"parallelism\":2}},"
        + "\"status\":{\"lifecycleState\":\"STABLE\",\"jobStatus\":{\"state\":\"RUNNING\"},\"reconciliationStatus\":"
        + "{\"state\":\"DEPLOYED\",\"reconciliationTimestamp\":1,\"lastReconciledSpec\":\"{\\\"spec\\\":{}}\","
        + "\"lastStableSpec\":\"{\\\"spec\\\":{}}\"}}}";
  }

  private static String withLastApplied(String apiVersion, String kind) {
    return "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"fraud-scoring\","
        + "\"namespace\":\"payments\",\"annotations\":{\"" + PrunedReads.LAST_APPLIED + "\":\"{\\\"kind\\\":\\\"" + kind
        + "\\\"}\",\"team\":\"risk\"}," + MANAGED + "},\"spec\":{}}";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> reconciliation(GenericKubernetesResource deployment) {
    return (Map<String, Object>) ((Map<String, Object>) deployment.getAdditionalProperties().get("status"))
        .get("reconciliationStatus");
  }

  @Test
  void aFlinkDeploymentIsReadWithoutManagedFieldsNorTheFlinkOperatorsCopiesOfItsSpec() {
    GenericKubernetesResource read = PRUNED.unmarshal(flinkDeployment(), GenericKubernetesResource.class);
    assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(reconciliation(read)).containsOnlyKeys("state", "reconciliationTimestamp").containsEntry("state", "DEPLOYED");
    assertThat(read.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "slipstream");
    assertThat(read.getAdditionalProperties().get("spec")).isEqualTo(Map.of("job", Map.of("state", "running", "parallelism", 2)));

    GenericKubernetesResource plain = PLAIN.unmarshal(flinkDeployment(), GenericKubernetesResource.class);
    assertThat(plain.getMetadata().getManagedFields()).as("the twin: fabric8's own serialization keeps both").hasSize(1);
    assertThat(reconciliation(plain)).containsKeys("lastReconciledSpec", "lastStableSpec");
  }

  @Test
  void anUntypedObjectAndItsLabelsAreHeldInCompactMapsThatWriteTheSameJsonAndStillChange() {
    GenericKubernetesResource read = PRUNED.unmarshal(flinkDeployment(), GenericKubernetesResource.class);
    assertThat(read.getAdditionalProperties().get("spec")).isInstanceOf(CompactMap.class);
    assertThat(read.getMetadata().getLabels()).isInstanceOf(CompactMap.class);
    GenericKubernetesResource plain = PLAIN.unmarshal(flinkDeployment(), GenericKubernetesResource.class);
    assertThat(plain.getAdditionalProperties().get("spec")).as("the twin: fabric8's own serialization reads hash maps")
        .isInstanceOf(java.util.LinkedHashMap.class);
    reconciliation(plain).remove("lastReconciledSpec");
    reconciliation(plain).remove("lastStableSpec");
    plain.getMetadata().setManagedFields(null);
    assertThat(PRUNED.asJson(read)).as("the same text, keys in the same order").isEqualTo(PLAIN.asJson(plain));
    assertThat(read).isEqualTo(plain);

    @SuppressWarnings("unchecked")
    Map<String, Object> job = (Map<String, Object>) ((Map<String, Object>) read.getAdditionalProperties().get("spec")).get("job");
    job.put("state", "suspended");
    job.put("upgradeMode", "savepoint");
    assertThat(PRUNED.asJson(read)).contains("\"job\":{\"state\":\"suspended\",\"parallelism\":2,\"upgradeMode\":\"savepoint\"}");
  }

  @Test
  void theLastAppliedCopyIsLeftOutOfSlipstreamsKindsAndKeptOnOwnedOnesWhichTheOperatorReplaces() {
    StreamingPipeline pipeline = PRUNED.unmarshal(withLastApplied("slipstream.dev/v1alpha1", "StreamingPipeline"),
        StreamingPipeline.class);
    assertThat(pipeline.getMetadata().getAnnotations()).containsOnlyKeys("team");
    assertThat(pipeline.getMetadata().getManagedFields()).isNullOrEmpty();

    GenericKubernetesResource service = PRUNED.unmarshal(withLastApplied("serving.kserve.io/v1beta1", "InferenceService"),
        GenericKubernetesResource.class);
    assertThat(service.getMetadata().getAnnotations()).containsKeys(PrunedReads.LAST_APPLIED, "team");
    assertThat(service.getMetadata().getManagedFields()).isNullOrEmpty();
  }

  @Test
  void objectsInAListAndInAWatchEventAreReadTheSameWay() {
    GenericKubernetesResourceList list = PRUNED.unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{},"
        + "\"items\":[" + flinkDeployment() + "]}", GenericKubernetesResourceList.class);
    assertThat(reconciliation(list.getItems().get(0))).doesNotContainKeys("lastReconciledSpec", "lastStableSpec");
    assertThat(list.getItems().get(0).getMetadata().getManagedFields()).isNullOrEmpty();

    WatchEvent event = PRUNED.unmarshal("{\"type\":\"MODIFIED\",\"object\":" + flinkDeployment() + "}", WatchEvent.class);
    Object object = event.getObject();
    assertThat(object).isInstanceOf(GenericKubernetesResource.class);
    assertThat(reconciliation((GenericKubernetesResource) object)).doesNotContainKeys("lastReconciledSpec", "lastStableSpec");
  }

  @Test
  void whatIsWrittenIsWrittenAsFabric8WritesIt() {
    StreamingPipeline pipeline = PLAIN.unmarshal(withLastApplied("slipstream.dev/v1alpha1", "StreamingPipeline"),
        StreamingPipeline.class);
    assertThat(PRUNED.asJson(pipeline)).isEqualTo(PLAIN.asJson(pipeline)).contains("managedFields", PrunedReads.LAST_APPLIED);
  }
}
