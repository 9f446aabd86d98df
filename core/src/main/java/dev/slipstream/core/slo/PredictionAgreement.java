package dev.slipstream.core.slo;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the candidate, run in shadow on the real input, predicts what the stable version predicts: the
 * records of the real output and of the shadow topic are matched by event id, and a pair agrees when both
 * scores are within the tolerance (or, without scores, both results are equal). Fallback results are not
 * predictions and are left out.
 */
public final class PredictionAgreement {
  private PredictionAgreement() {}

  /** One output record as the job writes it: its event, score (null without one), result, and whether it is a fallback. */
  public record Prediction(String eventId, Double score, String result, boolean fallback) {}

  /** How many records were found on both sides, and how many of them agree. */
  public record Agreement(int compared, int agreeing) {
    public double percent() {
      return compared == 0 ? 0 : 100.0 * agreeing / compared;
    }
  }

  public static Agreement compare(Collection<Prediction> served, Collection<Prediction> shadow, double tolerance) {
    Map<String, Prediction> byEvent = new HashMap<>();
    for (Prediction p : served) {
      if (!p.fallback() && p.eventId() != null) {
        byEvent.put(p.eventId(), p);
      }
    }
    int compared = 0;
    int agreeing = 0;
    for (Prediction s : shadow) {
      Prediction p = s.fallback() || s.eventId() == null ? null : byEvent.remove(s.eventId());
      if (p == null) {
        continue;
      }
      compared++;
      boolean same = p.score() != null && s.score() != null
          ? Math.abs(p.score() - s.score()) <= tolerance + 1e-12
          : Objects.equals(p.result(), s.result());
      if (same) {
        agreeing++;
      }
    }
    return new Agreement(compared, agreeing);
  }
}
