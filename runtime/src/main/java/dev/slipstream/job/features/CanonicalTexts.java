package dev.slipstream.job.features;

import java.util.HashMap;
import java.util.Map;

/**
 * One instance per text value, for the values the features keep: each event's texts are parsed anew, so a key's
 * history held a String of its own for every row, and a distinct count loaded each of them (and, on a match, both
 * strings' bytes) for every event that walked the window. With one instance per value, rows of the same value share
 * it and a match is a reference compare. Bounded: past {@code limit} values it starts again, so a field of unbounded
 * cardinality costs a lookup per event and nothing more. One per task (not thread-safe).
 */
public final class CanonicalTexts {
  private final Map<String, String> known = new HashMap<>();
  private final int limit;

  public CanonicalTexts(int limit) {
    this.limit = limit;
  }

  /** Replaces each text of {@code values} with the instance kept for its value (nulls stay); returns the array. */
  public String[] canonical(String[] values) {
    if (values == null) {
      return null;
    }
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      if (v == null) {
        continue;
      }
      String kept = known.putIfAbsent(v, v);
      if (kept != null) {
        values[i] = kept;
      } else if (known.size() > limit) {
        known.clear();
      }
    }
    return values;
  }
}
