package dev.slipstream.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC against the code, not against a list written by hand: every API call the operator made in
 * the operator module's integration tests (recorded by their fixture under operator/target/api-calls) must be
 * allowed by the rendered roles, and every verb the roles grant must have been used by some call.
 */
class RbacIT {
  static final Path CALLS = Path.of("..", "operator", "target", "api-calls");
  /** Granted to every authenticated user by Kubernetes' default roles (system:basic-user, system:discovery). */
  private static final Set<String> GRANTED_BY_DEFAULT = Set.of(
      "authorization.k8s.io/selfsubjectrulesreviews create", "authorization.k8s.io/selfsubjectaccessreviews create");

  /** One API call as an RBAC request: group, resource (with subresource), verb, namespace and name where present. */
  record Request(String group, String resource, String verb, String namespace, String name) {
    String key() {
      return (group.isEmpty() ? "core" : group) + "/" + resource + " " + verb;
    }

    /** {@code METHOD /api...}; null for discovery paths, which are not resources. */
    static Request parse(String line) {
      String method = line.substring(0, line.indexOf(' '));
      String target = line.substring(line.indexOf(' ') + 1);
      String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
      String[] parts = (target.contains("?") ? target.substring(0, target.indexOf('?')) : target).split("/");
      // "", "api", "v1", ... or "", "apis", group, version, ...
      boolean core = "api".equals(parts[1]);
      String group = core ? "" : parts[2];
      List<String> rest = List.of(parts).subList(core ? 3 : 4, parts.length);
      if (rest.isEmpty()) {
        return null;
      }
      String namespace = null;
      if ("namespaces".equals(rest.get(0)) && rest.size() >= 3) {
        namespace = rest.get(1);
        rest = rest.subList(2, rest.size());
      }
      String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
      String name = rest.size() > 1 ? rest.get(1) : null;
      boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
      String verb = switch (method) {
        case "GET" -> name != null ? "get" : watch ? "watch" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> name != null ? "delete" : "deletecollection";
        default -> throw new IllegalArgumentException("method " + method + " in " + line);
      };
      return new Request(group, resource, verb, namespace, name);
    }
  }

  private static List<Request> requests;

  @BeforeAll
  static void readRecordedCalls() throws IOException {
    assertThat(CALLS).as("the operator's integration tests record its API calls here; run `make test` (or"
        + " ./mvnw verify) so the operator module runs before this one").isDirectory();
    requests = new ArrayList<>();
    try (Stream<Path> files = Files.list(CALLS)) {
      for (Path file : files.toList()) {
        Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Request::parse)
            .filter(r -> r != null).forEach(requests::add);
      }
    }
    assertThat(requests).as("recorded calls").isNotEmpty();
  }

  /** A rule of a rendered Role or ClusterRole; {@code namespace} null for a ClusterRole. */
  record Rule(String role, String namespace, List<String> groups, List<String> resources, List<String> verbs,
      List<String> names) {
    boolean allows(Request r) {
      return groups.contains(r.group()) && resources.contains(r.resource()) && verbs.contains(r.verb())
          && (namespace == null || namespace.equals(r.namespace()))
          && (names == null || names.contains(r.name()));
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    // the operator's tests read client Secrets in many namespaces: the chart as installed to allow them anywhere
    var objects = Chart.render(t -> t.set("secretNamespaces[0]", "*"));
    for (var role : Stream.concat(Chart.ofKind(objects, "ClusterRole").stream(), Chart.ofKind(objects, "Role").stream()).toList()) {
      String namespace = "Role".equals(role.get("kind")) ? (String) Chart.at(role, "metadata", "namespace") : null;
      for (Map<String, Object> rule : (List<Map<String, Object>>) role.get("rules")) {
        rules.add(new Rule(Chart.name(role), namespace, (List<String>) rule.get("apiGroups"),
            (List<String>) rule.get("resources"), (List<String>) rule.get("verbs"), (List<String>) rule.get("resourceNames")));
      }
    }
    return rules;
  }

  @Test
  void everyCallTheOperatorMakesIsAllowed() {
    List<Rule> rules = rules();
    Set<String> refused = new TreeSet<>();
    for (Request r : requests) {
      if (!GRANTED_BY_DEFAULT.contains(r.key()) && rules.stream().noneMatch(rule -> rule.allows(r))) {
        refused.add(r.key() + (r.namespace() == null ? "" : " in " + r.namespace()) + (r.name() == null ? "" : " " + r.name()));
      }
    }
    assertThat(refused).as("calls the chart's RBAC would refuse").isEmpty();
  }

  @Test
  void everyGrantedVerbIsUsed() {
    Set<String> unused = new TreeSet<>();
    for (Rule rule : rules()) {
      for (String group : rule.groups()) {
        for (String resource : rule.resources()) {
          for (String verb : rule.verbs()) {
            boolean used = requests.stream().anyMatch(r -> r.group().equals(group) && r.resource().equals(resource)
                && r.verb().equals(verb));
            if (!used) {
              unused.add((group.isEmpty() ? "core" : group) + "/" + resource + " " + verb + " (" + rule.role() + ")");
            }
          }
        }
      }
    }
    assertThat(unused).as("permissions the chart grants that the operator never used: remove them").isEmpty();
  }

  @Test
  void pathsBecomeTheRequestsKubernetesAuthorises() {
    assertThat(Request.parse("GET /apis/serving.kserve.io/v1beta1/inferenceservices?resourceVersion=0&watch=true"))
        .isEqualTo(new Request("serving.kserve.io", "inferenceservices", "watch", null, null));
    assertThat(Request.parse("PATCH /apis/slipstream.dev/v1alpha1/namespaces/p/streamingpipelines/f/status"))
        .isEqualTo(new Request("slipstream.dev", "streamingpipelines/status", "patch", "p", "f"));
    assertThat(Request.parse("GET /api/v1/namespaces/p/secrets/kafka")).isEqualTo(new Request("", "secrets", "get", "p", "kafka"));
    assertThat(Request.parse("GET /apis/keda.sh/v1alpha1")).as("discovery").isNull();
  }
}
