package dev.slipstream.cli;

import dev.slipstream.api.v1alpha1.StreamingPipeline;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kubectl slipstream}: the pipelines' state in plain words and the rollout commands, with the user's kubeconfig
 * and RBAC. Commands act as a person would with kubectl: a rollout command sets the annotation
 * {@code slipstream.dev/rollout} to {@code <command>/<id>} (a new id each time, so the operator acts on it once, and a
 * GitOps tool re-applying the same value does not repeat it); pause and resume set {@code spec.rollout.paused}.
 */
public final class KubectlSlipstream {
  static final String ANNOTATION = dev.slipstream.api.v1alpha1.ApiGroup.ROLLOUT_COMMAND_ANNOTATION;
  private static final String USAGE = """
      kubectl slipstream: Slipstream's streaming pipelines, their rollouts and shed levels

      Usage:
        kubectl slipstream status [-n NAMESPACE | -A] [-o json|yaml]   pipelines: readiness, model, rollout, weight, lag, shed level
        kubectl slipstream explain PIPELINE [-n NAMESPACE]             why it is or is not Ready, and why its rollout went as it did
        kubectl slipstream history PIPELINE [-n NAMESPACE] [-o json|yaml]  ended rollouts, the last rollout's checks, shed level changes
        kubectl slipstream promote|abort|retry|approve PIPELINE [-n NAMESPACE] [--id=ID]
                                                                       a rollout command, acted on once (the id defaults to the time)
        kubectl slipstream pause|resume PIPELINE [-n NAMESPACE]        sets spec.rollout.paused

      Flags: --kubeconfig=PATH, --context=NAME, -n/--namespace, -A/--all-namespaces, -o/--output
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock;

  KubectlSlipstream(PrintStream out, PrintStream err, Clock clock) {
    this.out = out;
    this.err = err;
    this.clock = clock;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command line as the executable would; returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return new KubectlSlipstream(out, err, Clock.systemUTC()).run(args);
  }

  /** Parsed command line. */
  record Args(String command, String pipeline, String namespace, boolean all, String output, String kubeconfig,
      String context, String id) {}

  /** Runs one command; returns the exit code: 0 done, 1 failed (said on stderr), 2 a usage error. */
  int run(String[] argv) {
    Args args;
    try {
      args = parse(argv);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (args.command() == null || args.command().equals("help")) {
      out.print(USAGE);
      return args.command() == null ? 2 : 0;
    }
    try (KubernetesClient client = client(args)) {
      String namespace = args.namespace() != null ? args.namespace() : client.getNamespace() != null
          ? client.getNamespace() : "default";
      return switch (args.command()) {
        case "status" -> status(client, args, namespace);
        case "explain" -> {
          out.print(Views.explain(pipeline(client, namespace, args)));
          yield 0;
        }
        case "history" -> {
          StreamingPipeline p = pipeline(client, namespace, args);
          yield print(args, Views.history(p), () -> Views.historyTables(p));
        }
        case "promote", "abort", "retry", "approve" -> command(client, namespace, args);
        case "pause", "resume" -> pause(client, namespace, args);
        default -> throw new IllegalStateException();
      };
    } catch (NotFound e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (KubernetesClientException e) {
      err.println("error: " + (e.getCode() == 403 ? "forbidden by the cluster's RBAC: " : "") + e.getMessage());
      return 1;
    }
  }

  private static final List<String> COMMANDS = List.of("status", "explain", "history", "promote", "abort", "retry",
      "approve", "pause", "resume", "help");

  static Args parse(String[] argv) {
    String command = null;
    String pipeline = null;
    String namespace = null;
    boolean all = false;
    String output = null;
    String kubeconfig = null;
    String context = null;
    String id = null;
    List<String> rest = new ArrayList<>(List.of(argv));
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
      String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      switch (flag) {
        case "-n", "--namespace" -> namespace = value != null ? value : next(rest, ++i, flag);
        case "-A", "--all-namespaces" -> all = true;
        case "-o", "--output" -> output = value != null ? value : next(rest, ++i, flag);
        case "--kubeconfig" -> kubeconfig = value != null ? value : next(rest, ++i, flag);
        case "--context" -> context = value != null ? value : next(rest, ++i, flag);
        case "--id" -> id = value != null ? value : next(rest, ++i, flag);
        case "-h", "--help" -> command = "help";
        default -> {
          if (a.startsWith("-")) {
            throw new IllegalArgumentException("unknown flag " + a);
          } else if (command == null) {
            command = a.toLowerCase(Locale.ROOT);
          } else if (pipeline == null) {
            pipeline = a;
          } else {
            throw new IllegalArgumentException("one pipeline at a time; also given: " + a);
          }
        }
      }
    }
    if (command != null && !COMMANDS.contains(command)) {
      throw new IllegalArgumentException("unknown command " + command);
    }
    if (output != null && !List.of("json", "yaml").contains(output)) {
      throw new IllegalArgumentException("-o takes json or yaml");
    }
    boolean named = command != null && !List.of("status", "help").contains(command);
    if (named && pipeline == null) {
      throw new IllegalArgumentException(command + " needs a PIPELINE");
    }
    if (id != null && !id.matches("[A-Za-z0-9._:-]{1,63}")) {
      throw new IllegalArgumentException("--id takes letters, digits, '.', '_', ':' and '-', at most 63");
    }
    return new Args(command, pipeline, namespace, all, output, kubeconfig, context, id);
  }

  private static String next(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }

  private static KubernetesClient client(Args args) {
    Config config;
    if (args.kubeconfig() != null) {
      try {
        config = Config.fromKubeconfig(args.context(), Files.readString(Path.of(args.kubeconfig())), args.kubeconfig());
      } catch (java.io.IOException e) {
        throw new KubernetesClientException("cannot read kubeconfig " + args.kubeconfig() + ": " + e.getMessage());
      }
    } else {
      config = Config.autoConfigure(args.context());
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private int status(KubernetesClient client, Args args, String namespace) {
    var pipelines = client.resources(StreamingPipeline.class);
    List<StreamingPipeline> items = new ArrayList<>(args.all() ? pipelines.inAnyNamespace().list().getItems()
        : pipelines.inNamespace(namespace).list().getItems());
    items.sort(Comparator.comparing((StreamingPipeline p) -> p.getMetadata().getNamespace())
        .thenComparing(p -> p.getMetadata().getName()));
    if (items.isEmpty() && args.output() == null) {
      out.println(args.all() ? "No pipelines found." : "No pipelines found in namespace " + namespace + ".");
      return 0;
    }
    return print(args, items.stream().map(Views::summary).toList(), () -> Views.statusTable(items, args.all()));
  }

  private int print(Args args, Object structured, java.util.function.Supplier<String> text) {
    if ("json".equals(args.output())) {
      out.println(Serialization.asJson(structured));
    } else if ("yaml".equals(args.output())) {
      out.print(Serialization.asYaml(structured));
    } else {
      out.print(text.get());
    }
    return 0;
  }

  private StreamingPipeline pipeline(KubernetesClient client, String namespace, Args args) {
    StreamingPipeline p = client.resources(StreamingPipeline.class).inNamespace(namespace).withName(args.pipeline()).get();
    if (p == null) {
      throw new NotFound("streamingpipeline " + args.pipeline() + " not found in namespace " + namespace);
    }
    return p;
  }

  private int command(KubernetesClient client, String namespace, Args args) {
    StreamingPipeline p = pipeline(client, namespace, args);
    String id = args.id() != null ? args.id()
        : clock.instant().truncatedTo(ChronoUnit.MILLIS).toString().replace(':', '-');
    String value = args.command() + "/" + id;
    String last = p.getStatus() == null || p.getStatus().rollout == null ? null : p.getStatus().rollout.lastCommand;
    if (value.equals(last)) {
      err.println("error: " + value + " was already acted on (status.rollout.lastCommand); give a new --id");
      return 1;
    }
    client.resources(StreamingPipeline.class).inNamespace(namespace).withName(args.pipeline())
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata",
            Map.of("annotations", Map.of(ANNOTATION, value)))));
    out.println("streamingpipeline " + namespace + "/" + args.pipeline() + ": " + ANNOTATION + "=" + value
        + " set; the operator acts on it once");
    return 0;
  }

  private int pause(KubernetesClient client, String namespace, Args args) {
    pipeline(client, namespace, args);
    boolean paused = args.command().equals("pause");
    client.resources(StreamingPipeline.class).inNamespace(namespace).withName(args.pipeline())
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec",
            Map.of("rollout", Map.of("paused", paused)))));
    out.println("streamingpipeline " + namespace + "/" + args.pipeline() + ": spec.rollout.paused=" + paused
        + (paused ? " (kept in the spec: under GitOps, commit it too or the next sync resumes)" : ""));
    return 0;
  }

  /** A pipeline that is not there. */
  static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }
}
