package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.KafkaAccess;
import dev.slipstream.core.port.KafkaUnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * One AdminClient per distinct Kafka connection (bootstrap servers and security properties), shared by
 * every pipeline on that cluster and kept across reconciles; it reconnects by itself after an outage.
 */
public final class AdminClientKafkaAccess implements KafkaAccess, AutoCloseable {
  /** How often, at most, a lag round reads every stale group besides its callers' (a resync's first round does). */
  public static final java.time.Duration LAG_SWEEP_EVERY = BatchedLagSource.SWEEP_EVERY;

  private final Duration apiTimeout;
  private final TopicChanges topicChanges;
  private final Map<Map<String, String>, Cluster> clusters = new ConcurrentHashMap<>();

  /**
   * @param apiTimeout how long one batched call may take before Kafka counts as unavailable
   */
  public AdminClientKafkaAccess(Duration apiTimeout) {
    this(apiTimeout, TopicChanges.NONE);
  }

  /** @param topicChanges hears what became of each topic change planned on any cluster */
  public AdminClientKafkaAccess(Duration apiTimeout, TopicChanges topicChanges) {
    this.apiTimeout = apiTimeout;
    this.topicChanges = topicChanges;
  }

  @Override
  public KafkaCluster connect(Map<String, String> clientProperties) {
    return clusters.computeIfAbsent(Map.copyOf(clientProperties), this::open);
  }

  private Cluster open(Map<String, String> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    int timeout = (int) apiTimeout.toMillis();
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeout / 2));
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
    config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "slipstream-operator");
    Admin admin;
    try {
      admin = Admin.create(config);
    } catch (KafkaException e) {
      // the client refuses to start when no bootstrap address resolves: a typo, or DNS not ready yet
      throw new KafkaUnavailableException(KafkaUnavailableException.Kind.UNRESOLVABLE, rootMessage(e), e);
    }
    return new Cluster(admin, Map.copyOf(clientProperties), apiTimeout,
        new BatchedTopicGateway(new AdminClientTopicGateway(admin, apiTimeout), apiTimeout, topicChanges),
        new BatchedLagSource(new AdminClientLagSource(admin, apiTimeout), apiTimeout));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  /** Requests sent so far by the AdminClients of every cluster (their request-total metric). */
  public long requestsSent() {
    return clusters.values().stream().mapToLong(c -> c.admin().metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("request-total") && e.getKey().group().equals("admin-client-metrics"))
        .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue()).sum()).sum();
  }

  @Override
  public void close() {
    clusters.values().forEach(c -> {
      c.topics().close();
      c.lag().close();
      c.admin().close(Duration.ofSeconds(5));
    });
    clusters.clear();
  }

  /** One cluster's AdminClient and the batched gateways every pipeline on it shares. */
  private record Cluster(Admin admin, Map<String, String> clientProperties, Duration timeout, BatchedTopicGateway topics,
      BatchedLagSource lag) implements KafkaCluster {

    @Override
    public KafkaOutputSampler outputs() {
      return new KafkaOutputSampler(clientProperties, timeout);
    }

    @Override
    public KafkaReplayReader replay() {
      return new KafkaReplayReader(clientProperties, timeout);
    }
  }
}
