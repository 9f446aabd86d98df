package dev.slipstream.operator;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import dev.slipstream.operator.logging.LogSetup;
import dev.slipstream.operator.metrics.OperatorHttpServer;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Runs the operator against the cluster of the current kubeconfig or in-cluster service account. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    CommonPool.ensureWorkers();
    OperatorConfig config;
    try {
      config = OperatorConfig.from(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("slipstream: " + e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.apply(config.logFormat());
    var client = new KubernetesClientBuilder().build();
    var registry = new PrometheusRegistry();
    var operator = new SlipstreamOperator(client, config, Clock.systemUTC(), Metrics.NOOP, registry);
    var http = new OperatorHttpServer(config.metricsPort(), registry, operator::isStarted);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      http.close();
      client.close();
      stopped.countDown();
    }, "slipstream-shutdown"));
    operator.start();
    stopped.await();
  }
}
