package dev.slipstream.core.replay;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.core.slo.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The verdict of a replay: the candidate's decisions for retained events, matched by event id with the decisions the
 * stable version made for the same events live (already in the output topic). Agreement has the shadow's semantics
 * (scores within the tolerance, else equal results; fallbacks are not predictions); the candidate's latency is its
 * model's answer time under replay load, its error rate the share of its decisions that fell back. Events whose
 * replayed features differ from the live ones are counted apart: a disagreement there is not the model's.
 * Feed it the replay topic's records first ({@link #replayed}), then the output topic's from the window's start
 * ({@link #stable}) until {@link #waiting} is zero or the topic ends, then {@link #judge}: it holds only the replayed
 * events' decisions.
 */
public final class ReplayJudgement {
  public static final String AGREEMENT = "replayAgreementPercent";
  public static final String P99_LATENCY = "replayP99LatencyMs";
  public static final String ERROR_RATE = "replayErrorRatePercent";

  /** What a decision record of the job says (its output JSON): kind is scored, fallback or late. */
  public record Decision(String eventId, String kind, Double score, String result, String features, Long modelMs,
      String reason) {
    /** A record as the job writes it (docs/reference-job.md): fields it lacks are null. */
    public static Decision of(com.fasterxml.jackson.databind.JsonNode json) {
      return new Decision(text(json, "eventId"), text(json, "kind"), number(json, "score"),
          json.has("result") ? json.get("result").toString() : null,
          json.has("features") ? json.get("features").toString() : null,
          json.path("modelMs").isNumber() ? json.get("modelMs").asLong() : null, text(json, "reason"));
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode json, String field) {
      return json.path(field).isTextual() ? json.get(field).asText() : null;
    }

    private static Double number(com.fasterxml.jackson.databind.JsonNode json, String field) {
      return json.path(field).isNumber() ? json.get(field).asDouble() : null;
    }

    boolean scored() {
      return "scored".equals(kind);
    }

    boolean fallback() {
      return "fallback".equals(kind);
    }
  }

  /** The thresholds: agreement at least, p99 of the model's answer time at most (null: not judged), errors at most. */
  public record Limits(double minAgreementPercent, Double maxP99LatencyMs, double maxErrorPercent, double scoreTolerance) {
    /** A pipeline's replay limits: its own, else its SLO's latency and error rate. */
    public static Limits of(dev.slipstream.api.v1alpha1.ReplaySpec replay, dev.slipstream.api.v1alpha1.SloSpec slo) {
      Integer p99 = replay.p99LatencyMs != null ? replay.p99LatencyMs : slo == null ? null : slo.p99LatencyMs;
      Double errors = replay.maxErrorRatePercent != null ? replay.maxErrorRatePercent
          : slo == null || slo.maxErrorRatePercent == null ? 1.0 : slo.maxErrorRatePercent;
      return new Limits(replay.minAgreementPercent, p99 == null ? null : p99.doubleValue(), errors, replay.scoreTolerance);
    }
  }

  /** The counts behind the verdict, for the status and the Event. */
  public record Counts(long replayed, long scored, long fallbacks, long late, long compared, long agreeing,
      long featureMismatches, long withoutStable, Long p99ModelMs) {
    public double agreementPercent() {
      return compared == 0 ? 0 : 100.0 * agreeing / compared;
    }

    public double errorPercent() {
      long decided = scored + fallbacks;
      return decided == 0 ? 0 : 100.0 * fallbacks / decided;
    }
  }

  private final Limits limits;
  /** The candidate's scored decisions not yet matched, by event id. */
  private final Map<String, Decision> unmatched = new HashMap<>();
  private final java.util.Set<String> seen = new java.util.HashSet<>();
  private long replayed;
  private long scored;
  private long fallbacks;
  private long late;
  private long compared;
  private long agreeing;
  private long featureMismatches;
  private long[] modelMs = new long[1024];
  private int timed;

  public ReplayJudgement(Limits limits) {
    this.limits = limits;
  }

  /** A record of the replay topic: the candidate's decision for a replayed event. */
  public void replayed(Decision d) {
    if (d.eventId() != null && !seen.add(d.eventId())) {
      return; // written again after the replay was suspended and started over: the first decision counts
    }
    replayed++;
    if ("late".equals(d.kind())) {
      late++;
      return;
    }
    if (d.fallback()) {
      fallbacks++;
      return;
    }
    if (!d.scored()) {
      return;
    }
    scored++;
    if (d.modelMs() != null) {
      if (timed == modelMs.length) {
        modelMs = Arrays.copyOf(modelMs, timed * 2);
      }
      modelMs[timed++] = d.modelMs();
    }
    if (d.eventId() != null) {
      unmatched.put(d.eventId(), new Decision(null, d.kind(), d.score(), d.result(), d.features(), null, null));
    }
  }

  /** A record of the output topic: the stable version's live decision for an event, compared when it was replayed. */
  public void stable(Decision live) {
    if (!live.scored() || live.eventId() == null) {
      return;
    }
    Decision d = unmatched.remove(live.eventId());
    if (d == null) {
      return;
    }
    compared++;
    boolean same = live.score() != null && d.score() != null
        ? Math.abs(live.score() - d.score()) <= limits.scoreTolerance() + 1e-12
        : Objects.equals(live.result(), d.result());
    if (same) {
      agreeing++;
    }
    if (!Objects.equals(live.features(), d.features())) {
      featureMismatches++;
    }
  }

  /** How many replayed decisions still wait for their stable twin: reading the output topic can stop at zero. */
  public int waiting() {
    return unmatched.size();
  }

  public Counts counts() {
    Long p99 = null;
    if (timed > 0) {
      long[] sorted = Arrays.copyOf(modelMs, timed);
      Arrays.sort(sorted);
      p99 = sorted[(int) Math.min(timed - 1, Math.ceil(timed * 0.99) - 1)];
    }
    return new Counts(replayed, scored, fallbacks, late, compared, agreeing, featureMismatches, unmatched.size(), p99);
  }

  /** One result per check, each with the numbers; NoData where nothing could be compared or timed. */
  public List<AnalysisResult> judge(String candidate) {
    Counts c = counts();
    List<AnalysisResult> results = new ArrayList<>();
    if (c.compared() == 0) {
      results.add(result(AGREEMENT, candidate, null, limits.minAgreementPercent(), Verdict.NoData,
          "replay agreement: no data (" + c.replayed() + " events replayed, none with a stable decision to compare)"));
    } else {
      double agreement = c.agreementPercent();
      boolean pass = agreement >= limits.minAgreementPercent() - 1e-9;
      String parity = c.featureMismatches() == 0 ? "" : "; " + c.featureMismatches()
          + " of them with features other than live (not the model's doing)";
      results.add(result(AGREEMENT, candidate, round(agreement), limits.minAgreementPercent(),
          pass ? Verdict.Pass : Verdict.Fail, "replay agreement " + percent(agreement) + (pass ? " >= " : " < ")
              + percent(limits.minAgreementPercent()) + " (" + c.agreeing() + " of " + c.compared() + " events"
              + parity + ")"));
    }
    if (limits.maxP99LatencyMs() != null) {
      if (c.p99ModelMs() == null) {
        results.add(result(P99_LATENCY, candidate, null, limits.maxP99LatencyMs(), Verdict.NoData,
            "replay p99 latency: no data (no event scored)"));
      } else {
        boolean pass = c.p99ModelMs() <= limits.maxP99LatencyMs();
        results.add(result(P99_LATENCY, candidate, (double) c.p99ModelMs(), limits.maxP99LatencyMs(),
            pass ? Verdict.Pass : Verdict.Fail, "replay p99 latency " + c.p99ModelMs() + "ms" + (pass ? " <= " : " > ")
                + Math.round(limits.maxP99LatencyMs()) + "ms (" + c.scored() + " answers under replay load)"));
      }
    }
    if (c.scored() + c.fallbacks() == 0) {
      results.add(result(ERROR_RATE, candidate, null, limits.maxErrorPercent(), Verdict.NoData,
          "replay error rate: no data (no event decided)"));
    } else {
      double errors = c.errorPercent();
      boolean pass = errors <= limits.maxErrorPercent() + 1e-9;
      results.add(result(ERROR_RATE, candidate, round(errors), limits.maxErrorPercent(), pass ? Verdict.Pass : Verdict.Fail,
          "replay error rate " + percent(errors) + (pass ? " <= " : " > ") + percent(limits.maxErrorPercent()) + " ("
              + c.fallbacks() + " fallbacks of " + (c.scored() + c.fallbacks()) + " decisions"
              + (c.late() == 0 ? "" : "; " + c.late() + " events late or unreadable") + ")"));
    }
    return results;
  }

  private static AnalysisResult result(String metric, String target, Double value, Double threshold, Verdict verdict,
      String message) {
    return new AnalysisResult(metric, target, value, threshold, verdict.name(), message);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static String percent(double v) {
    return String.format(Locale.ROOT, "%.2f%%", v);
  }
}
