package dev.slipstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What a Kubernetes API server does with a custom resource at admission, offline: apply the schema's
 * defaults, check it against the structural openAPIV3Schema (types, enums, patterns, bounds, required
 * fields, and unknown fields as kubectl's default strict field validation refuses them), then evaluate
 * the CEL {@code x-kubernetes-validations} rules, transition rules with the old object on update.
 * Messages follow the API server's form: {@code <path>: <problem>}.
 */
public final class AdmissionValidator {
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private final Map<String, JsonNode> schemas = new ConcurrentHashMap<>();
  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();
  private final CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  public AdmissionValidator(List<CustomResourceDefinition> crds) {
    crds.forEach(this::add);
  }

  public void add(CustomResourceDefinition crd) {
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      if (version.getSchema() != null && version.getSchema().getOpenAPIV3Schema() != null) {
        // metadata, apiVersion and kind are the API server's own; the CRD schema speaks of the rest (removed once
        // here: copying a schema as large as an InferenceService's on every write was a third of the server's time)
        ObjectNode schema = MAPPER.valueToTree(version.getSchema().getOpenAPIV3Schema());
        if (schema.has("properties")) {
          ((ObjectNode) schema.get("properties")).remove(List.of("metadata", "apiVersion", "kind"));
        }
        schemas.put(crd.getSpec().getGroup() + "/" + version.getName() + "/" + crd.getSpec().getNames().getKind(), schema);
      }
    }
  }

  public boolean knows(String apiVersion, String kind) {
    return schemas.containsKey(apiVersion + "/" + kind);
  }

  /**
   * Defaults {@code object} in place and returns what is wrong with it; empty when the API server would admit it.
   *
   * @param old the stored object on update (for transition rules), or null on create
   */
  private volatile boolean celRules = true;

  /**
   * false: admit as an API server without CEL validation does (before Kubernetes 1.25, or with it turned off):
   * the schema holds, the x-kubernetes-validations rules do not, and the operator must judge what they would have.
   */
  public void celRules(boolean on) {
    this.celRules = on;
  }

  public List<String> admit(ObjectNode object, JsonNode old) {
    String apiVersion = object.path("apiVersion").asText();
    String kind = object.path("kind").asText();
    JsonNode schema = schemas.get(apiVersion + "/" + kind);
    if (schema == null) {
      return List.of("no CRD serves " + apiVersion + " " + kind);
    }
    List<String> errors = new ArrayList<>();
    String name = object.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      errors.add("metadata.name: Required value: name is required");
    } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      errors.add("metadata.name: Invalid value: \"" + abbreviate(name) + "\": a lowercase RFC 1123 subdomain of at most 253 characters is required");
    }
    ObjectNode body = object.deepCopy();
    body.remove(List.of("metadata", "apiVersion", "kind"));
    ObjectNode oldBody = null;
    if (old != null && old.isObject()) {
      oldBody = ((ObjectNode) old).deepCopy();
      oldBody.remove(List.of("metadata", "apiVersion", "kind"));
    }
    walk(body, oldBody, schema, "", errors);
    object.retain(List.of("metadata", "apiVersion", "kind"));
    body.fields().forEachRemaining(e -> object.set(e.getKey(), e.getValue()));
    return errors;
  }

  private void walk(JsonNode value, JsonNode old, JsonNode schema, String path, List<String> errors) {
    int before = errors.size();
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        errors.add(at(path) + ": Invalid value: \"null\": must not be null");
      }
      return;
    }
    boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
    String type = schema.path("type").asText("");
    if (intOrString) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        errors.add(at(path) + ": Invalid value: " + value + ": must be an integer or a string");
      }
    } else if (!type.isEmpty() && !hasType(value, type)) {
      errors.add(at(path) + ": Invalid value: \"" + nodeType(value) + "\": " + at(path) + " in body must be of type " + type);
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode allowed : schema.get("enum")) {
        found |= allowed.equals(value) || (allowed.isTextual() && value.isTextual() && allowed.asText().equals(value.asText()));
      }
      if (!found) {
        errors.add(at(path) + ": Unsupported value: " + value + ": supported values: " + join(schema.get("enum")));
      }
    }
    if (value.isTextual()) {
      String s = value.asText();
      if (schema.has("maxLength") && s.codePointCount(0, s.length()) > schema.get("maxLength").asLong()) {
        errors.add(at(path) + ": Too long: may not be more than " + schema.get("maxLength").asLong() + " bytes");
      }
      if (schema.has("minLength") && s.codePointCount(0, s.length()) < schema.get("minLength").asLong()) {
        errors.add(at(path) + ": Invalid value: \"" + abbreviate(s) + "\": " + at(path) + " in body should be at least "
            + schema.get("minLength").asLong() + " chars long");
      }
      if (schema.has("pattern") && !patterns.computeIfAbsent(schema.get("pattern").asText(), Pattern::compile).matcher(s).find()) {
        errors.add(at(path) + ": Invalid value: \"" + abbreviate(s) + "\": " + at(path) + " in body should match '"
            + schema.get("pattern").asText() + "'");
      }
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
        errors.add(at(path) + ": Invalid value: " + value + ": " + at(path) + " in body should be greater than or equal to "
            + schema.get("minimum"));
      }
      if (schema.has("maximum") && value.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
        errors.add(at(path) + ": Invalid value: " + value + ": " + at(path) + " in body should be less than or equal to "
            + schema.get("maximum"));
      }
    }
    if (value.isArray()) {
      if (schema.has("maxItems") && value.size() > schema.get("maxItems").asLong()) {
        errors.add(at(path) + ": Too many: " + value.size() + ": must have at most " + schema.get("maxItems").asLong() + " items");
      }
      if (schema.has("minItems") && value.size() < schema.get("minItems").asLong()) {
        errors.add(at(path) + ": Invalid value: " + value.size() + ": " + at(path) + " in body should have at least "
            + schema.get("minItems").asLong() + " items");
      }
      if (schema.has("items")) {
        for (int i = 0; i < value.size(); i++) {
          walk(value.get(i), null, schema.get("items"), path + "[" + i + "]", errors);
        }
      }
    }
    if (value.isObject()) {
      walkObject((ObjectNode) value, old, schema, path, errors);
    }
    if (celRules && errors.size() == before && schema.has("x-kubernetes-validations")) {
      for (JsonNode rule : schema.get("x-kubernetes-validations")) {
        evaluate(rule, value, old, path, errors);
      }
    }
  }

  private void walkObject(ObjectNode value, JsonNode old, JsonNode schema, String path, List<String> errors) {
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    // as the API server does before defaulting: a null in a field whose schema is not nullable is dropped (a null item
    // of a list is not, and is refused below)
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      var field = it.next();
      JsonNode fieldSchema = properties.has(field.getKey()) ? properties.get(field.getKey())
          : additional != null && additional.isObject() ? additional : null;
      if (field.getValue().isNull() && fieldSchema != null && !fieldSchema.path("nullable").asBoolean(false)) {
        it.remove();
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      var property = it.next();
      if (!value.has(property.getKey()) && property.getValue().has("default")) {
        value.set(property.getKey(), property.getValue().get("default").deepCopy());
      }
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        errors.add(at(path + "." + required.asText()) + ": Required value");
      }
    }
    if (schema.has("maxProperties") && value.size() > schema.get("maxProperties").asLong()) {
      errors.add(at(path) + ": Too many: " + value.size() + ": must have at most " + schema.get("maxProperties").asLong() + " items");
    }
    boolean preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      var field = it.next();
      String childPath = path + "." + field.getKey();
      JsonNode oldChild = old == null ? null : old.get(field.getKey());
      if (properties.has(field.getKey())) {
        walk(field.getValue(), oldChild, properties.get(field.getKey()), childPath, errors);
      } else if (additional != null && additional.isObject()) {
        walk(field.getValue(), oldChild, additional, childPath, errors);
      } else if (!preserveUnknown && !(additional != null && additional.asBoolean(false))) {
        errors.add(at(childPath) + ": unknown field \"" + at(childPath) + "\"");
      }
    }
  }

  private void evaluate(JsonNode rule, JsonNode value, JsonNode old, String path, List<String> errors) {
    String expression = rule.path("rule").asText();
    boolean transition = expression.contains("oldSelf");
    if (transition && old == null) {
      return;
    }
    String where = at(rule.has("fieldPath") ? path + rule.get("fieldPath").asText() : path);
    try {
      CelRuntime.Program program = programs.computeIfAbsent(expression, this::compile);
      Map<String, Object> vars = new LinkedHashMap<>();
      vars.put("self", toCel(value));
      if (transition) {
        vars.put("oldSelf", toCel(old));
      }
      Object result = program.eval(vars);
      if (!Boolean.TRUE.equals(result)) {
        String message = rule.has("message") ? rule.get("message").asText() : "failed rule: " + expression;
        errors.add(where + ": Invalid value: \"" + nodeType(value) + "\": " + message);
      }
    } catch (Exception e) {
      errors.add(where + ": Invalid value: \"" + nodeType(value) + "\": rule could not be evaluated (" + expression + "): "
          + e.getMessage());
    }
  }

  private CelRuntime.Program compile(String expression) {
    try {
      CelValidationResult result = compiler.compile(expression);
      if (result.hasError()) {
        throw new IllegalArgumentException(result.getErrorString());
      }
      return runtime.createProgram(result.getAst());
    } catch (Exception e) {
      throw new IllegalArgumentException("CEL rule does not compile: " + expression + ": " + e.getMessage(), e);
    }
  }

  /** JSON as CEL sees it: objects as maps, integers as long, other numbers as double. */
  static Object toCel(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
  }

  private static String nodeType(JsonNode value) {
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    return value.isTextual() ? "string" : value.isBoolean() ? "boolean" : value.isNumber() ? "number" : "null";
  }

  private static String at(String path) {
    return path.startsWith(".") ? path.substring(1) : path;
  }

  private static String join(JsonNode values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(v.toString()));
    return String.join(", ", out);
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
