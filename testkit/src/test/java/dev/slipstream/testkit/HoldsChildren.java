package dev.slipstream.testkit;

import java.util.concurrent.CountDownLatch;

/**
 * A JVM that runs what the demo runs as child processes (a Kafka broker, and Prometheus where a binary is at hand),
 * says {@code ready}, and waits to be ended, as {@code make demo ARGS=--keep-running} waits.
 */
public final class HoldsChildren {
  private HoldsChildren() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    EmbeddedPrometheus prometheus = EmbeddedPrometheus.available() ? EmbeddedPrometheus.start() : null;
    System.out.println("ready " + kafka.bootstrapServers() + (prometheus == null ? "" : " " + prometheus.url()));
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
