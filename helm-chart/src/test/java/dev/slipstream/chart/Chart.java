package dev.slipstream.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The chart rendered by a real helm (helm-java's native build), as objects. */
final class Chart {
  static final Path DIR = Path.of("slipstream");
  static final String NAMESPACE = "slipstream-system";
  /** A supported Kubernetes version: the chart requires 1.25 or later. */
  static final String KUBE_VERSION = "1.31.0";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Chart() {}

  /** Every object of {@code helm template slipstream} with those values, CRDs included. */
  static List<Map<String, Object>> render(UnaryOperator<TemplateCommand> values) {
    String yaml = values.apply(new Helm(DIR).template().withName("slipstream").withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION)).call();
    return parse(yaml);
  }

  static List<Map<String, Object>> render() {
    return render(t -> t);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> parse(String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.isBlank()) {
        continue;
      }
      try {
        Map<String, Object> object = YAML.readValue(doc, Map.class);
        if (object != null) {
          objects.add(object);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("rendered document is not YAML:\n" + doc, e);
      }
    }
    return objects;
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  @SuppressWarnings("unchecked")
  static String name(Map<String, Object> object) {
    return (String) ((Map<String, Object>) object.get("metadata")).get("name");
  }

  @SuppressWarnings("unchecked")
  static Object at(Object node, Object... path) {
    Object current = node;
    for (Object step : path) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(step);
      } else if (current instanceof List<?> list && step instanceof Integer i) {
        current = i < list.size() ? list.get(i) : null;
      } else {
        return null;
      }
    }
    return current;
  }
}
