package dev.slipstream.core.slo;

import dev.slipstream.api.v1alpha1.AnalysisResult;
import java.util.List;

/** The outcome of one metric, and of a whole check: any failure fails it; else any missing data makes it NoData. */
public enum Verdict {
  Pass,
  Fail,
  NoData;

  public static Verdict of(List<AnalysisResult> results) {
    if (results.stream().anyMatch(r -> Fail.name().equals(r.verdict))) {
      return Fail;
    }
    return results.stream().anyMatch(r -> NoData.name().equals(r.verdict)) ? NoData : Pass;
  }
}
