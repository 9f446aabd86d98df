package dev.slipstream.operator;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import dev.slipstream.controllers.common.PrunedReads;
import dev.slipstream.operator.logging.LogSetup;
import dev.slipstream.operator.metrics.OperatorHttpServer;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Runs the operator against the cluster of the current kubeconfig or in-cluster service account. */
public final class Main {
  /** The User-Agent of the operator's API requests, so that audit logs and API server metrics name it. */
  public static final String USER_AGENT = "slipstream-operator";

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    long jvmBootMillis = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
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
    // the JDK's HTTP client, named: with another factory on the class path, fabric8 would pick one at random; objects
    // read without what no reconcile reads (managedFields, the Flink operator's copies of a spec...)
    var client = new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory())
        .withKubernetesSerialization(PrunedReads.serialization()).withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(
        io.fabric8.kubernetes.client.Config.autoConfigure(null)).withUserAgent(USER_AGENT).build()).build();
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
    org.slf4j.LoggerFactory.getLogger(Main.class).info("started {} ms after main(), the JVM's boot of {} ms before it",
        java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() - jvmBootMillis, jvmBootMillis);
    stopped.await();
  }
}
