package dev.slipstream.core.json;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON mapper of core: for comparing desired with observed objects and for copying status records
 * whole. A copy through JSON carries every field, so a field added to a status type is never dropped by a
 * hand-written copy that forgot it.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** A deep copy of {@code value} (a status record, a ModelVersion); null stays null. */
  @SuppressWarnings("unchecked")
  public static <T> T copy(T value) {
    return value == null ? null : (T) MAPPER.convertValue(value, value.getClass());
  }
}
