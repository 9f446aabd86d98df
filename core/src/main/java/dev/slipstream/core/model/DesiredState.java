package dev.slipstream.core.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whether an object on the API server already holds what we want. What the server or another controller
 * added (defaults, status, other annotations and labels) is not a difference: only what we declare counts.
 * This is what keeps an unchanged pipeline from causing any write on resync.
 *
 * <p>It runs on every reconcile against the informer's copy, so it reads that copy where it lies: an untyped
 * object's maps are compared in place (only the desired side is walked), and nothing of the observed object is
 * converted or copied; a typed object (ConfigMap, Deployment, Service: small) is converted to maps once.
 */
public final class DesiredState {
  private static final ObjectMapper MAPPER = dev.slipstream.core.json.Json.MAPPER;
  private static final Set<String> NOT_COMPARED = Set.of("apiVersion", "kind", "metadata", "status");

  private DesiredState() {}

  public static boolean isSatisfiedBy(HasMetadata desired, HasMetadata actual) {
    if (actual == null) {
      return false;
    }
    Map<String, String> wantedLabels = desired.getMetadata().getLabels();
    Map<String, String> labels = actual.getMetadata().getLabels();
    if (wantedLabels != null && !wantedLabels.isEmpty()
        && (labels == null || !labels.entrySet().containsAll(wantedLabels.entrySet()))) {
      return false;
    }
    Map<String, String> wantedAnnotations = desired.getMetadata().getAnnotations();
    Map<String, String> annotations = actual.getMetadata().getAnnotations();
    if (wantedAnnotations != null && !wantedAnnotations.isEmpty()
        && (annotations == null || !annotations.entrySet().containsAll(wantedAnnotations.entrySet()))) {
      return false;
    }
    for (OwnerReference ref : desired.getMetadata().getOwnerReferences()) {
      if (actual.getMetadata().getOwnerReferences().stream().noneMatch(r -> Objects.equals(r.getUid(), ref.getUid()))) {
        return false;
      }
    }
    Map<?, ?> want = fields(desired);
    Map<?, ?> have = fields(actual);
    // a spec is satisfied by a superset (servers and controllers add defaults); other content, such as a
    // ConfigMap's data, must be exactly as desired: a key we dropped must go
    for (Map.Entry<?, ?> field : want.entrySet()) {
      String name = String.valueOf(field.getKey());
      if (NOT_COMPARED.contains(name)) {
        continue;
      }
      boolean satisfied = "spec".equals(name)
          ? contains(have.get(name), field.getValue())
          : same(have.get(name), field.getValue());
      if (!satisfied) {
        return false;
      }
    }
    return true;
  }

  /** An object's top-level fields as JSON values: an untyped object's own map, a typed one converted. */
  private static Map<?, ?> fields(HasMetadata object) {
    return object instanceof GenericKubernetesResource generic
        ? generic.getAdditionalProperties()
        : MAPPER.convertValue(object, Map.class);
  }

  /**
   * {@code have} contains {@code want}: objects by key, arrays element by element, numbers by value, other
   * values equal and of the same JSON type. Both are JSON values as Jackson reads them untyped (maps, lists,
   * strings, numbers, booleans, null); anything else is converted to one first.
   */
  static boolean contains(Object have, Object want) {
    return matches(have, want, false);
  }

  /** {@code have} is exactly {@code want}: no key more or fewer, numbers by value; a null is an absent key. */
  static boolean same(Object have, Object want) {
    return matches(have, want, true);
  }

  private static boolean matches(Object have, Object want, boolean exact) {
    want = json(want);
    have = json(have);
    if (want == null) {
      return !exact || have == null;
    }
    if (have == null) {
      return false;
    }
    if (want instanceof Map<?, ?> wanted) {
      if (!(have instanceof Map<?, ?> present) || exact && present.size() - nulls(present) != wanted.size() - nulls(wanted)) {
        return false;
      }
      for (Map.Entry<?, ?> field : wanted.entrySet()) {
        if (!matches(present.get(field.getKey()), field.getValue(), exact)) {
          return false;
        }
      }
      return true;
    }
    if (want instanceof List<?> wanted) {
      if (!(have instanceof List<?> present) || present.size() != wanted.size()) {
        return false;
      }
      for (int i = 0; i < wanted.size(); i++) {
        if (!matches(present.get(i), wanted.get(i), exact)) {
          return false;
        }
      }
      return true;
    }
    return sameScalar(have, want);
  }

  private static long nulls(Map<?, ?> map) {
    return map.values().stream().filter(Objects::isNull).count();
  }

  private static boolean sameScalar(Object have, Object want) {
    if (want instanceof Number wanted && have instanceof Number present) {
      BigDecimal a = decimal(wanted);
      BigDecimal b = decimal(present);
      return a != null && b != null ? a.compareTo(b) == 0 : wanted.equals(present);
    }
    return want.getClass() == have.getClass() && want.equals(have);
  }

  /** A number's exact value; null for NaN and the infinities, which have none. */
  private static BigDecimal decimal(Number number) {
    if (number instanceof BigDecimal exact) {
      return exact;
    }
    if ((number instanceof Double || number instanceof Float) && !Double.isFinite(number.doubleValue())) {
      return null;
    }
    return new BigDecimal(number.toString());
  }

  /** A JSON value as Jackson reads it untyped; maps, lists, strings, numbers and booleans are already one. */
  private static Object json(Object value) {
    if (value == null || value instanceof Map<?, ?> || value instanceof List<?> || value instanceof String
        || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    return MAPPER.convertValue(value, Object.class);
  }
}
