package dev.slipstream.demo;

import dev.slipstream.testkit.KafkaTopics;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Card transactions as a payment gateway writes them: keyed by card, with an id, amount, merchant and the time
 * they happened, some a few seconds out of order. A steady trickle, and floods on demand.
 */
public final class EventFeed implements AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final Random random = new Random(11);
  private final AtomicLong sent = new AtomicLong();
  private final boolean inOrder;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "event-feed");
    t.setDaemon(true);
    return t;
  });

  private EventFeed(String bootstrapServers, String topic, boolean inOrder) {
    this.producer = KafkaTopics.producer(bootstrapServers);
    this.topic = topic;
    this.inOrder = inOrder;
  }

  /** Starts writing {@code perSecond} transactions a second (in ten ticks a second). */
  public static EventFeed start(String bootstrapServers, String topic, int perSecond) {
    return start(bootstrapServers, topic, perSecond, false);
  }

  /**
   * The same, each transaction's event time the moment it is written when {@code inOrder}: event to decision is then
   * the job's and the model's time alone.
   */
  public static EventFeed start(String bootstrapServers, String topic, int perSecond, boolean inOrder) {
    EventFeed feed = new EventFeed(bootstrapServers, topic, inOrder);
    feed.timer.scheduleAtFixedRate(() -> feed.send(Math.max(1, perSecond / 10)), 0, 100, TimeUnit.MILLISECONDS);
    return feed;
  }

  /** Writes {@code count} transactions at once. */
  public synchronized void send(int count) {
    long now = System.currentTimeMillis();
    for (int i = 0; i < count; i++) {
      long n = sent.incrementAndGet();
      String card = "card-" + random.nextInt(200);
      long time = inOrder ? System.currentTimeMillis()
          : now - (random.nextInt(10) == 0 ? random.nextInt(4_000) : random.nextInt(200));
      producer.send(new ProducerRecord<>(topic, card, "{\"txn_id\":\"t" + n + "\",\"card_id\":\"" + card + "\",\"amount\":"
          + (5 + random.nextInt(400)) + ",\"merchant\":\"m" + random.nextInt(40) + "\",\"event_time\":" + time + "}"));
    }
    producer.flush();
  }

  /** Transactions written so far. */
  public long sent() {
    return sent.get();
  }

  /**
   * Stops the trickle; what was sent stays sent. A round under way finishes: interrupted, the producer refuses the
   * rest of it, and {@link #sent()} would count a transaction never written.
   */
  public void stop() {
    timer.shutdown();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    producer.close();
  }
}
