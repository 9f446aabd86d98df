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

/** A degradation ladder decided at design time: what a pipeline does, step by step, when it saturates. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("ShedPolicy")
@Plural("shedpolicies")
@Singular("shedpolicy")
@ShortNames("shed")
@Categories("slipstream")
@AdditionalPrinterColumn(name = "Levels", jsonPath = ".status.levels", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ShedPolicy extends CustomResource<ShedPolicySpec, ShedPolicyStatus> implements Namespaced {
  @Override
  protected ShedPolicySpec initSpec() {
    return new ShedPolicySpec();
  }

  @Override
  protected ShedPolicyStatus initStatus() {
    return new ShedPolicyStatus();
  }
}
