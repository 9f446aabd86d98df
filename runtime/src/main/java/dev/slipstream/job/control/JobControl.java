package dev.slipstream.job.control;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the operator's control ConfigMap tells the running job (docs/job-contract.md): the mode, where
 * inference requests go now, the static result for shed events and the input topics to pause. Absent or
 * unreadable, the job runs normally on the contract's endpoint.
 */
public record JobControl(Mode mode, String endpoint, String modelName, String modelVersion, String fallbackResult,
    Set<String> pauseTopics, int level, String levelName, Candidate candidate) {

  /**
   * A rollout's candidate, split by key in the stream: its own endpoint and model, and the share of keys it gets.
   *
   * @param modelVersion the version that answers there, or null when not told
   * @param weightPercent 0 to 100
   */
  public record Candidate(String endpoint, String modelName, String modelVersion, double weightPercent) {}

  /**
   * Where one request goes: the endpoint and the model name in its path, the version expected to answer (null when
   * not told; a failed request is counted against it, as a failure names no version) and which side of a key split it
   * is on ({@link #STABLE} outside a canary).
   */
  public record Route(String endpoint, String modelName, String modelVersion, String side) {}

  /** The side of a route: the version in force, or a rollout's candidate split by key. */
  public static final String STABLE = "stable";
  public static final String CANDIDATE = "candidate";

  public enum Mode { normal, downgrade, shed }

  public static JobControl normal(String endpoint, String modelName) {
    return new JobControl(Mode.normal, endpoint, modelName, null, null, Set.of(), 0, "normal", null);
  }

  /**
   * The control from the ConfigMap's keys; missing keys keep the contract's values. An unknown mode is
   * taken as normal: a newer operator's mode must not stop an older job.
   */
  public static JobControl from(Map<String, String> data, String endpoint, String modelName) {
    if (data.isEmpty()) {
      return normal(endpoint, modelName);
    }
    Mode mode;
    try {
      mode = Mode.valueOf(data.getOrDefault("mode", "normal").trim());
    } catch (IllegalArgumentException e) {
      mode = Mode.normal;
    }
    int level;
    try {
      level = Integer.parseInt(data.getOrDefault("level", "0").trim());
    } catch (NumberFormatException e) {
      level = 0;
    }
    String pause = data.getOrDefault("pause-topics", "");
    return new JobControl(mode,
        blankTo(data.get("endpoint"), endpoint),
        blankTo(data.get("model-name"), modelName),
        blankTo(data.get("model-version"), null),
        blankTo(data.get("fallback-result"), null),
        mode == Mode.shed ? Arrays.stream(pause.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()) : Set.of(),
        level,
        blankTo(data.get("level-name"), "normal"),
        candidate(data));
  }

  /** The candidate's keys, when they name an endpoint, a model and a weight above 0; a bad weight is no candidate. */
  private static Candidate candidate(Map<String, String> data) {
    String endpoint = blankTo(data.get("candidate-endpoint"), null);
    String model = blankTo(data.get("candidate-model-name"), null);
    double weight;
    try {
      weight = Double.parseDouble(data.getOrDefault("candidate-weight", "0").trim());
    } catch (NumberFormatException e) {
      weight = 0;
    }
    if (endpoint == null || model == null || !(weight > 0)) {
      return null;
    }
    return new Candidate(endpoint, model, blankTo(data.get("candidate-model-version"), null), Math.min(100, weight));
  }

  /**
   * Where the event with {@code key} is sent: to the candidate when its bucket is within the candidate's weight
   * (in normal operation only: a downgrade sends everything to the fallback), else to the endpoint in force.
   */
  public Route route(String key) {
    if (mode == Mode.normal && candidate != null && KeySplit.toCandidate(key, candidate.weightPercent())) {
      return new Route(candidate.endpoint(), candidate.modelName(), candidate.modelVersion(), CANDIDATE);
    }
    return new Route(endpoint, modelName, modelVersion, STABLE);
  }

  public boolean shedding() {
    return mode == Mode.shed;
  }

  private static String blankTo(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }
}
