package dev.slipstream.controllers.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON merge patch (RFC 7386) that turns {@code before} into {@code after}: changed and new fields as
 * they are in {@code after}, fields that went away as explicit nulls, at every depth of nested objects.
 * Lists are replaced whole, as merge patch does.
 */
public final class MergePatchDiff {
  private MergePatchDiff() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> between(Map<String, Object> before, Map<String, Object> after) {
    Map<String, Object> patch = new LinkedHashMap<>();
    for (var entry : after.entrySet()) {
      Object old = before.get(entry.getKey());
      Object now = entry.getValue();
      if (old instanceof Map<?, ?> oldMap && now instanceof Map<?, ?> newMap) {
        Map<String, Object> nested = between((Map<String, Object>) oldMap, (Map<String, Object>) newMap);
        if (!nested.isEmpty()) {
          patch.put(entry.getKey(), nested);
        }
      } else if (!Objects.equals(old, now)) {
        patch.put(entry.getKey(), now);
      }
    }
    before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(k -> patch.put(k, null));
    return patch;
  }
}
