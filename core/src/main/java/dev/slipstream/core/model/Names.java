package dev.slipstream.core.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Names of owned objects: DNS-1035 labels of at most 63 characters, stable for the same inputs. */
public final class Names {
  public static final int MAX_LABEL = 63;
  // compiled once: a name is joined several times in every reconcile
  private static final java.util.regex.Pattern NOT_LABEL_CHAR = java.util.regex.Pattern.compile("[^a-z0-9-]");
  private static final java.util.regex.Pattern DNS_LABEL = java.util.regex.Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final java.util.regex.Pattern LEADING_NON_LETTERS = java.util.regex.Pattern.compile("^[^a-z]+");
  private static final java.util.regex.Pattern TRAILING_DASHES = java.util.regex.Pattern.compile("-+$");

  private Names() {}

  /** Whether {@code name} is a DNS label's shape (a letter first, then letters, digits and inner dashes); not its length. */
  public static boolean isDnsLabel(String name) {
    return DNS_LABEL.matcher(name).matches();
  }

  /** {@code a-b-c}, shortened with a hash suffix when over 63 characters or not a DNS label. */
  public static String join(String... parts) {
    String joined = String.join("-", parts);
    String label = NOT_LABEL_CHAR.matcher(joined.toLowerCase(Locale.ROOT)).replaceAll("-");
    if (label.equals(joined) && label.length() <= MAX_LABEL && isDnsLabel(label)) {
      return label;
    }
    String hash = hash(joined).substring(0, 8);
    String head = LEADING_NON_LETTERS.matcher(label).replaceAll("");
    head = TRAILING_DASHES.matcher(head.substring(0, Math.min(head.length(), MAX_LABEL - hash.length() - 1))).replaceAll("");
    return (head.isEmpty() ? "s" : head) + "-" + hash;
  }

  /** The consumer group of a pipeline's Flink job when the spec names none. */
  public static String consumerGroup(String namespace, String pipeline) {
    return "slipstream." + namespace + "." + pipeline;
  }

  static String hash(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
