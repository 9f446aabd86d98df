package dev.slipstream.controllers.common;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** A Secret's values as text: its data decoded, then its stringData over them (as the API server would merge them). */
public final class SecretValues {
  private SecretValues() {}

  public static Map<String, String> of(Secret secret) {
    Map<String, String> values = new TreeMap<>();
    if (secret == null) {
      return values;
    }
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }
}
