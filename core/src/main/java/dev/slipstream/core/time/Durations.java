package dev.slipstream.core.time;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as written in our resources: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}. */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("^([0-9]+(ms|s|m|h))+$");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");
  private static final long MAX_PART = 1_000_000_000L;

  private Durations() {}

  /** Parses a duration; throws IllegalArgumentException naming the value when it is not one. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write it like 500ms, 30s, 5m or 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      String digits = m.group(1);
      if (digits.length() > 10 || Long.parseLong(digits) > MAX_PART) {
        throw new IllegalArgumentException("'" + text + "' is too long a duration");
      }
      long n = Long.parseLong(digits);
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    return total;
  }

  /** A duration in the largest whole unit: {@code 168h}, {@code 10m}, {@code 5s}, {@code 250ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms % 60_000 == 0 ? ms / 60_000 + "m"
        : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /** Milliseconds in the unambiguous form Flink's configuration parser reads: {@code 90000 ms}. */
  public static String toFlink(String text) {
    return parse(text).toMillis() + " ms";
  }
}
