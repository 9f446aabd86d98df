package dev.slipstream.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code make bench}: figures measured on this machine against the embedded stack (real broker, test API
 * server, real operator), printed beside their targets and written to target/bench.json.
 *
 * <p>Reaction: a canary at its first step; the input topic floods, so the lag SLO is breached as soon as
 * the records are on the broker; the time until the InferenceService sends all traffic back to the stable
 * version (canaryTrafficPercent 0). Target: at most one analysis interval plus 1 s.
 *
 * <p>Shed reaction: a pipeline whose ShedPolicy scales out above a lag of 100; the input floods; the time
 * until the InferenceService carries the raised replicas. Target: at most one evaluation interval plus 1 s.
 * And the operator's writes of owned objects for that level change. Target: only what changes (the
 * InferenceService and the job's control ConfigMap), beside the pipeline's status and the Event.
 *
 * <p>Attribution ({@link Attribution}): a candidate at 5% of the keys, its p99 event to decision as measured from the
 * job's per-version histogram beside the exact p99 of its decisions on the output topic.
 *
 * <p>The reference job ({@link JobBench}): events per second with a batched model, beside the job with inference
 * off and a plain Kafka pass-through, and the event-to-decision latency at half that rate and under a burst of twice
 * it.
 */
public final class Bench {
  private static final Duration INTERVAL = Reactions.INTERVAL;

  private Bench() {}

  public static void main(String[] argv) throws Exception {
    // make passes "RUNS PIPELINES" as one argument
    String[] args = String.join(" ", argv).trim().isEmpty() ? new String[0] : String.join(" ", argv).trim().split("\\s+");
    if (args.length > 0 && "fanout".equals(args[0])) {
      fanOutOnly(args.length > 1 ? Integer.parseInt(args[1]) : 1000, args.length > 2 ? Integer.parseInt(args[2]) : 3);
      return;
    }
    if (args.length > 0 && "job".equals(args[0])) {
      jobOnly(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<Double> reactions = new ArrayList<>();
    List<Double> keyReactions = new ArrayList<>();
    List<Double> shedReactions = new ArrayList<>();
    List<Integer> shedWrites = new ArrayList<>();
    boolean onlyWhatChanges = true;
    try (EmbeddedStack stack = new EmbeddedStack(Map.of("SLIPSTREAM_RESYNC", "30s", "SLIPSTREAM_METRICS_PORT", "0",
        "SLIPSTREAM_LEADER_ELECTION", "false"))) {
      for (int i = 0; i < runs; i++) {
        double seconds = Reactions.breachToRollback(stack, "bench-" + i);
        reactions.add(seconds);
        System.out.printf(Locale.ROOT, "  run %d: breach to traffic on stable %.2f s%n", i + 1, seconds);
      }
      for (int i = 0; i < runs; i++) {
        double seconds = Reactions.breachToRollback(stack, "bench-key-" + i, dev.slipstream.api.v1alpha1.RolloutSpec.Split.key);
        keyReactions.add(seconds);
        System.out.printf(Locale.ROOT, "  run %d: breach to no key on the candidate (split by key) %.2f s%n", i + 1, seconds);
      }
      for (int i = 0; i < runs; i++) {
        Reactions.ShedReaction r = Reactions.triggerToAction(stack, "bench-shed-" + i);
        shedReactions.add(r.seconds());
        shedWrites.add(r.objectWrites().size());
        onlyWhatChanges &= r.objectWrites().equals(List.of("configmaps/fraud-scoring-control", "inferenceservices/fraud-scoring"));
        System.out.printf(Locale.ROOT, "  run %d: shed trigger to scale-out written %.2f s; writes of owned objects %s"
            + " (and %d status, %d event)%n", i + 1, r.seconds(), r.objectWrites(), r.statusWrites(), r.events());
      }
    }
    Attribution.Figures attribution = null;
    if (dev.slipstream.testkit.EmbeddedPrometheus.available()) {
      attribution = Attribution.run(Files.createTempDirectory("slipstream-attribution"), Duration.ofSeconds(30));
      Attribution.print(attribution);
    } else {
      System.out.println("  attribution: not measured (no Prometheus binary: install it or set PROMETHEUS_BIN)");
    }
    int jobEvents = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    JobBench.Figures job;
    try (var kafka = dev.slipstream.testkit.EmbeddedKafka.start()) {
      job = JobBench.run(kafka, jobEvents, Duration.ofSeconds(10), Duration.ofSeconds(5),
          Files.createTempDirectory("slipstream-job-bench"));
      JobBench.print(job);
    }
    ReplayBench.Figures replay;
    try (var kafka = dev.slipstream.testkit.EmbeddedKafka.start()) {
      replay = ReplayBench.run(kafka, jobEvents, Files.createTempDirectory("slipstream-replay-bench"));
      ReplayBench.print(replay);
    }
    int fanOutPipelines = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    SignalBench.Figures signals;
    System.setProperty("slipstream.kafka.heap", "1g"); // thousands of partitions on one broker
    try (var kafka = dev.slipstream.testkit.EmbeddedKafka.start()) {
      signals = SignalBench.run(kafka, fanOutPipelines, 5);
      SignalBench.print(signals);
    }
    FanOutBench.Figures fanOut = FanOutBench.run(fanOutPipelines, WAVES);
    FanOutBench.print(fanOut);
    double median = median(reactions);
    double target = INTERVAL.toMillis() / 1000.0 + 1;
    double shedMedian = median(shedReactions);
    System.out.printf(Locale.ROOT, "%n%-50s %-12s %-28s %s%n", "figure", "median", "target", "runs");
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "breach to rollback (interval " + INTERVAL.toSeconds() + "s)",
        String.format(Locale.ROOT, "%.2f s", median), String.format(Locale.ROOT, "<= %.1f s", target), reactions.size());
    double keyMedian = median(keyReactions);
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "the same, canary split by key in the job",
        String.format(Locale.ROOT, "%.2f s", keyMedian), String.format(Locale.ROOT, "<= %.1f s", target), keyReactions.size());
    if (attribution != null) {
      System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "candidate p99 at " + Attribution.WEIGHT + "% of keys: measured",
          Attribution.ms(attribution.candidateMeasuredMs()), String.format(Locale.ROOT, "exact %.0f ms (error %+.0f ms)",
              attribution.candidateTruthMs(), attribution.candidateErrorMs()), 1);
    }
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "shed trigger to actions written (interval " + INTERVAL.toSeconds() + "s)",
        String.format(Locale.ROOT, "%.2f s", shedMedian), String.format(Locale.ROOT, "<= %.1f s", target), shedReactions.size());
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "owned-object writes per level change",
        median(shedWrites.stream().map(Integer::doubleValue).toList()), "2 (isvc + control, only)", shedWrites.size());
    FanOutBench.rows(fanOut, ROW);
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "lag of " + signals.pipelines() + " pipelines, "
        + signals.partitions() + " partitions, asked together", String.format(Locale.ROOT, "%.0f ms", signals.roundMillis()),
        "< 500 ms", 1);
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "AdminClient requests for it",
        signals.roundRequests(), String.format(Locale.ROOT, "by brokers, not pipelines (%.0f alone)", signals.oneByOneRequests()), 1);
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "job events/s (model 5 ms, parallelism 2)",
        String.format(Locale.ROOT, "%.0f/s", job.jobPerSecond()), String.format(Locale.ROOT, "ratio %.3f to %.0f/s plain",
            job.ratio(), job.passThroughPerSecond()), 1);
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", "job with the model / inference off",
        String.format(Locale.ROOT, "%.2f", job.modelShare()), String.format(Locale.ROOT,
            ">= 0.8 (%.2f by CPU, server elsewhere)", job.modelShareServerElsewhere()), JobBench.ROUNDS);
    String p99Target = String.format(Locale.ROOT, "p99 <= %.0f ms", job.p99TargetMs());
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", String.format(Locale.ROOT, "event to decision at %.0f/s, p50 / p99", job.lightRate()),
        String.format(Locale.ROOT, "%.0f / %.0f ms", job.lightP50Ms(), job.lightP99Ms()), p99Target + " (light load)", 1);
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", String.format(Locale.ROOT, "event to decision at %.0f/s, p50 / p99", job.steadyRate()),
        String.format(Locale.ROOT, "%.0f / %.0f ms", job.steadyP50Ms(), job.steadyP99Ms()), p99Target + " (half rate)", 1);
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", String.format(Locale.ROOT, "burst at %.0f/s (2x), p50 / p99", job.burstRate()),
        String.format(Locale.ROOT, "%.0f / %.0f ms", job.burstP50Ms(), job.burstP99Ms()),
        String.format(Locale.ROOT, "lag %d, drained in %.1f s", job.burstMaxLag(), job.drainSeconds()), 1);
    System.out.printf(Locale.ROOT, "%-50s %-12s %-28s %s%n", String.format(Locale.ROOT, "replay of %d retained events to a verdict",
        replay.events()), String.format(Locale.ROOT, "%.1f s", replay.verdictSeconds()), String.format(Locale.ROOT,
            "canary at %.0f/s: %.0f s (%d%%: %.0f s)", ReplayBench.DEMO_RATE, replay.canaryFullSeconds(),
            ReplayBench.FIRST_STEP_PERCENT, replay.canaryFirstStepSeconds()), 1);
    Path out = Path.of("target", "bench.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, String.format(Locale.ROOT,
        "{\"breachToRollbackSeconds\":{\"median\":%.3f,\"target\":%.1f,\"interval\":%d,\"runs\":%s,\"met\":%s},"
            + "\"breachToRollbackKeySplitSeconds\":{\"median\":%.3f,\"target\":%.1f,\"runs\":%s,\"met\":%s},"
            + "\"shedTriggerToActionSeconds\":{\"median\":%.3f,\"target\":%.1f,\"interval\":%d,\"runs\":%s,\"met\":%s},"
            + "\"ownedWritesPerLevelChange\":{\"runs\":%s,\"target\":2,\"met\":%s},"
            + "\"fanOut\":%s,"
            + "\"job\":{\"events\":%d,\"modelLatencyMs\":%.0f,\"modelPerEventMs\":%.2f,\"meanBatch\":%.1f,\"eventsPerSecond\":%.1f,"
            + "\"passThroughPerSecond\":%.1f,\"featuresOnlyPerSecond\":%.1f,\"ratio\":%.4f,\"ratioTarget\":0.5,"
            + "\"modelShare\":%.4f,\"modelShareServerElsewhere\":%.4f,\"firstResultSeconds\":%.2f,"
            + "\"lightRate\":%.1f,\"lightP50Ms\":%.1f,\"lightP99Ms\":%.1f,\"p99TargetMs\":%.1f,\"steadyRate\":%.1f,\"steadyP50Ms\":%.1f,\"steadyP99Ms\":%.1f,\"burstRate\":%.1f,\"burstP50Ms\":%.1f,"
            + "\"burstP99Ms\":%.1f,\"burstMaxLag\":%d,\"drainSeconds\":%.2f},"
            + "\"signals\":{\"pipelines\":%d,\"partitions\":%d,\"roundMillis\":%.1f,\"targetMillis\":500,\"roundRequests\":%d,"
            + "\"firstLookMillis\":%.1f,\"firstLookRequests\":%d,\"aloneMillisPerPipeline\":%.2f,\"aloneRequestsPerPipeline\":%.2f,"
            + "\"samePositions\":%s},\"attribution\":%s,\"replay\":%s}%n",
        median, target, INTERVAL.toSeconds(), reactions, median <= target, keyMedian, target, keyReactions, keyMedian <= target,
        shedMedian, target, INTERVAL.toSeconds(), shedReactions, shedMedian <= target, shedWrites, onlyWhatChanges,
        FanOutBench.json(fanOut),
        job.events(), JobBench.MODEL_LATENCY_MS, JobBench.MODEL_PER_ITEM_MS, job.meanBatch(), job.jobPerSecond(),
        job.passThroughPerSecond(), job.featuresOnlyPerSecond(), job.ratio(), job.modelShare(), job.modelShareServerElsewhere(), job.firstResultSeconds(),
        job.lightRate(), job.lightP50Ms(), job.lightP99Ms(), job.p99TargetMs(), job.steadyRate(),
        job.steadyP50Ms(), job.steadyP99Ms(), job.burstRate(), job.burstP50Ms(), job.burstP99Ms(), job.burstMaxLag(),
        job.drainSeconds(), signals.pipelines(), signals.partitions(), signals.roundMillis(), signals.roundRequests(),
        signals.firstLookMillis(), signals.firstLookRequests(), signals.aloneMillis(), signals.aloneRequests(),
        signals.samePositions(), attribution == null ? "null" : String.format(Locale.ROOT,
            "{\"weightPercent\":%d,\"windowSeconds\":%d,\"candidateModelMs\":%.0f,\"candidateMeasuredMs\":%s,"
                + "\"candidateExactMs\":%.1f,\"candidateDecisions\":%d,\"stableModelMs\":%.0f,\"stableMeasuredMs\":%s,"
                + "\"stableExactMs\":%.1f,\"stableDecisions\":%d,\"versionBlindMeasuredMs\":%s}", Attribution.WEIGHT,
            attribution.window().toSeconds(), Attribution.CANDIDATE_MS, attribution.candidateMeasuredMs(),
            attribution.candidateTruthMs(), attribution.candidateDecisions(), Attribution.STABLE_MS,
            attribution.stableMeasuredMs(), attribution.stableTruthMs(), attribution.stableDecisions(),
            attribution.blindMeasuredMs()), String.format(Locale.ROOT, "{\"events\":%d,\"verdictSeconds\":%.2f,"
            + "\"planSeconds\":%.2f,\"jobSeconds\":%.2f,\"judgeSeconds\":%.2f,\"eventsPerSecond\":%.0f,"
            + "\"agreementPercent\":%.2f,\"verdict\":\"%s\",\"canaryRate\":%.0f,\"canaryFullSeconds\":%.0f,"
            + "\"canaryFirstStepSeconds\":%.0f}", replay.events(), replay.verdictSeconds(), replay.planSeconds(),
            replay.jobSeconds(), replay.judgeSeconds(), replay.eventsPerSecond(), replay.agreementPercent(), replay.verdict(),
            ReplayBench.DEMO_RATE, replay.canaryFullSeconds(), replay.canaryFirstStepSeconds())));
    System.out.println("\nwritten to " + out.toAbsolutePath());
    System.exit(0);
  }

  /** The table's row format: figure, value, target, runs. */
  private static final String ROW = "%-50s %-12s %-28s %s%n";
  /** Waves of the fan-out, for the operator and for the floor each: their medians are compared. */
  private static final int WAVES = 3;

  /** {@code make bench-job}: the job's data plane alone (the figures of issue-sized changes to the job, in minutes). */
  private static void jobOnly(int events) throws java.io.IOException {
    try (var kafka = dev.slipstream.testkit.EmbeddedKafka.start()) {
      JobBench.print(JobBench.run(kafka, events, Duration.ofSeconds(10), Duration.ofSeconds(5),
          Files.createTempDirectory("slipstream-job-bench")));
    }
  }

  /** {@code make bench-fanout}: the fan-out alone, at any size, written to target/bench-fanout-N.json. */
  private static void fanOutOnly(int pipelines, int waves) throws java.io.IOException {
    FanOutBench.Figures figures = FanOutBench.run(pipelines, waves);
    FanOutBench.print(figures);
    System.out.printf(Locale.ROOT, "%n" + ROW, "figure", "median", "target", "runs");
    FanOutBench.rows(figures, ROW);
    Path out = Path.of("target", "bench-fanout-" + pipelines + ".json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, FanOutBench.json(figures) + "\n");
    System.out.println("\nwritten to " + out.toAbsolutePath());
    System.exit(0);
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
