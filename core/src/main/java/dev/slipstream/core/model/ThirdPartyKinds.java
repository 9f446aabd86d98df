package dev.slipstream.core.model;

/** The third-party kinds Slipstream writes, as group, version and kind. */
public enum ThirdPartyKinds {
  INFERENCE_SERVICE("serving.kserve.io", "v1beta1", "InferenceService", "inferenceservices"),
  FLINK_DEPLOYMENT("flink.apache.org", "v1beta1", "FlinkDeployment", "flinkdeployments"),
  KAFKA_TOPIC("kafka.strimzi.io", "v1", "KafkaTopic", "kafkatopics"),
  HTTP_ROUTE("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"),
  SCALED_OBJECT("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects"),
  /** The Prometheus Operator's: how a cluster's Prometheus finds the job's metrics. */
  POD_MONITOR("monitoring.coreos.com", "v1", "PodMonitor", "podmonitors");

  /**
   * How often a running operator looks for the optional CRDs again: one installed later is used from then on, one
   * removed is no longer watched.
   */
  public static final java.time.Duration RECHECK = java.time.Duration.ofSeconds(10);

  public final String group;
  public final String version;
  public final String kind;
  public final String plural;

  ThirdPartyKinds(String group, String version, String kind, String plural) {
    this.group = group;
    this.version = version;
    this.kind = kind;
    this.plural = plural;
  }

  public String apiVersion() {
    return group + "/" + version;
  }

  /** An object of this kind with the given metadata and spec. */
  public io.fabric8.kubernetes.api.model.GenericKubernetesResource object(io.fabric8.kubernetes.api.model.ObjectMeta meta,
      Object spec) {
    var object = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    object.setApiVersion(apiVersion());
    object.setKind(kind);
    object.setMetadata(meta);
    object.setAdditionalProperty("spec", spec);
    return object;
  }

  /** The name of this kind's CustomResourceDefinition. */
  public String crdName() {
    return plural + "." + group;
  }
}
