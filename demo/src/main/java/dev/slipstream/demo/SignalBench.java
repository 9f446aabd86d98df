package dev.slipstream.demo;

import dev.slipstream.core.port.ConsumerLagSource;
import dev.slipstream.operator.kafka.AdminClientKafkaAccess;
import dev.slipstream.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Signal collection: the consumer lag of many pipelines (one group each on its own input topic of several
 * partitions) read by the operator's Kafka access the way reconciles ask for it, 50 at a time (the framework's
 * reconcile threads). First look: every pipeline asks for the first time (a start-up). Collection round: the
 * same pipelines ask again once the answers are stale and a sweep of all is due (a resync, {@link
 * AdminClientKafkaAccess#LAG_SWEEP_EVERY} later at least): wall time and AdminClient requests.
 * Baseline: what one pipeline's lag costs alone (a fresh access asked for one group), times the pipelines.
 */
public final class SignalBench {
  /** What one measurement found. */
  public record Figures(int pipelines, int partitions, double firstLookMillis, long firstLookRequests, double roundMillis,
      long roundRequests, double aloneMillis, double aloneRequests, boolean samePositions) {
    /** What the pipelines' lag would cost read one by one, each alone. */
    public double oneByOneRequests() {
      return aloneRequests * pipelines;
    }
  }

  private SignalBench() {}

  public static Figures run(EmbeddedKafka kafka, int pipelines, int partitionsEach) throws Exception {
    List<String> topics = new ArrayList<>();
    // setting up thousands of partitions keeps a one-node broker busy for a while: patient calls
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers(), "default.api.timeout.ms", 600_000,
        "request.timeout.ms", 120_000))) {
      List<NewTopic> create = new ArrayList<>();
      for (int i = 0; i < pipelines; i++) {
        topics.add("signal-" + i);
        create.add(new NewTopic("signal-" + i, partitionsEach, (short) 1));
      }
      admin.createTopics(create).all().get(5, TimeUnit.MINUTES);
      for (int i = 0; i < pipelines; i++) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int p = 0; p < partitionsEach; p++) {
          offsets.put(new TopicPartition(topics.get(i), p), new OffsetAndMetadata(0));
        }
        admin.alterConsumerGroupOffsets("signal-group-" + i, offsets).all().get(10, TimeUnit.MINUTES);
      }
    }
    ExecutorService reconciles = Executors.newFixedThreadPool(50);
    try (AdminClientKafkaAccess access = new AdminClientKafkaAccess(Duration.ofSeconds(30))) {
      ConsumerLagSource lag = access.connect(Map.of("bootstrap.servers", kafka.bootstrapServers())).lag();
      long before = access.requestsSent();
      long start = System.nanoTime();
      List<Optional<ConsumerLagSource.Position>> first = askAll(lag, topics, reconciles);
      double firstMillis = (System.nanoTime() - start) / 1e6;
      long firstRequests = access.requestsSent() - before;

      // a resync: the same pipelines ask again once their answers are stale and a sweep is due, as at the operator's
      // resync (60 s) (bench pacing, not synchronisation)
      java.util.concurrent.locks.LockSupport.parkNanos(AdminClientKafkaAccess.LAG_SWEEP_EVERY.plusMillis(100).toNanos());
      before = access.requestsSent();
      start = System.nanoTime();
      List<Optional<ConsumerLagSource.Position>> round = askAll(lag, topics, reconciles);
      double roundMillis = (System.nanoTime() - start) / 1e6;
      long roundRequests = access.requestsSent() - before;

      int samples = Math.min(10, pipelines - 1);
      long aloneRequests = 0;
      double aloneMillis = 0;
      for (int i = 1; i <= samples; i++) {
        try (AdminClientKafkaAccess alone = new AdminClientKafkaAccess(Duration.ofSeconds(30))) {
          ConsumerLagSource single = alone.connect(Map.of("bootstrap.servers", kafka.bootstrapServers())).lag();
          single.position("signal-group-0", List.of(topics.get(0))); // connected, and group 0 fresh
          long b = alone.requestsSent();
          long t = System.nanoTime();
          if (!single.position("signal-group-" + i, List.of(topics.get(i))).equals(round.get(i))) {
            throw new IllegalStateException("group " + i + " read alone differs from its round");
          }
          aloneMillis += (System.nanoTime() - t) / 1e6;
          aloneRequests += alone.requestsSent() - b;
        }
      }
      return new Figures(pipelines, pipelines * partitionsEach, firstMillis, firstRequests, roundMillis, roundRequests,
          aloneMillis / samples, (double) aloneRequests / samples, first.equals(round) && round.stream().allMatch(Optional::isPresent));
    } finally {
      reconciles.shutdownNow();
    }
  }

  private static List<Optional<ConsumerLagSource.Position>> askAll(ConsumerLagSource lag, List<String> topics,
      ExecutorService reconciles) {
    List<CompletableFuture<Optional<ConsumerLagSource.Position>>> calls = new ArrayList<>();
    for (int i = 0; i < topics.size(); i++) {
      int n = i;
      calls.add(CompletableFuture.supplyAsync(() -> lag.position("signal-group-" + n, List.of(topics.get(n))), reconciles));
    }
    return calls.stream().map(CompletableFuture::join).toList();
  }

  static void print(Figures f) {
    System.out.printf(java.util.Locale.ROOT, "  signals: lag of %d pipelines on %d partitions: first look %.0f ms, %d requests;"
        + " a collection round %.0f ms, %d requests; alone %.1f ms and %.1f requests per pipeline (same positions: %s)%n",
        f.pipelines(), f.partitions(), f.firstLookMillis(), f.firstLookRequests(), f.roundMillis(), f.roundRequests(),
        f.aloneMillis(), f.aloneRequests(), f.samePositions());
  }
}
