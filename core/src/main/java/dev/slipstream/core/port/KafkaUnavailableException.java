package dev.slipstream.core.port;

/**
 * The Kafka cluster could not be used: unreachable, not answering in time, or refusing the connection (its
 * address does not resolve, the TLS handshake or the authentication failed). Nothing was changed by the failed call.
 */
public class KafkaUnavailableException extends RuntimeException {
  /** Why, as the condition reason a pipeline reports. */
  public enum Kind {
    UNREACHABLE("KafkaUnavailable"),
    UNRESOLVABLE("KafkaAddressUnresolvable"),
    TLS_HANDSHAKE("KafkaTlsHandshakeFailed"),
    AUTHENTICATION("KafkaAuthenticationFailed"),
    /** The client Secret the pipeline names cannot be read: the operator's RBAC does not grant it. */
    SECRET_FORBIDDEN("KafkaSecretForbidden");

    public final String reason;

    Kind(String reason) {
      this.reason = reason;
    }
  }

  private final Kind kind;

  public KafkaUnavailableException(String message, Throwable cause) {
    this(Kind.UNREACHABLE, message, cause);
  }

  public KafkaUnavailableException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
