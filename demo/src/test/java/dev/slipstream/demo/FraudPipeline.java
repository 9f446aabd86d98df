package dev.slipstream.demo;

import static org.awaitility.Awaitility.await;

import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The fraud example in the payments namespace of an embedded stack, as the end-to-end rollout tests drive it. */
final class FraudPipeline {
  static final String NS = "payments";
  static final String NAME = "fraud-scoring";

  private FraudPipeline() {}

  /**
   * Applies the fraud example without its ShedPolicy (whose ladder would hold rollouts under a backlog), the pipeline
   * adjusted first, and waits until it is Ready and its job runs.
   */
  static void apply(EmbeddedStack stack, LocalFlink flink, Consumer<StreamingPipeline> adjust) {
    for (GenericKubernetesResource o : Manifests.withBootstrapServers(Manifests.read(Manifests.examples()
        .resolve("fraud-scoring.yaml")), stack.kafka.bootstrapServers())) {
      if ("ShedPolicy".equals(o.getKind())) {
        continue;
      }
      var created = Manifests.typed(o);
      if (created instanceof StreamingPipeline p) {
        p.getSpec().serving.shedPolicyRef = null;
        adjust.accept(p);
      }
      stack.client.resource(created).create();
    }
    await("the pipeline Ready").atMost(Duration.ofSeconds(90)).until(() -> {
      StreamingPipeline p = get(stack);
      return p.getStatus() != null && Conditions.isTrue(p.getStatus().conditions, Conditions.READY);
    });
    await("its job running").atMost(Duration.ofSeconds(60)).until(() -> flink.running().contains(NAME));
  }

  static StreamingPipeline get(EmbeddedStack stack) {
    return stack.client.resources(StreamingPipeline.class).inNamespace(NS).withName(NAME).get();
  }

  /**
   * Waits until the rollout of {@code candidate} reaches {@code phase}, each status seen given to {@code each}; a
   * rollout that never does fails with the timeline it went through.
   */
  static RolloutStatus awaitRollout(EmbeddedStack stack, String candidate, String phase, Duration patience,
      Consumer<RolloutStatus> each) {
    RolloutStatus[] seen = new RolloutStatus[1];
    List<String> timeline = new ArrayList<>();
    try {
      await(candidate + " " + phase).atMost(patience).pollInterval(Duration.ofMillis(100)).until(() -> {
        RolloutStatus r = get(stack).getStatus().rollout;
        if (r == null || !candidate.equals(r.candidate) && !candidate.equals(r.stable)) { // promoted, it is the stable one
          return false;
        }
        each.accept(r);
        seen[0] = r;
        String line = r.phase + " " + r.weight + "% " + r.message;
        if (timeline.isEmpty() || !timeline.get(timeline.size() - 1).equals(line)) {
          timeline.add(line);
        }
        return phase.equals(r.phase);
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(candidate + " never reached " + phase + "; the rollout went:\n  " + String.join("\n  ", timeline), e);
    }
    return seen[0];
  }
}
