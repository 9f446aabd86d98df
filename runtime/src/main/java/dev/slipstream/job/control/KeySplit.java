package dev.slipstream.job.control;

import java.nio.charset.StandardCharsets;

/**
 * The canary split made in the stream: each key falls in one of 10,000 buckets by a stable hash of its bytes
 * (FNV-1a, the same on every task, process and restart), and weight w% sends the first w% of the buckets to the
 * candidate. A key therefore stays on its version as the weight grows: the keys at 5% are among those at 25%, and
 * one card's events never alternate between two models.
 */
public final class KeySplit {
  public static final int BUCKETS = 10_000;

  private KeySplit() {}

  /** The key's bucket, 0 to 9,999. */
  public static int bucket(String key) {
    int hash = 0x811c9dc5;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return Math.floorMod(hash, BUCKETS);
  }

  /** Whether {@code key} goes to the candidate at {@code weightPercent}; a keyless event stays on the stable version. */
  public static boolean toCandidate(String key, double weightPercent) {
    return key != null && weightPercent > 0 && bucket(key) < Math.round(weightPercent * BUCKETS / 100.0);
  }
}
