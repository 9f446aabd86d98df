package dev.slipstream.cli;

import dev.slipstream.api.v1alpha1.AnalysisCheck;
import dev.slipstream.api.v1alpha1.AnalysisResult;
import dev.slipstream.api.v1alpha1.RolloutRecord;
import dev.slipstream.api.v1alpha1.RolloutStatus;
import dev.slipstream.api.v1alpha1.ShedLevelChange;
import dev.slipstream.api.v1alpha1.ShedStatus;
import dev.slipstream.api.v1alpha1.StreamingPipeline;
import dev.slipstream.api.v1alpha1.StreamingPipelineStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the plugin prints, from pipelines as the API server returns them: tables and plain words, no I/O. */
final class Views {
  private Views() {}

  /** One row of {@code status}, also its JSON and YAML shape. */
  static Map<String, Object> summary(StreamingPipeline p) {
    StreamingPipelineStatus s = p.getStatus() == null ? new StreamingPipelineStatus() : p.getStatus();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("namespace", p.getMetadata().getNamespace());
    row.put("name", p.getMetadata().getName());
    row.put("ready", condition(s, "Ready").map(Condition::getStatus).orElse("Unknown"));
    row.put("phase", or(s.phase, "-"));
    row.put("model", or(s.model, "-"));
    RolloutStatus r = s.rollout;
    row.put("rollout", r == null ? "-" : or(r.phase, "-"));
    row.put("candidate", r == null || r.candidate == null ? "-" : r.candidate);
    row.put("weight", r == null || r.weight == null ? "-" : r.weight + "%");
    row.put("lag", s.consumerLag == null ? "-" : s.consumerLag);
    row.put("shed", s.shed == null ? "-" : s.shed.levelName + (s.shed.level == null || s.shed.level == 0 ? "" : " (" + s.shed.level + ")"));
    return row;
  }

  static String statusTable(List<StreamingPipeline> pipelines, boolean allNamespaces) {
    List<String> headers = new ArrayList<>(List.of("NAME", "READY", "PHASE", "MODEL", "ROLLOUT", "CANDIDATE", "WEIGHT",
        "LAG", "SHED"));
    if (allNamespaces) {
      headers.add(0, "NAMESPACE");
    }
    List<List<String>> rows = new ArrayList<>();
    for (StreamingPipeline p : pipelines) {
      Map<String, Object> s = summary(p);
      List<String> row = new ArrayList<>();
      if (allNamespaces) {
        row.add(String.valueOf(s.get("namespace")));
      }
      for (String key : List.of("name", "ready", "phase", "model", "rollout", "candidate", "weight", "lag", "shed")) {
        row.add(String.valueOf(s.get(key)));
      }
      rows.add(row);
    }
    return table(headers, rows);
  }

  /** Why the pipeline is or is not Ready, what its rollout is doing or why the last one ended, with the numbers. */
  static String explain(StreamingPipeline p) {
    StreamingPipelineStatus s = p.getStatus();
    StringBuilder out = new StringBuilder();
    String name = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    if (s == null || s.conditions == null || s.conditions.isEmpty()) {
      return name + ": the operator has not reported on it yet (no status): is it running and watching namespace "
          + p.getMetadata().getNamespace() + "?\n";
    }
    Optional<Condition> ready = condition(s, "Ready");
    out.append(name).append(" is ").append(ready.map(c -> "True".equals(c.getStatus()) ? "Ready" : "not Ready")
        .orElse("of unknown readiness")).append(" (phase ").append(or(s.phase, "-")).append(")");
    ready.ifPresent(c -> out.append(": ").append(or(c.getMessage(), c.getReason())));
    out.append('\n');
    for (Condition c : s.conditions) {
      boolean bad = "Degraded".equals(c.getType()) || "RolledBack".equals(c.getType())
          ? "True".equals(c.getStatus()) : !"True".equals(c.getStatus()) && !"Progressing".equals(c.getType());
      if (bad) {
        out.append("  ").append(c.getType()).append(" is ").append(c.getStatus()).append(" (").append(c.getReason())
            .append("): ").append(or(c.getMessage(), "")).append('\n');
      }
    }
    if (s.model != null) {
      out.append("Serving ").append(s.model).append(s.consumerLag == null ? "" : ", consumer lag " + s.consumerLag)
          .append('\n');
    }
    RolloutStatus r = s.rollout;
    if (r != null && r.candidate != null && !"Idle".equals(r.phase) && !"Succeeded".equals(r.phase)) {
      out.append("Rollout ").append(r.phase).append(": ").append(r.candidate).append(" at ").append(or(r.weight, 0))
          .append("% beside ").append(r.stable).append(": ").append(or(r.message, "")).append('\n');
    } else if (r != null) {
      out.append("No rollout under way: ").append(or(r.message, r.stable + " serves all traffic")).append('\n');
    }
    if (r != null && r.checks != null && !r.checks.isEmpty()) {
      AnalysisCheck last = r.checks.get(r.checks.size() - 1);
      out.append("Last check at ").append(last.at).append(" (").append(last.phase).append(", ").append(last.weight)
          .append("%): ").append(last.verdict).append('\n');
      for (AnalysisResult result : last.results) {
        out.append("  ").append(result.verdict).append("  ").append(result.message).append('\n');
        if (result.source != null) {
          out.append("        from: ").append(result.source).append('\n');
        }
      }
    }
    if (r != null && r.history != null && !r.history.isEmpty()) {
      RolloutRecord last = r.history.get(r.history.size() - 1);
      out.append("Last rollout: ").append(last.candidate).append(" ").append(last.outcome)
          .append(last.reason == null ? "" : " (" + last.reason + ")").append(" at ").append(last.endedAt)
          .append(", after reaching ").append(or(last.maxWeight, 0)).append("%: ").append(or(last.message, "")).append('\n');
    }
    ShedStatus shed = s.shed;
    if (shed != null) {
      out.append("Shed level ").append(shed.level).append(" '").append(shed.levelName).append("' since ")
          .append(shed.since).append(shed.message == null ? "" : ": " + shed.message).append('\n');
      if (shed.actions != null && !shed.actions.isEmpty()) {
        out.append("  in force: ").append(String.join("; ", shed.actions)).append('\n');
      }
      if (shed.heldBack != null) {
        out.append("  held back: ").append(shed.heldBack).append('\n');
      }
    }
    return out.toString();
  }

  /** The ended rollouts, the current (or last) rollout's checks and the shed level changes; also its JSON and YAML. */
  record History(List<RolloutRecord> rollouts, List<AnalysisCheck> checks, List<ShedLevelChange> shed) {}

  static History history(StreamingPipeline p) {
    StreamingPipelineStatus s = p.getStatus() == null ? new StreamingPipelineStatus() : p.getStatus();
    return new History(s.rollout == null || s.rollout.history == null ? List.of() : s.rollout.history,
        s.rollout == null || s.rollout.checks == null ? List.of() : s.rollout.checks,
        s.shed == null || s.shed.history == null ? List.of() : s.shed.history);
  }

  static String historyTables(StreamingPipeline p) {
    History h = history(p);
    List<List<String>> rollouts = new ArrayList<>();
    for (RolloutRecord r : h.rollouts()) {
      rollouts.add(List.of(or(r.startedAt, "-"), or(r.endedAt, "-"), r.candidate, or(r.stable, "-"), r.outcome,
          or(r.reason, "-"), or(r.maxWeight, 0) + "%"));
    }
    List<List<String>> checks = new ArrayList<>();
    for (AnalysisCheck c : h.checks()) {
      checks.add(List.of(c.at, c.phase, or(c.weight, 0) + "%", c.verdict,
          String.join("; ", c.results.stream().map(r -> r.message).toList())));
    }
    List<List<String>> shed = new ArrayList<>();
    for (ShedLevelChange c : h.shed()) {
      shed.add(List.of(c.at, c.from + " -> " + c.to, or(c.levelName, "-"), or(c.reason, "-"), or(c.message, "")));
    }
    String name = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    RolloutStatus r = p.getStatus() == null ? null : p.getStatus().rollout;
    String current = r == null || r.candidate == null ? "" : " of " + r.candidate + " (" + r.phase + ")";
    return "Rollouts of " + name + ":\n" + (rollouts.isEmpty() ? "  none ended yet\n"
        : table(List.of("STARTED", "ENDED", "CANDIDATE", "STABLE", "OUTCOME", "REASON", "MAX WEIGHT"), rollouts))
        + "\nChecks" + current + ":\n" + (checks.isEmpty() ? "  none\n"
        : table(List.of("AT", "PHASE", "WEIGHT", "VERDICT", "MEASURED"), checks))
        + "\nShed level changes:\n" + (shed.isEmpty() ? "  none\n"
        : table(List.of("AT", "LEVEL", "NAME", "REASON", "WHY"), shed));
  }

  /** Columns as kubectl prints them: left-aligned, three spaces apart. */
  static String table(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < headers.size(); i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static Optional<Condition> condition(StreamingPipelineStatus s, String type) {
    return s.conditions == null ? Optional.empty() : s.conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private static <T> String or(T value, String otherwise) {
    return value == null ? otherwise : String.valueOf(value);
  }

  private static String or(Integer value, int otherwise) {
    return String.valueOf(value == null ? otherwise : value);
  }
}
