package dev.slipstream.core.port;

/** The Kafka cluster could not be reached or did not answer in time. Nothing was changed by the failed call. */
public class KafkaUnavailableException extends RuntimeException {
  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
