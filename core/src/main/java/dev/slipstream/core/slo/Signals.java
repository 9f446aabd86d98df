package dev.slipstream.core.slo;

/**
 * What was measured for one version over one analysis interval; null means the source had no data.
 *
 * @param target which version: candidate, shadow or stable
 * @param consumerLag lag of the version's consumer group now, in messages
 * @param previousLag the same lag one check earlier, or null on the first check
 * @param p99LatencyMs p99 inference latency over the interval
 * @param errorRatePercent share of failed inference requests over the interval
 * @param requests inference requests the latency and error rate are computed over
 * @param latencyMeasured whether a latency source is configured at all; without one, latency and error rate
 *     are not judged (rather than judged as missing data)
 * @param agreement how the shadow's predictions matched the served ones, null when not compared or unreadable
 * @param minAgreementPercent the least agreement that passes; null when agreement is not judged
 * @param lagTarget whose consumer lag it is: the pipeline's group (a canary) or the shadow job's
 * @param baseline the lag expected without the rollout, or null: lag is blamed on the candidate only above it
 * @param stable the stable version's latency and errors over the same interval, or null when not compared
 * @param backlog under a canary split by key, each side's own backlog in the job, or null: says whose the lag is
 */
public record Signals(String target, Long consumerLag, Long previousLag, Double p99LatencyMs, Double errorRatePercent,
    Long requests, boolean latencyMeasured, PredictionAgreement.Agreement agreement, Double minAgreementPercent,
    String lagTarget, LagBaseline baseline, Stable stable, Backlog backlog) {

  /** The stable version's numbers over the interval the candidate's were measured in; nulls where it had no data. */
  public record Stable(Double p99LatencyMs, Double errorRatePercent, Long requests) {}

  /**
   * Under a canary split by key, the events the job had routed to each side and not yet decided, on average over the
   * interval: its own processing backlog. By Little's law a side's backlog over its share of the keys is how long its
   * events wait; the side whose events wait far longer is the one making the consumer lag grow.
   *
   * @param candidate the candidate's backlog, null without data
   * @param stable the stable version's backlog, null without data
   * @param weightPercent the candidate's share of the keys, 1 to 99
   * @param settling whether the step began too recently for the job's backlog at this weight to have reached the
   *     metrics backend: a side without data then is not yet known rather than absent
   */
  public record Backlog(Double candidate, Double stable, int weightPercent, boolean settling) {
    public Backlog(Double candidate, Double stable, int weightPercent) {
      this(candidate, stable, weightPercent, false);
    }

    /** How many times longer the candidate's events wait than the stable version's; infinite when only it has any. */
    public double candidateWaitRatio() {
      double perCandidateKey = candidate / weightPercent;
      double perStableKey = stable / (100 - weightPercent);
      return perStableKey == 0 ? (perCandidateKey == 0 ? 1 : Double.POSITIVE_INFINITY) : perCandidateKey / perStableKey;
    }

    /** A weight that leaves both sides some keys: only then is there a choice of whose the lag is. */
    public boolean split() {
      return weightPercent > 0 && weightPercent < 100;
    }

    /** Both sides measured at a weight that leaves both some keys. */
    public boolean measured() {
      return candidate != null && stable != null && split();
    }
  }

  public Signals(String target, Long consumerLag, Long previousLag, Double p99LatencyMs, Double errorRatePercent,
      Long requests, boolean latencyMeasured) {
    this(target, consumerLag, previousLag, p99LatencyMs, errorRatePercent, requests, latencyMeasured, null, null, target,
        null, null, null);
  }

  public Signals(String target, Long consumerLag, Long previousLag, Double p99LatencyMs, Double errorRatePercent,
      Long requests) {
    this(target, consumerLag, previousLag, p99LatencyMs, errorRatePercent, requests, true);
  }

  /** These signals with the shadow's prediction agreement, judged against {@code minPercent}. */
  public Signals withAgreement(PredictionAgreement.Agreement measured, Double minPercent) {
    return new Signals(target, consumerLag, previousLag, p99LatencyMs, errorRatePercent, requests, latencyMeasured, measured,
        minPercent, lagTarget, baseline, stable, backlog);
  }

  /** These signals with the lag named as {@code whose} and judged against {@code expected} (null: the SLO alone). */
  public Signals withLag(String whose, LagBaseline expected) {
    return new Signals(target, consumerLag, previousLag, p99LatencyMs, errorRatePercent, requests, latencyMeasured, agreement,
        minAgreementPercent, whose, expected, stable, backlog);
  }

  /** These signals with the stable version's over the same interval, to judge the candidate against. */
  public Signals withStable(Stable measured) {
    return new Signals(target, consumerLag, previousLag, p99LatencyMs, errorRatePercent, requests, latencyMeasured, agreement,
        minAgreementPercent, lagTarget, baseline, measured, backlog);
  }

  /** These signals with each side's backlog in the job, to tell whose the lag is. */
  public Signals withBacklog(Backlog measured) {
    return new Signals(target, consumerLag, previousLag, p99LatencyMs, errorRatePercent, requests, latencyMeasured, agreement,
        minAgreementPercent, lagTarget, baseline, stable, measured);
  }
}
