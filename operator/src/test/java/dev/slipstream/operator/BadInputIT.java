package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipstream.api.v1alpha1.ModelVersion;
import dev.slipstream.api.v1alpha1.ShedPolicy;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.core.status.Conditions;
import dev.slipstream.testkit.InvalidCorpus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The invalid corpus against the running operator, on an API server without CEL validation (as before
 * Kubernetes 1.25): what the schema refuses never arrives; what only a CEL rule would have refused arrives and is
 * reported on the pipeline with a message, while what was already running (the serving, the Flink job, the
 * topics and their data) is left exactly as it was. The operator keeps running throughout.
 */
class BadInputIT extends WithOperator {
  private static final String NS = "payments";

  @Test
  void everyHostileResourceIsRefusedOrReportedAndNothingRunningIsTouched() throws Exception {
    env.apply(env.example("fraud-scoring.yaml"));
    env.awaitReady(NS, "fraud-scoring", true, "Ready");
    Map<String, String> running = owned();
    Map<String, Integer> topics = topics();
    env.api.celRules(false);
    List<String> refused = new ArrayList<>();
    List<String> reported = new ArrayList<>();
    List<String> unjudged = new ArrayList<>();
    try {
      for (InvalidCorpus.Case c : InvalidCorpus.cases()) {
        if (c.old() != null) {
          continue; // transition rules need an earlier state; partitions are never lowered (StreamingPipelineIT)
        }
        ObjectNode broken = c.broken();
        HasMetadata typed;
        try {
          typed = typed(broken);
          update(typed);
        } catch (KubernetesClientException | IllegalArgumentException e) {
          refused.add(c.name());
          continue;
        }
        String problem = awaitProblem(c);
        if (problem == null) {
          unjudged.add(c.name());
        } else {
          reported.add(c.name() + ": " + problem);
        }
        assertThat(owned()).as("owned objects after '%s'", c.name()).isEqualTo(running);
        restore(c);
      }
    } finally {
      env.api.celRules(true);
    }
    assertThat(unjudged).as("admitted without CEL and not reported by the operator").isEmpty();
    assertThat(topics()).as("topics and partitions").isEqualTo(topics);
    assertThat(env.pipeline(NS, "fraud-scoring").getStatus().conditions).anySatisfy(r ->
        assertThat(r.getType() + r.getStatus()).isEqualTo("ReadyTrue"));
    System.out.println("refused by the schema: " + refused.size() + "; reported by the operator:\n  " + String.join("\n  ", reported));
    assertThat(reported).as("cases only a CEL rule refuses").hasSizeGreaterThanOrEqualTo(10);
    dev.slipstream.testkit.Reliability.record("Bad input", "the same corpus on an API server without CEL validation,"
        + " each case written over a running pipeline", refused.size() + " refused by the schema; the " + reported.size()
        + " only CEL would refuse reported as InvalidSpec, ModelVersionInvalid or ShedPolicyInvalid with the field;"
        + " serving, Flink job and topics untouched, Ready again once fixed");
  }

  private static HasMetadata typed(ObjectNode object) {
    Class<? extends HasMetadata> type = switch (object.path("kind").asText()) {
      case "StreamingPipeline" -> StreamingPipeline.class;
      case "ModelVersion" -> ModelVersion.class;
      default -> ShedPolicy.class;
    };
    return Serialization.jsonMapper().convertValue(object, type);
  }

  private static void update(HasMetadata object) {
    object.getMetadata().setNamespace(NS);
    object.getMetadata().setResourceVersion(null);
    env.client.resource(object).update();
  }

  /** The problem the operator reports for the broken object, or null if it says nothing within 20 s. */
  private static String awaitProblem(InvalidCorpus.Case c) {
    String[] found = {null};
    try {
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
        var ready = Conditions.find(env.pipeline(NS, "fraud-scoring").getStatus().conditions, "Ready").orElse(null);
        if (ready != null && "False".equals(ready.getStatus()) && List.of("InvalidSpec", "ModelVersionInvalid",
            "ShedPolicyInvalid").contains(ready.getReason())) {
          found[0] = ready.getReason() + " " + ready.getMessage();
          return true;
        }
        return false;
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return null;
    }
    return found[0];
  }

  /** Puts the example back, and waits until the pipeline is Ready on it again. */
  private static void restore(InvalidCorpus.Case c) {
    for (var o : env.example("fraud-scoring.yaml")) {
      if (c.base().equals(o.getKind() + "/" + o.getMetadata().getName())) {
        HasMetadata typed = dev.slipstream.testkit.Manifests.typed(o);
        update(typed);
      }
    }
    env.awaitReady(NS, "fraud-scoring", true, "Ready");
  }

  /** The objects the pipeline owns (serving, Flink job), by kind and name, with their resourceVersion. */
  private static Map<String, String> owned() {
    Map<String, String> versions = new TreeMap<>();
    for (var kind : List.of(List.of("serving.kserve.io/v1beta1", "InferenceService"), List.of("flink.apache.org/v1beta1", "FlinkDeployment"))) {
      env.client.genericKubernetesResources(kind.get(0), kind.get(1)).inNamespace(NS).list().getItems()
          .forEach(o -> versions.put(kind.get(1) + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
    }
    return versions;
  }

  private static Map<String, Integer> topics() throws Exception {
    try (var admin = env.kafka.admin()) {
      Map<String, Integer> partitions = new TreeMap<>();
      var names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS)
          .forEach((n, d) -> partitions.put(n, d.partitions().size()));
      return partitions;
    }
  }
}
