package dev.slipstream.operator;

import dev.slipstream.controllers.Controllers;
import dev.slipstream.controllers.ControllersConfig;
import dev.slipstream.core.model.ThirdPartyKinds;
import dev.slipstream.operator.metrics.PrometheusPipelineMetrics;
import dev.slipstream.operator.metrics.ReconcileMetrics;
import dev.slipstream.operator.prometheus.PrometheusLatencySource;
import dev.slipstream.operator.prometheus.PrometheusSources;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.slipstream.operator.kafka.AdminClientKafkaAccess;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator: Slipstream's controllers on a Kubernetes client, with the Kafka adapters wired in. */
public final class SlipstreamOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlipstreamOperator.class);
  private final Operator operator;
  private final KubernetesClient views;
  private final AdminClientKafkaAccess kafka;
  private final dev.slipstream.operator.notify.HttpNotifications notifications;
  private volatile boolean started;
  private final String identity;
  /** The Lease replicas compete for; only its holder reconciles. */
  public static final String LEASE_NAME = "slipstream-operator";

  public SlipstreamOperator(KubernetesClient client, OperatorConfig config, Clock clock, Metrics metrics) {
    this(client, config, clock, metrics, new PrometheusRegistry());
  }

  /** @param registry where Slipstream's own metrics go (served on /metrics by the process) */
  public SlipstreamOperator(KubernetesClient client, OperatorConfig config, Clock clock, Metrics metrics,
      PrometheusRegistry registry) {
    this(client, config, clock, metrics, registry, true);
  }

  /**
   * @param exitOnLostLease with leader election, end the process when the Lease is lost (so a stale leader
   *     never acts beside the new one); false only where several operators share one JVM, as in tests
   */
  public SlipstreamOperator(KubernetesClient client, OperatorConfig config, Clock clock, Metrics metrics,
      PrometheusRegistry registry, boolean exitOnLostLease) {
    this.kafka = new AdminClientKafkaAccess(config.kafkaApiTimeout(),
        new dev.slipstream.operator.metrics.TopicChangeMetrics(registry));
    this.notifications = new dev.slipstream.operator.notify.HttpNotifications(config.notificationAllowedHosts(),
        config.notificationTimeout(), config.notificationSinks(), registry);
    Set<ThirdPartyKinds> installed = installedKinds(client);
    LOG.info("third-party CRDs installed: {}", installed);
    ControllersConfig controllers = new ControllersConfig(config.defaults(), installed, kafka,
        new PrometheusLatencySource(config.prometheusUrl(), config.prometheusSources().isEmpty()
            ? PrometheusSources.none() : PrometheusSources.read(java.nio.file.Path.of(config.prometheusSources()),
                config.prometheusTimeout()), config.prometheusAllowedHosts(), config.prometheusTimeout()),
        new PrometheusPipelineMetrics(registry), config.resync(),
        config.kafkaRetryMin(), config.kafkaRetryMax(), clock, notifications, config.statusProgressInterval());
    // plain JSON patches for the primary (finalizers): they work on every API server, including the test server
    this.identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("slipstream") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    // built once: the framework may apply this configuration more than once, and a registry takes a name once
    ReconcileMetrics reconcileMetrics = new ReconcileMetrics(registry, metrics);
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          // each reconcile's copy of its primary through a token buffer, not JSON text (BufferCloner)
          .withResourceCloner(new dev.slipstream.controllers.common.BufferCloner(client.getKubernetesSerialization()))
          .withMetrics(reconcileMetrics);
      if (config.leaderElection()) {
        Duration lease = config.leaseDuration();
        var election = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
            .withIdentity(identity)
            .withLeaseDuration(lease)
            .withRenewDeadline(lease.multipliedBy(2).dividedBy(3))
            .withRetryPeriod(lease.dividedBy(5))
            .withExitOnStopLeading(exitOnLostLease);
        if (!config.leaseNamespace().isEmpty()) {
          election.withLeaseNamespace(config.leaseNamespace());
        }
        o.withLeaderElectionConfiguration(election.build());
      }
    });
    // the ModelVersion and ShedPolicy controllers watch pipelines and ModelVersions through a client of their own,
    // which holds of each only what they read (OwnKindViews); the operator's client reads them whole
    this.views = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withHttpClientFactory(new io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory())
        .withKubernetesSerialization(dev.slipstream.controllers.common.PrunedReads.viewsSerialization())
        .withConfig(client.getConfiguration()).build();
    Controllers.register(operator, client, views, controllers, config.namespaces());
  }

  /** Which optional third-party CRDs the cluster has; controllers never watch or write the others. */
  public static Set<ThirdPartyKinds> installedKinds(KubernetesClient client) {
    Set<ThirdPartyKinds> installed = EnumSet.noneOf(ThirdPartyKinds.class);
    for (ThirdPartyKinds kind : ThirdPartyKinds.values()) {
      if (dev.slipstream.controllers.common.Kinds.installed(client, kind)) {
        installed.add(kind);
      }
    }
    return installed;
  }

  public void start() {
    operator.start();
    started = true;
  }

  /** This replica's name in the Lease. */
  public String identity() {
    return identity;
  }

  /** Started and serving: what /readyz reports. */
  public boolean isStarted() {
    return started;
  }

  @Override
  public void close() {
    operator.stop();
    views.close();
    kafka.close();
    notifications.close();
  }
}
