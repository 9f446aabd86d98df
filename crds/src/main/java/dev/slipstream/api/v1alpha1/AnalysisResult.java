package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One metric of one check: what was measured, against what, and the verdict. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisResult {
  @JsonPropertyDescription("The metric: consumerLag, lagGrowth, p99LatencyMs or errorRatePercent.")
  public String metric;

  @JsonPropertyDescription("What it was measured on: the candidate or stable version (latency, errors, agreement), or the consumer group of the pipeline or of the shadow job (lag).")
  public String target;

  @JsonPropertyDescription("The measured value; absent when there was no data.")
  public Double value;

  @JsonPropertyDescription("The threshold it was held against.")
  public Double threshold;

  @JsonPropertyDescription("Pass, Fail or NoData.")
  public String verdict;

  @JsonPropertyDescription("The check in words, for example: p99 latency 412ms > 250ms.")
  public String message;

  @JsonPropertyDescription("What was asked: the PromQL query as sent, or the consumer group whose lag the broker reported.")
  public String source;

  public AnalysisResult() {}

  public AnalysisResult(String metric, String target, Double value, Double threshold, String verdict, String message) {
    this.metric = metric;
    this.target = target;
    this.value = value;
    this.threshold = threshold;
    this.verdict = verdict;
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnalysisResult a && Objects.equals(metric, a.metric) && Objects.equals(target, a.target)
        && Objects.equals(value, a.value) && Objects.equals(threshold, a.threshold)
        && Objects.equals(verdict, a.verdict) && Objects.equals(message, a.message) && Objects.equals(source, a.source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(metric, target, value, threshold, verdict, message);
  }

  @Override
  public String toString() {
    return message;
  }
}
