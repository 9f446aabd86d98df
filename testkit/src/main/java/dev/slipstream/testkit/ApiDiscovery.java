package dev.slipstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a real API server answers about itself, for the test API server's installed CRDs and the built-in kinds the
 * operator and the examples use: legacy discovery ({@code /api}, {@code /api/v1}, {@code /apis},
 * {@code /apis/{group}/{version}}), OpenAPI v3 ({@code /openapi/v3} and one document per group version, the CRDs'
 * schemas under their group, version and kind), and a list or an object as a {@code meta.k8s.io/v1} Table with the
 * CRD's printer columns. Enough for a real kubectl to find {@code sp}, print columns, describe and explain.
 */
final class ApiDiscovery {
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  /** A built-in kind: its group ("" for core), version, plural, kind, and whether it lives in a namespace. */
  private record BuiltIn(String group, String version, String plural, String kind, boolean namespaced, String... shortNames) {}

  private static final List<BuiltIn> BUILT_IN = List.of(
      new BuiltIn("", "v1", "namespaces", "Namespace", false, "ns"),
      new BuiltIn("", "v1", "configmaps", "ConfigMap", true, "cm"),
      new BuiltIn("", "v1", "secrets", "Secret", true),
      new BuiltIn("", "v1", "services", "Service", true, "svc"),
      new BuiltIn("", "v1", "serviceaccounts", "ServiceAccount", true, "sa"),
      new BuiltIn("", "v1", "pods", "Pod", true, "po"),
      new BuiltIn("", "v1", "events", "Event", true, "ev"),
      new BuiltIn("apps", "v1", "deployments", "Deployment", true, "deploy"),
      new BuiltIn("coordination.k8s.io", "v1", "leases", "Lease", true),
      new BuiltIn("events.k8s.io", "v1", "events", "Event", true, "ev"),
      new BuiltIn("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, "crd", "crds"));

  private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
      "update", "watch");

  private final List<CustomResourceDefinition> crds;
  /** The resources of each group version ("/v1" for the core group), built once: the CRDs do not change. */
  private final Map<String, List<ObjectNode>> byGroupVersion;

  ApiDiscovery(List<CustomResourceDefinition> crds) {
    this.crds = List.copyOf(crds);
    this.byGroupVersion = groupVersions(this.crds);
  }

  private static String key(String group, String version) {
    return group.isEmpty() ? "/" + version : group + "/" + version;
  }

  /** The document for a GET of {@code path} (without its query), or empty when the path is not about discovery. */
  Optional<JsonNode> answer(String path) {
    if (path.equals("/api")) {
      ObjectNode versions = object("APIVersions", "");
      versions.putArray("versions").add("v1");
      versions.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
          .put("serverAddress", "127.0.0.1");
      return Optional.of(versions);
    }
    if (path.equals("/api/v1")) {
      return Optional.of(resources("", "v1"));
    }
    if (path.equals("/apis")) {
      return Optional.of(groups());
    }
    String[] parts = path.substring(1).split("/");
    if (parts.length == 3 && parts[0].equals("apis") && byGroupVersion.containsKey(key(parts[1], parts[2]))) {
      return Optional.of(resources(parts[1], parts[2]));
    }
    if (path.equals("/openapi/v3")) {
      ObjectNode root = MAPPER.createObjectNode();
      ObjectNode paths = root.putObject("paths");
      for (String gv : byGroupVersion.keySet()) {
        String relative = gv.startsWith("/") ? "api" + gv : "apis/" + gv;
        paths.putObject(relative).put("serverRelativeURL", "/openapi/v3/" + relative);
      }
      return Optional.of(root);
    }
    if (path.startsWith("/openapi/v3/apis/") && parts.length == 5) {
      return Optional.of(openApi(parts[3], parts[4]));
    }
    if (path.equals("/openapi/v3/api/v1")) {
      return Optional.of(openApi("", "v1"));
    }
    return Optional.empty();
  }

  /** Whether {@code path} names a custom resource or a list of them, and which CRD serves it. */
  Optional<CustomResourceDefinition> crdOf(String path) {
    String[] parts = path.substring(1).split("/");
    if (parts.length < 4 || !parts[0].equals("apis")) {
      return Optional.empty();
    }
    String plural = parts.length >= 6 && parts[3].equals("namespaces") ? parts[5] : parts[3];
    if (parts.length >= 6 && parts[3].equals("namespaces") && parts.length > 7) {
      return Optional.empty(); // a subresource
    }
    return crds.stream().filter(c -> c.getSpec().getGroup().equals(parts[1]) && c.getSpec().getNames().getPlural().equals(plural)
        && c.getSpec().getVersions().stream().anyMatch(v -> v.getName().equals(parts[2]))).findFirst();
  }

  /**
   * {@code body} (a list or one object of the CRD's kind) as a Table with the version's printer columns after NAME,
   * and AGE where the CRD declares none, as the API server renders one for {@code kubectl get}.
   */
  JsonNode table(CustomResourceDefinition crd, String version, JsonNode body) {
    CustomResourceDefinitionVersion v = crd.getSpec().getVersions().stream().filter(x -> x.getName().equals(version))
        .findFirst().orElseThrow();
    List<CustomResourceColumnDefinition> columns = new ArrayList<>(v.getAdditionalPrinterColumns() == null ? List.of()
        : v.getAdditionalPrinterColumns());
    if (columns.isEmpty()) {
      CustomResourceColumnDefinition age = new CustomResourceColumnDefinition();
      age.setName("Age");
      age.setType("date");
      age.setJsonPath(".metadata.creationTimestamp");
      columns.add(age);
    }
    ObjectNode table = object("Table", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", body.path("metadata").path("resourceVersion").asText(""));
    ArrayNode definitions = table.putArray("columnDefinitions");
    definitions.addObject().put("name", "Name").put("type", "string").put("format", "name")
        .put("description", "Name must be unique within a namespace.").put("priority", 0);
    for (CustomResourceColumnDefinition c : columns) {
      definitions.addObject().put("name", c.getName()).put("type", c.getType())
          .put("format", c.getFormat() == null ? "" : c.getFormat())
          .put("description", c.getDescription() == null ? "" : c.getDescription())
          .put("priority", c.getPriority() == null ? 0 : c.getPriority());
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> items = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(items::add);
    } else {
      items.add(body);
    }
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(item.path("metadata").path("name").asText());
      for (CustomResourceColumnDefinition c : columns) {
        JsonNode value = JsonPathSubset.read(item, c.getJsonPath());
        cells.add(value == null ? MAPPER.nullNode() : value);
      }
      ObjectNode partial = row.putObject("object");
      partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
      partial.set("metadata", item.path("metadata"));
    }
    return table;
  }

  private static Map<String, List<ObjectNode>> groupVersions(List<CustomResourceDefinition> crds) {
    Map<String, List<ObjectNode>> byGroupVersion = new LinkedHashMap<>();
    for (BuiltIn b : BUILT_IN) {
      ObjectNode r = resource(b.plural(), b.plural().replaceAll("s$", "").replaceAll("ie$", "y"), b.kind(), b.namespaced(),
          List.of(b.shortNames()), List.of());
      byGroupVersion.computeIfAbsent(key(b.group(), b.version()), k -> new ArrayList<>()).add(r);
    }
    for (CustomResourceDefinition crd : crds) {
      var names = crd.getSpec().getNames();
      boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        if (!Boolean.TRUE.equals(v.getServed())) {
          continue;
        }
        List<ObjectNode> list = byGroupVersion.computeIfAbsent(key(crd.getSpec().getGroup(), v.getName()), k -> new ArrayList<>());
        list.add(resource(names.getPlural(), names.getSingular(), names.getKind(), namespaced,
            names.getShortNames() == null ? List.of() : names.getShortNames(),
            names.getCategories() == null ? List.of() : names.getCategories()));
        if (v.getSubresources() != null && v.getSubresources().getStatus() != null) {
          ObjectNode status = resource(names.getPlural() + "/status", "", names.getKind(), namespaced, List.of(), List.of());
          status.set("verbs", MAPPER.valueToTree(List.of("get", "patch", "update")));
          list.add(status);
        }
      }
    }
    return byGroupVersion;
  }

  private static ObjectNode resource(String plural, String singular, String kind, boolean namespaced, List<String> shortNames,
      List<String> categories) {
    ObjectNode r = MAPPER.createObjectNode();
    r.put("name", plural).put("singularName", singular).put("namespaced", namespaced).put("kind", kind);
    r.set("verbs", MAPPER.valueToTree(VERBS));
    if (!shortNames.isEmpty()) {
      r.set("shortNames", MAPPER.valueToTree(shortNames));
    }
    if (!categories.isEmpty()) {
      r.set("categories", MAPPER.valueToTree(categories));
    }
    return r;
  }

  private ObjectNode groups() {
    ObjectNode list = object("APIGroupList", "v1");
    ArrayNode groups = list.putArray("groups");
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    for (String gv : byGroupVersion.keySet()) {
      if (!gv.startsWith("/")) {
        versionsByGroup.computeIfAbsent(gv.substring(0, gv.indexOf('/')), g -> new ArrayList<>()).add(gv.substring(gv.indexOf('/') + 1));
      }
    }
    versionsByGroup.forEach((group, versions) -> {
      ObjectNode g = groups.addObject().put("name", group);
      ArrayNode vs = g.putArray("versions");
      versions.forEach(v -> vs.addObject().put("groupVersion", group + "/" + v).put("version", v));
      String preferred = preferred(group, versions);
      g.putObject("preferredVersion").put("groupVersion", group + "/" + preferred).put("version", preferred);
    });
    return list;
  }

  /** The CRD's storage version where a CRD defines the group, else the first listed. */
  private String preferred(String group, List<String> versions) {
    return crds.stream().filter(c -> c.getSpec().getGroup().equals(group))
        .flatMap(c -> c.getSpec().getVersions().stream()).filter(v -> Boolean.TRUE.equals(v.getStorage()))
        .map(CustomResourceDefinitionVersion::getName).filter(versions::contains).findFirst().orElse(versions.get(0));
  }

  private ObjectNode resources(String group, String version) {
    ObjectNode list = object("APIResourceList", "v1");
    list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = list.putArray("resources");
    byGroupVersion.getOrDefault(key(group, version), List.of()).forEach(resources::add);
    return list;
  }

  /** The group version's CRD schemas as OpenAPI v3 components, each tagged with its group, version and kind. */
  private ObjectNode openApi(String group, String version) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes CRD Swagger").put("version", "v0.1.0");
    ObjectNode paths = doc.putObject("paths");
    // each kind's object path, its PATCH taking fieldValidation: the server refuses unknown fields itself (the CRD's
    // schema), so kubectl leaves validation to it instead of asking for the OpenAPI v2 it would check against
    String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    for (JsonNode r : byGroupVersion.getOrDefault(key(group, version), List.of())) {
      String plural = r.path("name").asText();
      if (plural.contains("/")) {
        continue;
      }
      ObjectNode patch = paths.putObject(prefix + (r.path("namespaced").asBoolean() ? "/namespaces/{namespace}/" : "/")
          + plural + "/{name}").putObject("patch");
      patch.put("operationId", "patch" + r.path("kind").asText());
      patch.putObject("x-kubernetes-group-version-kind").put("group", group).put("kind", r.path("kind").asText())
          .put("version", version);
      patch.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
          .putObject("schema").put("type", "string");
      patch.putObject("responses").putObject("200").put("description", "OK");
    }
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    for (CustomResourceDefinition crd : crds) {
      if (!crd.getSpec().getGroup().equals(group)) {
        continue;
      }
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        if (!v.getName().equals(version) || v.getSchema() == null) {
          continue;
        }
        String reversed = String.join(".", reverse(group.split("\\.")));
        ObjectNode schema = MAPPER.valueToTree(v.getSchema().getOpenAPIV3Schema());
        schema.set("x-kubernetes-group-version-kind", MAPPER.createArrayNode().add(MAPPER.createObjectNode()
            .put("group", group).put("kind", crd.getSpec().getNames().getKind()).put("version", version)));
        schemas.set(reversed + "." + version + "." + crd.getSpec().getNames().getKind(), schema);
      }
    }
    return doc;
  }

  private static List<String> reverse(String[] parts) {
    List<String> out = new ArrayList<>(List.of(parts));
    java.util.Collections.reverse(out);
    return out;
  }

  private static ObjectNode object(String kind, String apiVersion) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("kind", kind);
    if (!apiVersion.isEmpty()) {
      node.put("apiVersion", apiVersion);
    }
    return node;
  }

  /**
   * The JSONPath of printer columns, as far as the CRDs in use write it: fields ({@code \.} escapes a dot in a
   * name), {@code [n]} and {@code [?(@.field==value)]} with a quoted string or a bare literal. The first match.
   */
  static final class JsonPathSubset {
    private JsonPathSubset() {}

    static JsonNode read(JsonNode root, String path) {
      List<String> steps = steps(path.startsWith(".") ? path.substring(1) : path);
      List<JsonNode> current = List.of(root);
      for (String step : steps) {
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode node : current) {
          if (step.startsWith("[?(@.")) {
            int eq = step.indexOf("==");
            String field = step.substring(5, eq);
            String literal = step.substring(eq + 2, step.length() - 2).trim();
            String wanted = literal.startsWith("'") || literal.startsWith("\"") ? literal.substring(1, literal.length() - 1) : literal;
            node.forEach(element -> {
              JsonNode v = element.get(field);
              if (v != null && v.asText().equals(wanted)) {
                next.add(element);
              }
            });
          } else if (step.startsWith("[")) {
            JsonNode v = node.get(Integer.parseInt(step.substring(1, step.length() - 1)));
            if (v != null) {
              next.add(v);
            }
          } else {
            JsonNode v = node.get(step);
            if (v != null) {
              next.add(v);
            }
          }
        }
        current = next;
      }
      return current.isEmpty() ? null : current.get(0);
    }

    private static List<String> steps(String path) {
      List<String> steps = new ArrayList<>();
      StringBuilder name = new StringBuilder();
      for (int i = 0; i < path.length(); i++) {
        char c = path.charAt(i);
        if (c == '\\' && i + 1 < path.length()) {
          name.append(path.charAt(++i));
        } else if (c == '.') {
          if (name.length() > 0) {
            steps.add(name.toString());
            name.setLength(0);
          }
        } else if (c == '[') {
          if (name.length() > 0) {
            steps.add(name.toString());
            name.setLength(0);
          }
          int end = path.indexOf(']', i);
          steps.add(path.substring(i, end + 1));
          i = end;
        } else {
          name.append(c);
        }
      }
      if (name.length() > 0) {
        steps.add(name.toString());
      }
      return steps;
    }
  }
}
