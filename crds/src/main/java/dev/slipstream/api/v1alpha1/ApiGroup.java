package dev.slipstream.api.v1alpha1;

/** Names shared by the API types and everything that reads or writes them. */
public final class ApiGroup {
  public static final String GROUP = "slipstream.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** Go-style duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}. */
  public static final String DURATION_PATTERN = "^([0-9]+(ms|s|m|h))+$";
  /** Kafka's own rule for topic names (legal characters, at most 249). */
  public static final String TOPIC_NAME_PATTERN = "^[a-zA-Z0-9._-]{1,249}$";
  /** A DNS-1123 subdomain, the rule for names of most Kubernetes objects. */
  public static final String OBJECT_NAME_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  /** A DNS-1123 label: a name that is one label (a sink's, a level's). */
  public static final String DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  /**
   * The annotation that carries a manual rollout command ({@code promote}, {@code abort}, {@code retry}, {@code approve},
   * with an optional id); the operator reads it and never writes it.
   */
  public static final String ROLLOUT_COMMAND_ANNOTATION = GROUP + "/rollout";
  /** A Kubernetes quantity such as {@code 500m}, {@code 2}, {@code 4Gi}. */
  public static final String QUANTITY_PATTERN = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$";

  private ApiGroup() {}
}
