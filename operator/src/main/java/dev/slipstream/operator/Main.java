package dev.slipstream.operator;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Runs the operator against the cluster of the current kubeconfig or in-cluster service account. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    OperatorConfig config;
    try {
      config = OperatorConfig.from(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("slipstream: " + e.getMessage());
      System.exit(2);
      return;
    }
    var client = new KubernetesClientBuilder().build();
    var operator = new SlipstreamOperator(client, config, Clock.systemUTC(), Metrics.NOOP);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
      stopped.countDown();
    }, "slipstream-shutdown"));
    operator.start();
    stopped.await();
  }
}
