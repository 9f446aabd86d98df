package dev.slipstream.job.inference;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Calls a model over HTTP without blocking its caller: each call returns at once with a future; transient failures are
 * retried with backoff until the deadline. Every attempt is reported to the listener (for the per-version latency and
 * error metrics).
 *
 * <p>Requests go over a pool of kept-alive HTTP/1.1 connections, one blocking exchange per connection on a thread of
 * the client's own: per request that costs a fraction of the CPU of an asynchronous client's hand-overs between
 * selector and executor threads (measured in {@code make bench-job}), and the number of requests in flight is already
 * bounded by the caller. Redirects are not followed (an endpoint answers itself or fails) and nothing is retried
 * behind the retry policy's back.
 */
public final class V2Client implements AutoCloseable {
  /**
   * Hears every attempt: how long it took, which model was asked, which version answered (for a failure, which
   * version was expected to: null when not known), whether it failed.
   */
  public interface AttemptListener {
    void attempt(long nanos, String model, String modelVersion, boolean failed);
  }

  /** The longest a new connection may take, whatever time the event has left (which bounds it when shorter). */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** How long a connection may sit idle before it is checked once more before use (servers close idle ones). */
  private static final TimeValue VALIDATE_AFTER = TimeValue.ofSeconds(1);

  private final CloseableHttpClient http;
  private final ExecutorService exchanges;
  private final RetryPolicy retries;
  private final AttemptListener listener;

  /** @param connections the most requests in flight at once (the caller's bound): connections and threads */
  public V2Client(RetryPolicy retries, AttemptListener listener, int connections) {
    this.http = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(connections)
            .setMaxConnPerRoute(connections)
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(CONNECT_TIMEOUT))
                .setValidateAfterInactivity(VALIDATE_AFTER)
                .build())
            .build())
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableContentCompression()
        .disableAuthCaching()
        .disableConnectionState()
        .build();
    this.exchanges = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "slipstream-model-io");
      t.setDaemon(true);
      return t;
    });
    this.retries = retries;
    this.listener = listener;
  }

  /** {@code POST {endpoint}/v2/models/{model}/infer}, answered before {@code deadlineNanos} (System.nanoTime) or failed. */
  public CompletableFuture<V2Codec.Answer> infer(String endpoint, String model, byte[] body, long deadlineNanos) {
    return infer(endpoint, model, null, body, deadlineNanos);
  }

  /** The same, a failed attempt reported against {@code expectedVersion} (null: none). */
  public CompletableFuture<V2Codec.Answer> infer(String endpoint, String model, String expectedVersion, byte[] body,
      long deadlineNanos) {
    return infer(endpoint, model, expectedVersion, body, 1, deadlineNanos).thenApply(answers -> answers.get(0));
  }

  /** A batch of {@code n} in one request ({@link V2Codec#request(List, List, List)}): one answer per event, in order. */
  public CompletableFuture<List<V2Codec.Answer>> infer(String endpoint, String model, String expectedVersion, byte[] body,
      int n, long deadlineNanos) {
    return attempt(URI.create(trimSlash(endpoint) + "/v2/models/" + model + "/infer"), model, expectedVersion, body, n,
        deadlineNanos, 0);
  }

  /** What one exchange gave: the answers, or why there are none. */
  private record Outcome(List<V2Codec.Answer> answers, InferenceException failure) {}

  /** The server's reply as read off the connection, which is then free for the next request. */
  private record Reply(int status, byte[] body) {}

  private CompletableFuture<List<V2Codec.Answer>> attempt(URI uri, String model, String expectedVersion, byte[] body,
      int n, long deadlineNanos, int attempt) {
    return CompletableFuture.supplyAsync(() -> exchange(uri, model, expectedVersion, body, n, deadlineNanos), exchanges)
        .thenCompose(outcome -> {
          if (outcome.failure() == null) {
            return CompletableFuture.completedFuture(outcome.answers());
          }
          InferenceException failure = outcome.failure();
          long wait = failure.isTransient()
              ? retries.backoffMillis(attempt + 1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())) : -1;
          if (wait < 0) {
            return CompletableFuture.<List<V2Codec.Answer>>failedFuture(failure);
          }
          Executor later = CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS, exchanges);
          return CompletableFuture.supplyAsync(() -> null, later)
              .thenCompose(ignored -> attempt(uri, model, expectedVersion, body, n, deadlineNanos, attempt + 1));
        });
  }

  /**
   * One request and its answer, on a thread of the client's own; the attempt reported either way. Past the deadline
   * (before the first attempt or after a backoff) nothing is sent: the event's timeout. Every wait of the exchange
   * (for a pooled connection, for a new one to connect, for the answer) ends by the deadline, so that an endpoint
   * that drops connection attempts holds the request's slot no longer than its events wait.
   */
  @SuppressWarnings("deprecation") // the request's connect timeout: the pool's applies only when it is unset
  private Outcome exchange(URI uri, String model, String expectedVersion, byte[] body, int n, long deadlineNanos) {
    long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (remainingMs <= 0) {
      return new Outcome(null, InferenceException.timedOut());
    }
    HttpPost post = new HttpPost(uri);
    post.setConfig(RequestConfig.custom()
        .setResponseTimeout(Timeout.ofMilliseconds(remainingMs))
        .setConnectionRequestTimeout(Timeout.ofMilliseconds(remainingMs))
        .setConnectTimeout(Timeout.ofMilliseconds(Math.min(remainingMs, CONNECT_TIMEOUT.toMillis())))
        .build());
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    long start = System.nanoTime();
    InferenceException failure;
    try {
      Reply reply = http.execute(post, r -> new Reply(r.getCode(), EntityUtils.toByteArray(r.getEntity())));
      int status = reply.status();
      if (status == 200) {
        try {
          List<V2Codec.Answer> answers = V2Codec.responses(reply.body(), model, n);
          listener.attempt(System.nanoTime() - start, answers.get(0).modelName(), answers.get(0).modelVersion(), false);
          return new Outcome(answers, null);
        } catch (InferenceException e) {
          failure = e;
        }
      } else {
        failure = new InferenceException("HTTP " + status + " from " + uri.getHost(), RetryPolicy.transientStatus(status));
      }
    } catch (IOException e) {
      failure = failure(e, deadlineNanos);
    }
    listener.attempt(System.nanoTime() - start, model, expectedVersion, true);
    return new Outcome(null, failure);
  }

  /**
   * An exchange that failed: running out the event's own deadline (waiting for the answer, for a free connection, or
   * connecting with no time left) is the event's timeout; a connect timeout with time left is a server that cannot be
   * reached, and like any other I/O failure it is transient.
   */
  private static InferenceException failure(IOException e, long deadlineNanos) {
    boolean outOfTime = deadlineNanos - System.nanoTime() < TimeUnit.MILLISECONDS.toNanos(5);
    boolean connecting = e instanceof ConnectTimeoutException;
    if (!connecting && (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) || connecting && outOfTime) {
      return InferenceException.timedOut();
    }
    return new InferenceException(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), true);
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public void close() {
    exchanges.shutdownNow();
    try {
      http.close();
    } catch (IOException e) {
      // closing the pool's sockets: nothing is waiting for them any more
    }
  }
}
