package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.KafkaUnavailableException;
import dev.slipstream.core.port.ObservedTopic;
import dev.slipstream.core.port.TopicAction;
import dev.slipstream.core.port.TopicGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topics through the Kafka AdminClient: each method is one batched request per kind of change. */
public final class AdminClientTopicGateway implements TopicGateway {
  private final Admin admin;
  private final Duration timeout;

  AdminClientTopicGateway(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  /**
   * What a describe found: the topics that exist, and the topics Kafka could not describe (why), which are
   * neither existing nor absent. Unreachability is thrown as {@link KafkaUnavailableException}.
   */
  record Described(Map<String, ObservedTopic> observed, Map<String, String> failures) {}

  @Override
  public Map<String, ObservedTopic> describe(Collection<String> names, Collection<String> configKeys) {
    Described d = describeEach(names, configKeys);
    if (!d.failures().isEmpty()) {
      var first = d.failures().entrySet().iterator().next();
      throw new KafkaUnavailableException("describing topic " + first.getKey() + " failed: " + first.getValue(), null);
    }
    return d.observed();
  }

  /** One describeTopics and one describeConfigs request for all {@code names}. */
  Described describeEach(Collection<String> names, Collection<String> configKeys) {
    Map<String, TopicDescription> found = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    for (var entry : admin.describeTopics(names).topicNameValues().entrySet()) {
      try {
        found.put(entry.getKey(), KafkaCalls.await(entry.getValue(), timeout, "describing topic " + entry.getKey()));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          failures.put(entry.getKey(), e.getCause().getMessage());
        }
      }
    }
    Map<String, Map<String, String>> configs = new HashMap<>();
    if (!found.isEmpty() && !configKeys.isEmpty()) {
      List<ConfigResource> resources = found.keySet().stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      try {
        Map<ConfigResource, Config> all = KafkaCalls.await(admin.describeConfigs(resources).all(), timeout, "describing topic configs");
        all.forEach((resource, config) -> {
          Map<String, String> values = new HashMap<>();
          for (String key : configKeys) {
            Optional.ofNullable(config.get(key)).map(ConfigEntry::value).ifPresent(v -> values.put(key, v));
          }
          configs.put(resource.name(), values);
        });
      } catch (ExecutionException e) {
        throw new KafkaUnavailableException("describing topic configs failed: " + e.getCause().getMessage(), e);
      }
    }
    Map<String, ObservedTopic> observed = new LinkedHashMap<>();
    found.forEach((name, d) -> observed.put(name, new ObservedTopic(name, d.partitions().size(),
        d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size(), configs.getOrDefault(name, Map.of()),
        d.topicId() == null || Uuid.ZERO_UUID.equals(d.topicId()) ? null : d.topicId().toString())));
    return new Described(observed, failures);
  }

  @Override
  public Map<String, String> apply(List<TopicAction> actions) {
    List<NewTopic> creates = new ArrayList<>();
    Map<String, NewPartitions> partitions = new HashMap<>();
    Map<ConfigResource, Collection<AlterConfigOp>> configs = new HashMap<>();
    for (TopicAction action : actions) {
      if (action instanceof TopicAction.Create c) {
        creates.add(new NewTopic(c.topic(), c.partitions(), (short) c.replicationFactor()).configs(c.configs()));
      } else if (action instanceof TopicAction.IncreasePartitions p) {
        partitions.put(p.topic(), NewPartitions.increaseTo(p.to()));
      } else if (action instanceof TopicAction.SetConfigs s) {
        configs.put(new ConfigResource(ConfigResource.Type.TOPIC, s.topic()), s.configs().entrySet().stream()
            .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList());
      }
    }
    Map<String, String> refused = new LinkedHashMap<>();
    if (!creates.isEmpty()) {
      collect(admin.createTopics(creates).values(), refused, "create");
    }
    if (!partitions.isEmpty()) {
      collect(admin.createPartitions(partitions).values(), refused, "add partitions");
    }
    if (!configs.isEmpty()) {
      Map<String, KafkaFuture<Void>> byTopic = new LinkedHashMap<>();
      admin.incrementalAlterConfigs(configs).values().forEach((r, f) -> byTopic.put(r.name(), f));
      collect(byTopic, refused, "set configs");
    }
    return refused;
  }

  @Override
  public void delete(Map<String, String> idsByName) {
    Map<Uuid, String> names = new LinkedHashMap<>();
    idsByName.forEach((name, id) -> names.put(Uuid.fromString(id), name));
    for (var entry : admin.deleteTopics(TopicCollection.ofTopicIds(names.keySet())).topicIdValues().entrySet()) {
      String name = names.get(entry.getKey());
      try {
        KafkaCalls.await(entry.getValue(), timeout, "deleting topic " + name);
      } catch (ExecutionException e) {
        // gone already, or recreated under another id since: nothing of ours to delete
        if (!(e.getCause() instanceof UnknownTopicIdException || e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new KafkaUnavailableException("deleting topic " + name + " failed: " + e.getCause().getMessage(), e);
        }
      }
    }
  }

  private void collect(Map<String, KafkaFuture<Void>> futures, Map<String, String> refused, String what) {
    futures.forEach((topic, future) -> {
      try {
        KafkaCalls.await(future, timeout, what + " of " + topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          refused.put(topic, "Kafka refused to " + what + ": " + e.getCause().getMessage());
        }
      }
    });
  }
}
