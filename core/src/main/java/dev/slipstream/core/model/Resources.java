package dev.slipstream.core.model;

import dev.slipstream.api.v1alpha1.ModelResources;
import java.util.LinkedHashMap;
import java.util.Map;

/** Requests and limits of a serving replica. Requests equal limits: inference latency must not depend on neighbours. */
final class Resources {
  static final String GPU = "nvidia.com/gpu";
  static final String GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";

  private Resources() {}

  static Map<String, String> amounts(ModelResources r) {
    Map<String, String> amounts = new LinkedHashMap<>();
    amounts.put("cpu", r.cpu);
    amounts.put("memory", r.memory);
    if (r.gpu != null && r.gpu > 0) {
      amounts.put(GPU, String.valueOf(r.gpu));
    }
    return amounts;
  }

  static Map<String, String> nodeSelector(ModelResources r) {
    return r.gpuProduct == null ? Map.of() : Map.of(GPU_PRODUCT_LABEL, r.gpuProduct);
  }
}
