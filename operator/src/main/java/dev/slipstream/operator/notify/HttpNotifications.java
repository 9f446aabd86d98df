package dev.slipstream.operator.notify;

import dev.slipstream.core.port.Notifications;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications over HTTP in the background: a POST per delivery, retried with exponential backoff on a
 * connection failure, a timeout, 429 or a 5xx (up to {@value #ATTEMPTS} attempts), never following a redirect. At
 * most {@value #PENDING} deliveries wait or are under way at once; beyond that a delivery is dropped and counted, so
 * a sink that is down or slow never holds memory or a reconcile. Each delivery's end is counted in
 * {@code slipstream_notifications_total} by result: delivered, failed, dropped or refused.
 *
 * <p>Where a sink may be: http or https, on a host the admin allows. With {@code *} any host is allowed except one
 * that is, or resolves to, a loopback, link-local (cloud metadata) or unspecified address: a pipeline's Secret
 * cannot make the operator call its own node or a metadata service with its network identity. A host named
 * explicitly is allowed whatever it resolves to.
 */
public final class HttpNotifications implements Notifications, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpNotifications.class);
  static final int ATTEMPTS = 5;
  static final int PENDING = 256;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final Set<String> allowedHosts;
  private final Duration timeout;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Semaphore pending = new Semaphore(PENDING);
  private final Counter deliveries;
  private final java.util.List<OperatorSink> operatorSinks;

  /** A sink of the operator's admin: its URL is read from a file (a mounted Secret) at each notification. */
  public record OperatorSink(String name, dev.slipstream.api.v1alpha1.NotificationSink.Format format,
      java.nio.file.Path urlFile) {}

  /**
   * @param allowedHosts hosts sinks may be on, lower case; {@code *} any host but loopback, link-local and unspecified
   * @param timeout how long one attempt may take, connecting included
   */
  public HttpNotifications(Set<String> allowedHosts, Duration timeout, PrometheusRegistry registry) {
    this(allowedHosts, timeout, java.util.List.of(), registry);
  }

  /** @param operatorSinks the admin's sinks, told about every pipeline */
  public HttpNotifications(Set<String> allowedHosts, Duration timeout, java.util.List<OperatorSink> operatorSinks,
      PrometheusRegistry registry) {
    this.operatorSinks = java.util.List.copyOf(operatorSinks);
    this.allowedHosts = Set.copyOf(allowedHosts);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slipstream-notifications");
      t.setDaemon(true);
      return t;
    });
    this.deliveries = Counter.builder().name("slipstream_notifications_total")
        .help("Notifications to each pipeline's sinks by how their delivery ended: delivered, failed (the sink refused"
            + " it or stayed unreachable through every retry), dropped (too many waiting) or refused (a host not allowed)")
        .labelNames("namespace", "pipeline", "sink", "result").register(registry);
  }

  @Override
  public java.util.List<Sink> operatorSinks() {
    return operatorSinks.stream().map(s -> {
      String url;
      try {
        url = java.nio.file.Files.readString(s.urlFile()).trim();
      } catch (java.io.IOException e) {
        url = null;
      }
      return new Sink(s.name(), s.format(), url);
    }).toList();
  }

  @Override
  public Optional<String> refuses(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Optional.of("the url in its Secret is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      return Optional.of("the url in its Secret must be http(s)://host/...");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (allowedHosts.contains(host) || allowedHosts.contains("*") && !local(host)) {
      return Optional.empty();
    }
    return Optional.of("host " + host + " is not one this operator sends notifications to (--notification-allowed-hosts: "
        + (allowedHosts.isEmpty() ? "none" : String.join(", ", allowedHosts.stream().sorted().toList()))
        + "; loopback, link-local and metadata addresses only when named)");
  }

  @Override
  public void send(Delivery delivery) {
    if (!pending.tryAcquire()) {
      count(delivery, "dropped");
      LOG.warn("notification to sink {} of pipeline {}/{} dropped: {} deliveries are already waiting", delivery.sink(),
          delivery.namespace(), delivery.pipeline(), PENDING);
      return;
    }
    try {
      scheduler.execute(() -> attempt(delivery, 1));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.release(); // closing
    }
  }

  /** One attempt, on the scheduler's thread (where resolving the host may take its time). */
  private void attempt(Delivery delivery, int attempt) {
    String host = URI.create(delivery.url()).getHost().toLowerCase(Locale.ROOT);
    if (!allowedHosts.contains(host) && resolvesLocal(host)) {
      end(delivery, "refused", "host " + host + " resolves to a loopback, link-local or unspecified address");
      return;
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(delivery.url())).timeout(timeout)
        .header("Content-Type", delivery.contentType()).header("User-Agent", "slipstream-operator")
        .POST(HttpRequest.BodyPublishers.ofString(delivery.body())).build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
      int status = response == null ? 0 : response.statusCode();
      if (error == null && status / 100 == 2) {
        end(delivery, "delivered", null);
        return;
      }
      boolean retryable = error != null || status == 429 || status >= 500;
      String why = error != null ? error.getClass().getSimpleName() + " " + error.getMessage() : "HTTP " + status;
      if (retryable && attempt < ATTEMPTS) {
        long delay = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << (attempt - 1));
        try {
          scheduler.schedule(() -> attempt(delivery, attempt + 1), delay, TimeUnit.MILLISECONDS);
          return;
        } catch (java.util.concurrent.RejectedExecutionException e) {
          why = "the operator is stopping";
        }
      }
      end(delivery, "failed", why + " after " + attempt + " attempt(s)");
    });
  }

  private void end(Delivery delivery, String result, String why) {
    pending.release();
    count(delivery, result);
    if (why != null) {
      LOG.warn("notification to sink {} of pipeline {}/{} {}: {}", delivery.sink(), delivery.namespace(),
          delivery.pipeline(), result, why);
    }
  }

  private void count(Delivery delivery, String result) {
    deliveries.labelValues(delivery.namespace(), delivery.pipeline(), delivery.sink(), result).inc();
  }

  /** A host written as (or named as) a loopback, link-local or unspecified address. */
  private static boolean local(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("metadata.google.internal")
        || h.startsWith("127.") || h.startsWith("169.254.") || h.equals("0.0.0.0") || h.equals("::1")
        || h.startsWith("fe80:") || h.equals("::");
  }

  private static boolean resolvesLocal(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()) {
          return true;
        }
      }
      return false;
    } catch (UnknownHostException e) {
      return false; // the attempt fails and is retried as any unreachable sink
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
