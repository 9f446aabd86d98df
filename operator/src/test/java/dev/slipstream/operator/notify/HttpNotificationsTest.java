package dev.slipstream.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.slipstream.core.port.Notifications;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deliveries to a real local HTTP receiver: healthy, failing for a while, down, slow and flooded. */
class HttpNotificationsTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger refusalsLeft = new AtomicInteger();
  private volatile CountDownLatch hold = new CountDownLatch(0);
  private HttpServer receiver;
  private HttpNotifications notifications;

  private String startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    receiver.createContext("/hook", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      try {
        hold.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int status = refusalsLeft.getAndDecrement() > 0 ? 503 : 200;
      if (status == 200) {
        bodies.add(exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    receiver.start();
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  private HttpNotifications notifications(Set<String> allowed) {
    notifications = new HttpNotifications(allowed, Duration.ofSeconds(2), registry);
    return notifications;
  }

  private static Notifications.Delivery delivery(String url, String body) {
    return new Notifications.Delivery("payments", "fraud-scoring", "team", url, "application/cloudevents+json", body);
  }

  private double count(String result) {
    return registry.scrape().stream().filter(s -> s.getMetadata().getName().equals("slipstream_notifications"))
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(p -> p.getLabels().get("result").equals(result)).mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  @AfterEach
  void stop() {
    hold.countDown();
    if (notifications != null) {
      notifications.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  void aHealthyReceiverGetsEachNotificationOnceAndOneFailingForAWhileGetsItAfterRetries() throws Exception {
    String url = startReceiver();
    HttpNotifications sender = notifications(Set.of("127.0.0.1"));
    sender.send(delivery(url, "{\"id\":\"1\"}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> count("delivered") == 1);
    assertThat(bodies).containsExactly("application/cloudevents+json {\"id\":\"1\"}");

    refusalsLeft.set(2); // 503, 503, then taken
    sender.send(delivery(url, "{\"id\":\"2\"}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> count("delivered") == 2);
    assertThat(bodies).containsExactly("application/cloudevents+json {\"id\":\"1\"}", "application/cloudevents+json {\"id\":\"2\"}");
    assertThat(count("failed")).isZero();
  }

  @Test
  void aReceiverThatIsDownCountsAFailureAfterEveryRetryAndNeverHoldsTheSender() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    HttpNotifications sender = notifications(Set.of("127.0.0.1"));
    sender.send(delivery("http://127.0.0.1:" + closedPort + "/hook", "{}"));
    await().atMost(Duration.ofSeconds(20)).until(() -> count("failed") == 1);
    assertThat(count("delivered")).isZero();
  }

  @Test
  void aSlowReceiverDoesNotHoldTheCallerAndTooManyWaitingAreDroppedNotQueued() throws Exception {
    String url = startReceiver();
    hold = new CountDownLatch(1); // the receiver answers nothing until released
    HttpNotifications sender = notifications(Set.of("127.0.0.1"));
    for (int i = 0; i < HttpNotifications.PENDING + 40; i++) {
      sender.send(delivery(url, "{\"n\":" + i + "}")); // returns at once although nothing was answered
    }
    assertThat(count("dropped")).isEqualTo(40);
    hold.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> count("delivered") + count("failed") == HttpNotifications.PENDING);
  }

  @Test
  void theAdminsSinksAreReadFromTheirFilesAtEachAskSoARotatedSecretNeedsNoRestart(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("url"), "https://hooks.example.com/a\n");
    notifications = new HttpNotifications(Set.of("*"), Duration.ofSeconds(2), List.of(new HttpNotifications.OperatorSink(
        "platform", dev.slipstream.api.v1alpha1.NotificationSink.Format.Slack, file)), registry);
    assertThat(notifications.operatorSinks()).singleElement().satisfies(s -> assertThat(s.url()).isEqualTo("https://hooks.example.com/a"));
    java.nio.file.Files.writeString(file, "https://hooks.example.com/b");
    assertThat(notifications.operatorSinks().get(0).url()).isEqualTo("https://hooks.example.com/b");
    java.nio.file.Files.delete(file);
    assertThat(notifications.operatorSinks().get(0).url()).as("unreadable: said, not sent").isNull();
  }

  @Test
  void loopbackLinkLocalAndOtherSchemesAreRefusedUnlessTheHostIsNamed() {
    HttpNotifications any = notifications(Set.of("*"));
    assertThat(any.refuses("https://hooks.slack.com/services/T0/B0/x")).isEmpty();
    assertThat(any.refuses("http://169.254.169.254/latest/meta-data")).get().asString()
        .contains("host 169.254.169.254 is not one this operator sends notifications to");
    assertThat(any.refuses("http://localhost:8080/hook")).isPresent();
    assertThat(any.refuses("file:///etc/passwd")).get().asString().contains("must be http(s)://host/...");
    HttpNotifications named = new HttpNotifications(Set.of("127.0.0.1"), Duration.ofSeconds(2), new PrometheusRegistry());
    assertThat(named.refuses("http://127.0.0.1:9/hook")).as("named by the admin").isEmpty();
    assertThat(named.refuses("https://hooks.slack.com/services/T0/B0/x")).as("not named").isPresent();
  }
}
