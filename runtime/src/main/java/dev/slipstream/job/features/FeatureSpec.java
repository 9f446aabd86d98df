package dev.slipstream.job.features;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One feature: an aggregate of a field over the key's events in an event-time window ending at the event.
 * Written in the job contract as {@code name=aggregate(field) window size}, for example
 * {@code txn_count_1m=count(*) sliding 60000 ms}; {@code *} is the field of a plain count.
 */
public record FeatureSpec(String name, Aggregate aggregate, String field, Window window, long sizeMillis)
    implements Serializable {

  public enum Aggregate { count, sum, min, max, mean, distinctCount }

  /**
   * sliding: the events in (t - size, t], the event itself included; tumbling: the events from the start of the
   * fixed window that holds t (windows aligned to the epoch, UTC) up to t.
   */
  public enum Window { sliding, tumbling }

  private static final Pattern ONE = Pattern.compile(
      "^([a-z][a-z0-9_]*)=(count|sum|min|max|mean|distinctCount)\\(([^()\\s]*)\\)\\s+(sliding|tumbling)\\s+([0-9]+)\\s*(ms|s|min|h)?$");

  public FeatureSpec {
    if (sizeMillis <= 0) {
      throw new IllegalArgumentException("feature " + name + ": the window must be longer than 0");
    }
    if (field == null && aggregate != Aggregate.count) {
      throw new IllegalArgumentException("feature " + name + ": " + aggregate + " needs a field");
    }
  }

  /** Parses the contract's {@code ;}-separated list; the message names the definition that is wrong. */
  public static List<FeatureSpec> parseAll(String text) {
    List<FeatureSpec> specs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String part : text.split(";")) {
      String one = part.trim();
      if (one.isEmpty()) {
        continue;
      }
      Matcher m = ONE.matcher(one);
      if (!m.matches()) {
        throw new IllegalArgumentException("'" + one + "' is not name=aggregate(field) sliding|tumbling <size> ms");
      }
      String field = m.group(3).equals("*") || m.group(3).isEmpty() ? null : m.group(3);
      long n = Long.parseLong(m.group(5));
      long size = switch (m.group(6) == null ? "ms" : m.group(6)) {
        case "s" -> n * 1000;
        case "min" -> n * 60_000;
        case "h" -> n * 3_600_000;
        default -> n;
      };
      FeatureSpec spec = new FeatureSpec(m.group(1), Aggregate.valueOf(m.group(2)), field, Window.valueOf(m.group(4)), size);
      if (!names.add(spec.name)) {
        throw new IllegalArgumentException("feature " + spec.name + " is defined twice");
      }
      specs.add(spec);
    }
    return specs;
  }

  /** Where the window of an event at {@code eventTime} starts (inclusive). */
  public long windowStart(long eventTime) {
    return window == Window.sliding ? eventTime - sizeMillis + 1 : Math.floorDiv(eventTime, sizeMillis) * sizeMillis;
  }
}
