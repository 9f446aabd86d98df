package dev.slipstream.chart;

import static dev.slipstream.chart.Chart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** helm lint and helm template with a real helm, and what an installer relies on in the rendered objects. */
class HelmChartTest {
  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(Chart.DIR).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void installsTheCrdsExactlyAsGenerated() throws Exception {
    try (Stream<Path> generated = Files.list(Path.of("..", "crds", "yaml"))) {
      for (Path crd : generated.filter(p -> p.toString().endsWith(".yml")).toList()) {
        assertThat(Chart.DIR.resolve("crds").resolve(crd.getFileName()))
            .as("the chart's copy of %s (make crds copies it)", crd.getFileName()).hasSameTextualContentAs(crd);
      }
    }
    // helm installs crds/ before the templates and never upgrades or deletes them (data would go with them)
    try (Stream<Path> shipped = Files.list(Chart.DIR.resolve("crds"))) {
      assertThat(shipped.map(p -> Chart.parse(readString(p)).get(0)).map(Chart::name).toList())
          .containsExactlyInAnyOrder("streamingpipelines.slipstream.dev", "modelversions.slipstream.dev",
              "shedpolicies.slipstream.dev");
    }
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theOperatorRunsLockedDownWithProbesAndLeaderElection() {
    var objects = Chart.render();
    var deployment = Chart.ofKind(objects, "Deployment").get(0);
    assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
    Object pod = at(deployment, "spec", "template", "spec");
    assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
    assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
    Object container = at(pod, "containers", 0);
    assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(at(container, "securityContext", "capabilities", "drop")).isEqualTo(List.of("ALL"));
    assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
    assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
    assertThat(at(container, "resources", "limits", "memory")).isEqualTo("512Mi");
    @SuppressWarnings("unchecked")
    var env = ((List<Map<String, Object>>) at(container, "env")).stream()
        .filter(e -> e.get("value") != null).collect(java.util.stream.Collectors.toMap(e -> (String) e.get("name"), e -> e.get("value")));
    assertThat(env).containsEntry("SLIPSTREAM_LEADER_ELECTION", "true").containsEntry("SLIPSTREAM_LOG_FORMAT", "json")
        .containsEntry("SLIPSTREAM_NAMESPACES", "").containsEntry("SLIPSTREAM_METRICS_PORT", "8080")
        .containsEntry("SLIPSTREAM_MAX_MODEL_CPU", "64").containsEntry("SLIPSTREAM_MAX_MODEL_GPUS", "8")
        .containsEntry("SLIPSTREAM_PROMETHEUS_ALLOWED_HOSTS", "");
    assertThat(Chart.ofKind(objects, "Service")).extracting(Chart::name).containsExactly("slipstream-metrics");
    assertThat(Chart.ofKind(objects, "PodDisruptionBudget")).hasSize(1);
    assertThat(Chart.ofKind(objects, "ServiceMonitor")).as("off by default").isEmpty();
    assertThat(Chart.ofKind(objects, "Role")).extracting(Chart::name).containsExactly("slipstream-leader-election");
  }

  @Test
  void optionalPartsFollowTheirValues() {
    var objects = Chart.render(t -> t.set("serviceMonitor.enabled", "true").set("grafanaDashboard.enabled", "true")
        .set("replicaCount", "1").set("leaderElection.enabled", "false"));
    assertThat(at(Chart.ofKind(objects, "ServiceMonitor").get(0), "spec", "endpoints", 0, "path")).isEqualTo("/metrics");
    assertThat(Chart.ofKind(objects, "PodDisruptionBudget")).as("no PDB for a single replica").isEmpty();
    assertThat(Chart.ofKind(objects, "Role")).as("no leader election, no Lease access").isEmpty();
    var dashboard = Chart.ofKind(objects, "ConfigMap").get(0);
    assertThat((String) at(dashboard, "data", "slipstream.json")).contains("slipstream_shed_level");
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusSourcesAreRenderedForTheOperatorWithTheirSecretsMountedAsFiles() throws Exception {
    var objects = Chart.render(t -> t.set("operator.prometheusSources[0].name", "secure")
        .set("operator.prometheusSources[0].url", "https://prometheus.monitoring.svc:9090")
        .set("operator.prometheusSources[0].basicAuthSecret", "prometheus-reader")
        .set("operator.prometheusSources[0].caSecret", "prometheus-ca")
        .set("operator.prometheusSources[0].serverName", "prometheus.internal")
        .set("operator.prometheusSources[1].name", "thanos")
        .set("operator.prometheusSources[1].url", "http://thanos-query.monitoring.svc:9090")
        .set("operator.prometheusSources[1].bearerTokenSecret", "thanos-token")
        .set("operator.prometheusSources[1].caSecret", "prometheus-ca"));
    var configMap = Chart.ofKind(objects, "ConfigMap").stream().filter(o -> Chart.name(o).endsWith("prometheus-sources"))
        .findFirst().orElseThrow();
    Path file = Files.createTempFile("sources", ".yaml");
    Files.writeString(file, (String) at(configMap, "data", "sources.yaml"));
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    var sources = (List<Map<String, Object>>) mapper.readValue(file.toFile(), Map.class).get("sources");
    assertThat(sources).extracting(s -> s.get("name")).containsExactly("secure", "thanos");
    assertThat(sources.get(0)).containsEntry("caFile", "/etc/slipstream/prometheus-secrets/prometheus-ca/ca.crt")
        .containsEntry("serverName", "prometheus.internal")
        .containsEntry("basicAuth", Map.of("usernameFile", "/etc/slipstream/prometheus-secrets/prometheus-reader/username",
            "passwordFile", "/etc/slipstream/prometheus-secrets/prometheus-reader/password"));
    assertThat(sources.get(1)).containsEntry("bearerTokenFile", "/etc/slipstream/prometheus-secrets/thanos-token/token");
    Object pod = at(Chart.ofKind(objects, "Deployment").get(0), "spec", "template", "spec");
    assertThat((List<Map<String, Object>>) at(pod, "volumes")).extracting(v -> v.get("name"))
        .as("each Secret mounted once").containsExactly("tmp", "prometheus-sources", "ps-prometheus-reader",
            "ps-prometheus-ca", "ps-thanos-token");
    assertThat(at(pod, "containers", 0, "env").toString()).contains("SLIPSTREAM_PROMETHEUS_SOURCES")
        .contains("/etc/slipstream/prometheus/sources.yaml");
    assertThatThrownBy(() -> Chart.render(t -> t.set("operator.prometheusSources[0].name", "x")
        .set("operator.prometheusSources[0].url", "http://admin:hunter2@prometheus:9090")))
        .as("credentials in a URL are refused at install").hasMessageContaining("prometheusSources");
  }

  @Test
  @SuppressWarnings("unchecked")
  void operatorNotificationSinksReachTheOperatorWithTheirUrlSecretsMountedAsFiles() {
    var objects = Chart.render(t -> t.set("operator.notifications[0].name", "platform")
        .set("operator.notifications[0].urlSecret", "platform-webhook").set("operator.notifications[0].format", "Slack")
        .set("operator.notifications[1].name", "audit").set("operator.notifications[1].urlSecret", "audit-webhook"));
    Object pod = at(Chart.ofKind(objects, "Deployment").get(0), "spec", "template", "spec");
    assertThat(at(pod, "containers", 0, "env").toString()).contains("SLIPSTREAM_NOTIFICATION_SINKS")
        .contains("platform:Slack:/etc/slipstream/notification-secrets/platform-webhook/url,"
            + "audit:CloudEvents:/etc/slipstream/notification-secrets/audit-webhook/url");
    assertThat((List<Map<String, Object>>) at(pod, "volumes")).extracting(v -> v.get("name"))
        .contains("ns-platform-webhook", "ns-audit-webhook");
    assertThat((List<Map<String, Object>>) at(pod, "containers", 0, "volumeMounts")).extracting(v -> v.get("mountPath"))
        .contains("/etc/slipstream/notification-secrets/platform-webhook");
    assertThatThrownBy(() -> Chart.render(t -> t.set("operator.notifications[0].name", "platform")
        .set("operator.notifications[0].urlSecret", "w").set("operator.notifications[0].format", "Teams")))
        .as("an unknown format is refused at install").hasMessageContaining("notifications");
  }

  @Test
  @SuppressWarnings("unchecked")
  void secretsAreReadableOnlyWhereTheValuesSay() {
    java.util.function.Function<List<Map<String, Object>>, List<String>> secretGrants = objects -> Stream.concat(
        Chart.ofKind(objects, "ClusterRole").stream(), Chart.ofKind(objects, "Role").stream())
        .filter(role -> ((List<Map<String, Object>>) role.get("rules")).stream()
            .anyMatch(rule -> ((List<String>) rule.get("resources")).contains("secrets")))
        .map(role -> role.get("kind") + " " + (at(role, "metadata", "namespace") == null ? "" : at(role, "metadata", "namespace") + "/")
            + Chart.name(role)).toList();
    assertThat(secretGrants.apply(Chart.render())).as("by default, no Secret anywhere").isEmpty();
    assertThat(secretGrants.apply(Chart.render(t -> t.set("secretNamespaces[0]", "payments").set("secretNamespaces[1]", "vision"))))
        .containsExactlyInAnyOrder("Role payments/slipstream-secrets", "Role vision/slipstream-secrets");
    assertThat(secretGrants.apply(Chart.render(t -> t.set("secretNamespaces[0]", "*")))).containsExactly("ClusterRole slipstream");
    assertThat(secretGrants.apply(Chart.render(t -> t.set("namespaced", "true").set("watchNamespaces[0]", "payments"))))
        .as("namespaced: the watched namespaces only").containsExactly("Role payments/slipstream");
  }

  @Test
  void namespacedModeGrantsRolesInTheWatchedNamespacesOnly() {
    var objects = Chart.render(t -> t.set("namespaced", "true").set("watchNamespaces[0]", "payments")
        .set("watchNamespaces[1]", "vision"));
    assertThat(Chart.ofKind(objects, "ClusterRole")).extracting(Chart::name).containsExactly("slipstream-crd-reader");
    assertThat(Chart.ofKind(objects, "Role")).extracting(o -> at(o, "metadata", "namespace") + "/" + Chart.name(o))
        .containsExactlyInAnyOrder("payments/slipstream", "vision/slipstream", "slipstream-system/slipstream-leader-election");
    assertThat(Chart.ofKind(objects, "RoleBinding")).hasSize(3);
    var env = at(Chart.ofKind(objects, "Deployment").get(0), "spec", "template", "spec", "containers", 0, "env");
    assertThat(env.toString()).contains("value=payments,vision");
  }

  @Test
  void wrongValuesFailAtInstallWithTheSchemasMessage() {
    assertThatThrownBy(() -> Chart.render(t -> t.set("replicaCount", "0"))).hasMessageContaining("replicaCount");
    assertThatThrownBy(() -> Chart.render(t -> t.set("operator.logFormat", "yaml"))).hasMessageContaining("logFormat");
    assertThatThrownBy(() -> Chart.render(t -> t.set("operator.resync", "often"))).hasMessageContaining("resync");
    assertThatThrownBy(() -> Chart.render(t -> t.set("replicas", "2"))).as("unknown keys are refused")
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> Chart.render(t -> t.set("namespaced", "true"))).as("namespaced needs namespaces")
        .hasMessageContaining("watchNamespaces");
  }

  @Test
  @SuppressWarnings("unchecked")
  void noRuleUsesAWildcard() {
    var objects = Chart.render(t -> t.set("namespaced", "true").set("watchNamespaces[0]", "payments"));
    objects.addAll(Chart.render());
    for (var role : Stream.concat(Chart.ofKind(objects, "ClusterRole").stream(), Chart.ofKind(objects, "Role").stream()).toList()) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) role.get("rules")) {
        for (String field : List.of("apiGroups", "resources", "verbs")) {
          assertThat((List<String>) rule.get(field)).as("%s %s of %s", field, rule, Chart.name(role)).doesNotContain("*");
        }
      }
    }
  }
}
