package dev.slipstream.job.inference;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Calls a model over HTTP without blocking: each call returns at once with a future; transient failures are
 * retried with backoff until the deadline. Every attempt is reported to the listener (for the per-version
 * latency and error metrics).
 */
public final class V2Client implements AutoCloseable {
  /**
   * Hears every attempt: how long it took, which model was asked, which version answered (for a failure, which
   * version was expected to: null when not known), whether it failed.
   */
  public interface AttemptListener {
    void attempt(long nanos, String model, String modelVersion, boolean failed);
  }

  private final HttpClient http;
  private final RetryPolicy retries;
  private final AttemptListener listener;

  public V2Client(RetryPolicy retries, AttemptListener listener, Executor executor) {
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .executor(executor)
        .build();
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

  private CompletableFuture<List<V2Codec.Answer>> attempt(URI uri, String model, String expectedVersion, byte[] body,
      int n, long deadlineNanos, int attempt) {
    long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (remainingMs <= 0) {
      return CompletableFuture.failedFuture(InferenceException.timedOut());
    }
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofMillis(remainingMs))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    long start = System.nanoTime();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, error) -> {
          long took = System.nanoTime() - start;
          InferenceException failure;
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            // a connect that ran out the event's own deadline is the event's timeout; one that ran out the connect
            // timeout with time left is a server that cannot be reached
            boolean outOfTime = deadlineNanos - System.nanoTime() < TimeUnit.MILLISECONDS.toNanos(5);
            failure = cause instanceof java.net.http.HttpTimeoutException
                && (!(cause instanceof java.net.http.HttpConnectTimeoutException) || outOfTime)
                ? InferenceException.timedOut()
                : new InferenceException(cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause instanceof IOException);
          } else if (response.statusCode() != 200) {
            failure = new InferenceException("HTTP " + response.statusCode() + " from " + uri.getHost(),
                RetryPolicy.transientStatus(response.statusCode()));
          } else {
            try {
              List<V2Codec.Answer> answers = V2Codec.responses(response.body(), model, n);
              listener.attempt(took, answers.get(0).modelName(), answers.get(0).modelVersion(), false);
              return CompletableFuture.completedFuture(answers);
            } catch (InferenceException e) {
              failure = e;
            }
          }
          listener.attempt(took, model, expectedVersion, true);
          long wait = failure.isTransient()
              ? retries.backoffMillis(attempt + 1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())) : -1;
          if (wait < 0) {
            return CompletableFuture.<List<V2Codec.Answer>>failedFuture(failure);
          }
          Executor later = CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS);
          return CompletableFuture.supplyAsync(() -> null, later)
              .thenCompose(ignored -> attempt(uri, model, expectedVersion, body, n, deadlineNanos, attempt + 1));
        })
        .thenCompose(f -> f);
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public void close() {
    // java.net.http.HttpClient on Java 17 has no close(); its threads belong to the executor we were given
  }
}
