package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.KafkaUnavailableException;
import dev.slipstream.core.port.KafkaUnavailableException.Kind;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/** Waiting on AdminClient futures, with unreachability turned into KafkaUnavailableException. */
final class KafkaCalls {
  private KafkaCalls() {}

  static <T> T await(KafkaFuture<T> future, Duration timeout, String what) throws ExecutionException {
    try {
      return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new KafkaUnavailableException(what + " timed out after " + timeout.toSeconds() + "s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // the operator stopping (its reconciles are interrupted), not Kafka: nothing about Kafka may be reported
      throw new java.util.concurrent.CancellationException(what + " was interrupted: the operator is stopping");
    } catch (ExecutionException e) {
      if (isUnavailable(e.getCause()) || e.getCause() instanceof AuthenticationException) {
        throw failure(what, e.getCause());
      }
      throw e;
    }
  }

  /** The failure as the pipeline reports it: a refused TLS handshake and refused credentials each have their own kind. */
  static KafkaUnavailableException failure(String what, Throwable cause) {
    Kind kind = cause instanceof SslAuthenticationException ? Kind.TLS_HANDSHAKE
        : cause instanceof AuthenticationException ? Kind.AUTHENTICATION : Kind.UNREACHABLE;
    return new KafkaUnavailableException(kind, what + " failed: " + cause.getMessage(), cause);
  }

  static boolean isUnavailable(Throwable cause) {
    return cause instanceof org.apache.kafka.common.errors.TimeoutException
        || cause instanceof DisconnectException
        || (cause instanceof RetriableException && !(cause instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException));
  }
}
