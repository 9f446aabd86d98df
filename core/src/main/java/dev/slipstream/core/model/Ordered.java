package dev.slipstream.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Maps that keep the order they were written in, so built objects serialise the same way every run. */
final class Ordered {
  private Ordered() {}

  /** {@code map("a", 1, "b", 2)}: keys and values alternating. */
  static Map<String, Object> map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must alternate");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
