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

/** One trained model artefact and how to serve it. Immutable in spirit: a new model is a new ModelVersion. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("ModelVersion")
@Plural("modelversions")
@Singular("modelversion")
@ShortNames("mv")
@Categories("slipstream")
@AdditionalPrinterColumn(name = "Model", jsonPath = ".spec.modelName")
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version")
@AdditionalPrinterColumn(name = "Runtime", jsonPath = ".spec.runtime")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", priority = 1)
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".status.endpoints[0]", priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ModelVersion extends CustomResource<ModelVersionSpec, ModelVersionStatus> implements Namespaced {
  @Override
  protected ModelVersionSpec initSpec() {
    return new ModelVersionSpec();
  }

  @Override
  protected ModelVersionStatus initStatus() {
    return new ModelVersionStatus();
  }
}
