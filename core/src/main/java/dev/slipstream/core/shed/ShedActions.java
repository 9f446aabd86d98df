package dev.slipstream.core.shed;

import dev.slipstream.api.v1alpha1.ShedLevel;
import dev.slipstream.api.v1alpha1.ShedPolicySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The actions in force at a level. The ladder is cumulative: a level keeps the milder levels' measures and
 * adds its own, and where two levels set the same action the higher one wins (climbing to downgrade does not
 * undo the scale-out).
 *
 * @param replicas serving replicas to run at least, or null for the ModelVersion's own
 * @param keda the scale-out is left to a KEDA ScaledObject on the consumer lag, up to {@code replicas}
 * @param scaleOutLag the scale-out level's consumerLagAbove, from which KEDA's lag per replica is derived;
 *     null when that level has none
 * @param fallbackModelVersion the ModelVersion taking all traffic, or null
 * @param shed the shed action in force, or null
 * @param warmFallbacks fallback ModelVersions deployed at every level because a downgrade level keeps them warm
 */
public record ShedActions(Integer replicas, boolean keda, Long scaleOutLag, String fallbackModelVersion,
    ShedLevel.ShedAction shed, List<String> warmFallbacks) {

  public static final ShedActions NONE = new ShedActions(null, false, null, null, null, List.of());

  /** The actions in force at {@code level} (0 = normal; only the keep-warm fallbacks are deployed). */
  public static ShedActions at(ShedPolicySpec policy, int level) {
    Integer replicas = null;
    boolean keda = false;
    Long scaleOutLag = null;
    String fallback = null;
    ShedLevel.ShedAction shed = null;
    List<String> warm = new ArrayList<>();
    for (int i = 0; i < policy.levels.size(); i++) {
      ShedLevel l = policy.levels.get(i);
      if (l.downgrade != null && Boolean.TRUE.equals(l.downgrade.keepWarm) && l.downgrade.modelVersionRef != null
          && !warm.contains(l.downgrade.modelVersionRef.name)) {
        warm.add(l.downgrade.modelVersionRef.name);
      }
      if (i >= level) {
        continue;
      }
      if (l.scaleOut != null) {
        replicas = l.scaleOut.maxReplicas;
        keda = Boolean.TRUE.equals(l.scaleOut.keda);
        scaleOutLag = l.triggers == null ? null : l.triggers.consumerLagAbove;
      }
      if (l.downgrade != null && l.downgrade.modelVersionRef != null) {
        fallback = l.downgrade.modelVersionRef.name;
      }
      if (l.shed != null) {
        shed = l.shed;
      }
    }
    return new ShedActions(replicas, keda, scaleOutLag, fallback, shed, List.copyOf(warm));
  }

  /**
   * Why KEDA cannot carry this scale-out, so the replicas are raised by hand instead; null when it can, or when
   * the level asks for no KEDA scale-out.
   *
   * @param kserve the stable version runs on KServe, which scales its InferenceService itself
   * @param kedaInstalled the KEDA ScaledObject CRD is installed
   * @param kafkaClientSecret the pipeline's Kafka connection needs client properties from a Secret
   */
  public String kedaUnusable(boolean kserve, boolean kedaInstalled, boolean kafkaClientSecret) {
    if (!keda) {
      return null;
    }
    return kserve ? "runtime kserve scales its InferenceService itself"
        : !kedaInstalled ? "the KEDA ScaledObject CRD is not installed"
        : kafkaClientSecret ? "KEDA would need a TriggerAuthentication for the Kafka client Secret"
        : null;
  }

  /** Whether the serving layer or the job acts differently from normal operation. */
  public boolean degrading() {
    return replicas != null || fallbackModelVersion != null || shed != null;
  }

  /** The actions in words, for status and events. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    if (replicas != null) {
      out.add(keda ? "serving scaled by KEDA on the consumer lag, up to " + replicas + " replicas"
          : "serving scaled out to " + replicas + " replicas");
    }
    if (fallbackModelVersion != null) {
      out.add("all traffic on fallback ModelVersion " + fallbackModelVersion);
    }
    if (shed != null) {
      StringBuilder s = new StringBuilder("shedding load: the job answers with the static fallback result");
      if (shed.containerConcurrency != null) {
        s.append(", KServe containerConcurrency ").append(shed.containerConcurrency);
      }
      if (shed.pauseTopics != null && !shed.pauseTopics.isEmpty()) {
        s.append(", paused topics ").append(String.join(",", shed.pauseTopics));
      }
      out.add(s.toString());
    }
    return out;
  }

  /** The Degraded condition's reason for these actions: the most severe one in force. */
  public String reason() {
    if (shed != null) {
      return "LoadShed";
    }
    if (fallbackModelVersion != null) {
      return "DowngradedToFallback";
    }
    return replicas != null ? "ScaledOut" : "AsDesigned";
  }
}
