package dev.slipstream.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and annotations Slipstream puts on what it owns. */
public final class Labels {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "slipstream";
  public static final String NAME = "app.kubernetes.io/name";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PIPELINE = "slipstream.dev/pipeline";
  public static final String MODEL_VERSION = "slipstream.dev/model-version";

  private Labels() {}

  /** The labels every owned object of a pipeline carries. */
  public static Map<String, String> owned(String pipeline, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(PIPELINE, pipeline);
    labels.put(COMPONENT, component);
    return labels;
  }

  /** The selector {@code managed-by=slipstream} that informers on owned kinds use. */
  public static String managedSelector() {
    return MANAGED_BY + "=" + MANAGED_BY_VALUE;
  }
}
