package dev.slipstream.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Kafka topics in, features computed by a Flink job, a served model scoring them, Kafka topic out. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("StreamingPipeline")
@Plural("streamingpipelines")
@Singular("streamingpipeline")
@ShortNames("sp")
@Categories("slipstream")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Model", jsonPath = ".status.model")
@AdditionalPrinterColumn(name = "Lag", jsonPath = ".status.consumerLag", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Rollout", jsonPath = ".status.rollout.phase")
@AdditionalPrinterColumn(name = "Weight", jsonPath = ".status.rollout.weight", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Shed", jsonPath = ".status.shed.levelName")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", priority = 1)
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".status.endpoint", priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class StreamingPipeline extends CustomResource<StreamingPipelineSpec, StreamingPipelineStatus>
    implements Namespaced {
  @Override
  protected StreamingPipelineSpec initSpec() {
    return new StreamingPipelineSpec();
  }

  @Override
  protected StreamingPipelineStatus initStatus() {
    return new StreamingPipelineStatus();
  }
}
