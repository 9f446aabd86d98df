package dev.slipstream.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipstream.testkit.Crds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A third-party CRD installed or removed while the operator runs is picked up without a restart: KEDA installed after
 * the operator started is used by the next scale-out, and removed again, the scale-out goes back to raising replicas by
 * hand, each time said in the pipeline's shed actions; the Prometheus Operator installed later gets a PodMonitor for
 * every running job.
 */
class ThirdPartyCrdsIT {
  private static final String NS = "late-keda";

  @Test
  void kedaInstalledAfterTheOperatorStartedIsUsedByTheScaleOutAndRemovedIsNoLonger() {
    List<String> withoutKeda = Crds.THIRD_PARTY.stream().filter(c -> !c.equals(Crds.SCALED_OBJECT)).toList();
    try (OperatorFixture env = new OperatorFixture(withoutKeda, "")) {
      env.applyTritonWithKedaScaleOut(NS, "1h");
      var scaledObject = env.client.genericKubernetesResources(
          dev.slipstream.testkit.StandInControllers.Kind.SCALED_OBJECT.context()).inNamespace(NS)
          .withName("image-embeddings-serving");
      var deployment = env.client.apps().deployments().inNamespace(NS).withName("image-embeddings-embedder-v3");

      // without the CRD: the level raises the replicas by hand and says why
      env.produce(NS + "-uploaded-images", 500);
      await("the scale-out by hand").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(env.pipeline(NS, "image-embeddings").getStatus().shed.actions)
            .anySatisfy(a -> assertThat(a).startsWith("KEDA not used (").endsWith("): replicas raised by hand"));
        assertThat(deployment.get().getSpec().getReplicas()).isEqualTo(6);
      });
      assertThat(scaledObject.get()).isNull();

      // installed while the operator runs: the next reconcile after the operator's look hands the replicas to KEDA
      env.api.installCrd(Crds.SCALED_OBJECT);
      await("a ScaledObject once the CRD is there").atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
        assertThat(scaledObject.get()).isNotNull();
        assertThat(env.pipeline(NS, "image-embeddings").getStatus().shed.actions)
            .containsExactly("serving scaled by KEDA on the consumer lag, up to 6 replicas");
      });
      assertThat(env.api.refusedWrites()).as("the ScaledObject admitted against KEDA's CRD").isEmpty();

      // removed again: back to raising the replicas by hand
      env.api.removeCrd(Crds.SCALED_OBJECT);
      await("the scale-out by hand again").atMost(Duration.ofSeconds(40)).untilAsserted(() ->
          assertThat(env.pipeline(NS, "image-embeddings").getStatus().shed.actions)
              .anySatisfy(a -> assertThat(a).startsWith("KEDA not used (")));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void thePrometheusOperatorInstalledLaterGetsAPodMonitorThatFindsTheJobsMetricsPort() {
    String ns = "late-monitoring";
    try (OperatorFixture env = new OperatorFixture(Crds.THIRD_PARTY, "",
        "--job-pod-monitor-labels=release=kube-prometheus-stack")) {
      var objects = env.example("fraud-scoring.yaml");
      dev.slipstream.testkit.Manifests.moveTo(objects, ns);
      env.apply(objects);
      env.awaitReady(ns, "fraud-scoring", true, "Ready");
      // by its definition: discovery knows only the kinds the server started with
      var podMonitors = env.client.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base
          .ResourceDefinitionContext.Builder().withGroup("monitoring.coreos.com").withVersion("v1").withKind("PodMonitor")
          .withPlural("podmonitors").withNamespaced(true).build()).inNamespace(ns);
      // without the CRD the pipeline is Ready all the same: the pods' annotations are how Prometheus finds them
      assertThat(env.client.apiextensions().v1().customResourceDefinitions()
          .withName("podmonitors.monitoring.coreos.com").get()).isNull();

      env.api.installCrd(Crds.POD_MONITOR);
      await("a PodMonitor once the CRD is there").atMost(Duration.ofSeconds(40))
          .until(() -> podMonitors.withName("fraud-scoring-job-metrics").get() != null);
      var monitor = podMonitors.withName("fraud-scoring-job-metrics").get();
      assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
      Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
      Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
      Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("podMetricsEndpoints")).get(0);

      // what it selects is what the job's task managers carry and declare
      var job = env.client.genericKubernetesResources("flink.apache.org/v1beta1", "FlinkDeployment").inNamespace(ns)
          .withName("fraud-scoring").get();
      Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) job
          .getAdditionalProperties().get("spec")).get("taskManager")).get("podTemplate");
      Map<String, String> podLabels = (Map<String, String>) ((Map<String, Object>) template.get("metadata")).get("labels");
      assertThat(podLabels).containsAllEntriesOf(selector);
      List<Map<String, Object>> containers = (List<Map<String, Object>>) ((Map<String, Object>) template.get("spec")).get("containers");
      assertThat((List<Map<String, Object>>) containers.get(0).get("ports"))
          .anySatisfy(port -> assertThat(port.get("name")).isEqualTo(endpoint.get("port")));
      assertThat(endpoint).containsEntry("path", "/metrics");
      assertThat(env.api.refusedWrites()).as("the PodMonitor admitted against its schema").isEmpty();

      // edited by hand to another port: put back
      podMonitors.withName("fraud-scoring-job-metrics").edit(m -> {
        ((List<Map<String, Object>>) ((Map<String, Object>) m.getAdditionalProperties().get("spec"))
            .get("podMetricsEndpoints")).get(0).put("port", "http");
        return m;
      });
      await("the PodMonitor repaired").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
          ((List<Map<String, Object>>) ((Map<String, Object>) podMonitors.withName("fraud-scoring-job-metrics").get()
              .getAdditionalProperties().get("spec")).get("podMetricsEndpoints")).get(0))
          .containsEntry("port", "job-metrics"));
    }
  }
}
