package dev.slipstream.core.slo;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.AnalysisSpec;
import dev.slipstream.api.v1alpha1.SloSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Holds measured signals against a pipeline's SLOs. Every result carries the measured value, the threshold
 * and the verdict in words, so nobody has to guess why a check failed.
 */
public final class SloEvaluator {
  public static final String CONSUMER_LAG = "consumerLag";
  public static final String LAG_GROWTH = "lagGrowth";
  public static final String P99_LATENCY = "p99LatencyMs";
  public static final String ERROR_RATE = "errorRatePercent";
  public static final String PREDICTION_AGREEMENT = "predictionAgreement";
  public static final String P99_VS_STABLE = "p99VsStable";
  public static final String ERROR_RATE_VS_STABLE = "errorRateVsStable";
  /** Lag growth counts only above this share of the lag SLO, so a small lag that wobbles is not a trend. */
  static final double GROWTH_FLOOR_SHARE = 0.1;
  /** Under a key split, a failed lag check is the candidate's when its events wait more than this many times longer. */
  static final double BLAME_WAIT_RATIO = 2.0;

  private SloEvaluator() {}

  public static List<AnalysisResult> evaluate(SloSpec slo, AnalysisSpec analysis, Signals s) {
    List<AnalysisResult> results = new ArrayList<>();
    double maxLag = slo.maxConsumerLag;
    String whose = s.lagTarget();
    LagBaseline baseline = s.baseline();
    if (s.consumerLag() == null) {
      results.add(noData(CONSUMER_LAG, whose, maxLag, "consumer lag: no data (Kafka did not answer)"));
    } else {
      double lag = s.consumerLag();
      // a backlog from before the rollout is not the candidate's: lag fails only above what was expected without it
      boolean aboveBaseline = baseline == null || lag > baseline.expected();
      boolean bad = lag > maxLag && aboveBaseline;
      String message = "consumer lag " + count(lag) + (lag > maxLag ? " > " : " <= ") + count(maxLag);
      if (lag > maxLag && baseline != null && baseline.expected() > 0) {
        message += aboveBaseline ? " and above its " + baseline.describe()
            : lag < baseline.lag() ? " but draining: " + baseline.describe() : " but not above its " + baseline.describe();
      }
      results.add(result(CONSUMER_LAG, whose, lag, maxLag, bad, message));
      if (s.previousLag() != null) {
        double growth = lag - s.previousLag();
        double floor = Math.max(1, maxLag * GROWTH_FLOOR_SHARE);
        boolean growing = growth > 0 && lag > floor && aboveBaseline;
        results.add(result(LAG_GROWTH, whose, growth, 0.0, growing, growing
            ? "consumer lag grew by " + count(growth) + " to " + count(lag) + " in one interval (above " + count(floor)
                + (baseline == null || baseline.expected() == 0 ? "" : " and its " + baseline.describe()) + ")"
            : growth > 0 && lag > floor ? "consumer lag grew by " + count(growth) + " to " + count(lag)
                + ", not above its " + baseline.describe()
            : "consumer lag not growing (" + signed(growth) + " to " + count(lag) + ")"));
      }
    }
    if (s.backlog() != null) {
      results.replaceAll(r -> attributed(r, s.backlog()));
    }
    if (s.minAgreementPercent() != null) {
      results.add(agreement(s, analysis));
    }
    if (!s.latencyMeasured()) {
      return results;
    }
    boolean enough = s.requests() != null && s.requests() >= analysis.minSamples;
    String few = enough || s.requests() == null ? "no data"
        : "no data (" + s.requests() + " requests, fewer than " + analysis.minSamples + ")";
    if (s.p99LatencyMs() == null || !enough) {
      results.add(noData(P99_LATENCY, s.target(), slo.p99LatencyMs.doubleValue(), "p99 latency: "
          + (s.p99LatencyMs() == null ? "no data" : few)));
    } else {
      double p99 = s.p99LatencyMs();
      boolean bad = p99 > slo.p99LatencyMs;
      results.add(result(P99_LATENCY, s.target(), p99, slo.p99LatencyMs.doubleValue(), bad,
          "p99 latency " + ms(p99) + (bad ? " > " : " <= ") + ms(slo.p99LatencyMs)));
    }
    if (s.errorRatePercent() == null || !enough) {
      results.add(noData(ERROR_RATE, s.target(), slo.maxErrorRatePercent, "error rate: "
          + (s.errorRatePercent() == null ? "no data" : few)));
    } else {
      double rate = s.errorRatePercent();
      boolean bad = rate > slo.maxErrorRatePercent;
      results.add(result(ERROR_RATE, s.target(), rate, slo.maxErrorRatePercent, bad,
          "error rate " + percent(rate) + (bad ? " > " : " <= ") + percent(slo.maxErrorRatePercent)));
    }
    if (analysis.comparedToStable != null && s.stable() != null && enough) {
      results.addAll(comparedToStable(analysis, s));
    }
    return results;
  }

  /**
   * The candidate against the stable version over the same interval: its p99 within either allowance (milliseconds
   * or percent above the stable version's), its error rate within the allowed points above the stable one's. The
   * stable version without enough requests is no data.
   */
  private static List<AnalysisResult> comparedToStable(AnalysisSpec analysis, Signals s) {
    var rules = analysis.comparedToStable;
    var stable = s.stable();
    boolean stableEnough = stable.requests() != null && stable.requests() >= analysis.minSamples;
    List<AnalysisResult> results = new ArrayList<>();
    if (rules.maxP99IncreaseMs != null || rules.maxP99IncreasePercent != null) {
      if (!stableEnough || stable.p99LatencyMs() == null || s.p99LatencyMs() == null) {
        results.add(noData(P99_VS_STABLE, s.target(), 0, "p99 latency against stable: no data for the stable version"));
      } else {
        double base = stable.p99LatencyMs();
        double byMs = rules.maxP99IncreaseMs == null ? Double.NEGATIVE_INFINITY : base + rules.maxP99IncreaseMs;
        double byPercent = rules.maxP99IncreasePercent == null ? Double.NEGATIVE_INFINITY
            : base * (1 + rules.maxP99IncreasePercent / 100.0);
        double allowed = Math.max(byMs, byPercent);
        String allowance = byMs >= byPercent ? "stable " + ms(base) + " + " + ms(rules.maxP99IncreaseMs)
            : "stable " + ms(base) + " + " + rules.maxP99IncreasePercent + "%";
        double p99 = s.p99LatencyMs();
        boolean bad = p99 > allowed;
        results.add(result(P99_VS_STABLE, s.target(), p99, allowed, bad, "p99 latency " + ms(p99) + (bad ? " > " : " <= ")
            + allowance));
      }
    }
    if (rules.maxErrorRateIncreasePoints != null) {
      if (!stableEnough || stable.errorRatePercent() == null || s.errorRatePercent() == null) {
        results.add(noData(ERROR_RATE_VS_STABLE, s.target(), 0, "error rate against stable: no data for the stable version"));
      } else {
        double allowed = stable.errorRatePercent() + rules.maxErrorRateIncreasePoints;
        double rate = s.errorRatePercent();
        boolean bad = rate > allowed;
        results.add(result(ERROR_RATE_VS_STABLE, s.target(), rate, allowed, bad, "error rate " + percent(rate)
            + (bad ? " > " : " <= ") + "stable " + percent(stable.errorRatePercent()) + " + "
            + String.format(Locale.ROOT, "%.2f", rules.maxErrorRateIncreasePoints) + " points"));
      }
    }
    return results;
  }

  /**
   * A failed lag check under a canary split by key, told whose it is from each side's backlog in the job: the
   * candidate's when its events wait more than {@link #BLAME_WAIT_RATIO} times as long as the stable version's (it
   * fails, saying so); otherwise not the candidate's, and the check has no verdict on it (the rollout holds, under
   * the noData rule, rather than rolling back a candidate for a lag it does not cause). Without a side's backlog
   * while the step is settling, whose the lag is is not known yet: no verdict, as for a lag that is not the
   * candidate's; later, the check is judged on the pipeline's lag alone and says so.
   */
  private static AnalysisResult attributed(AnalysisResult r, Signals.Backlog b) {
    boolean lagCheck = CONSUMER_LAG.equals(r.metric) || LAG_GROWTH.equals(r.metric);
    if (!lagCheck || !Verdict.Fail.name().equals(r.verdict) || !b.split()) {
      return r;
    }
    if (!b.measured()) {
      String missing = b.candidate() == null && b.stable() == null ? "either version"
          : b.candidate() == null ? "the candidate" : "the stable version";
      return b.settling()
          ? new AnalysisResult(r.metric, r.target, r.value, r.threshold, Verdict.NoData.name(), r.message
              + "; whose it is not known yet: no backlog from the job for " + missing + " at " + b.weightPercent()
              + "% so far")
          : new AnalysisResult(r.metric, r.target, r.value, r.threshold, r.verdict, r.message
              + "; whose it is not known: no backlog from the job for " + missing + ", judged on the pipeline's lag");
    }
    double ratio = b.candidateWaitRatio();
    String backlogs = "backlog " + String.format(Locale.ROOT, "%.1f", b.candidate()) + " at " + b.weightPercent()
        + "% of the keys, stable " + String.format(Locale.ROOT, "%.1f", b.stable()) + " at " + (100 - b.weightPercent()) + "%";
    String waits = Double.isInfinite(ratio) ? "only the candidate's events wait"
        : "the candidate's events wait " + String.format(Locale.ROOT, "%.1f", ratio) + "x as long as the stable version's";
    if (ratio > BLAME_WAIT_RATIO) {
      return new AnalysisResult(r.metric, r.target, r.value, r.threshold, r.verdict, r.message + "; the candidate's: " + waits
          + " (" + backlogs + ")");
    }
    return new AnalysisResult(r.metric, r.target, r.value, r.threshold, Verdict.NoData.name(), r.message
        + "; not the candidate's: " + waits + " (" + backlogs + ")");
  }

  /** The shadow's predictions against the served ones; fewer matched records than minSamples is no data. */
  private static AnalysisResult agreement(Signals s, AnalysisSpec analysis) {
    double min = s.minAgreementPercent();
    var a = s.agreement();
    if (a == null || a.compared() < Math.max(1, analysis.minSamples)) {
      return noData(PREDICTION_AGREEMENT, s.target(), min, "prediction agreement: no data ("
          + (a == null ? "the output topics could not be read" : a.compared() + " records on both topics") + ")");
    }
    boolean bad = a.percent() < min;
    return result(PREDICTION_AGREEMENT, s.target(), a.percent(), min, bad, String.format(Locale.ROOT,
        "prediction agreement %.1f%% %s %.1f%% over %d records", a.percent(), bad ? "<" : ">=", min, a.compared()));
  }

  private static AnalysisResult result(String metric, String target, double value, double threshold, boolean failed,
      String message) {
    return new AnalysisResult(metric, target, value, threshold, (failed ? Verdict.Fail : Verdict.Pass).name(),
        target + " " + message);
  }

  private static AnalysisResult noData(String metric, String target, double threshold, String message) {
    return new AnalysisResult(metric, target, null, threshold, Verdict.NoData.name(), target + " " + message);
  }

  static String count(double v) {
    return String.format(Locale.ROOT, "%d", Math.round(v));
  }

  private static String signed(double v) {
    return String.format(Locale.ROOT, "%+d", Math.round(v));
  }

  static String ms(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%dms", Math.round(v)) : String.format(Locale.ROOT, "%.1fms", v);
  }

  private static String percent(double v) {
    return String.format(Locale.ROOT, "%.2f%%", v);
  }
}
