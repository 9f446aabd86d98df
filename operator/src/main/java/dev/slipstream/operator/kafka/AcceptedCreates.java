package dev.slipstream.operator.kafka;

import dev.slipstream.core.port.TopicAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Topics whose creation Kafka accepted a short while ago. The controller has the topic once it accepts the create,
 * but a broker's describe may not show it for seconds (40 s for the last of 1,000 pipelines' topics on the test
 * broker, minutes for 15,000 topics at once): a pipeline reconciled meanwhile plans the create again. Within the
 * window of its acceptance such a create is not sent again; after that it is (a topic deleted by someone else right
 * after its creation is created again at most that much later). The window is {@link #ACCEPTED_FOR} at least, and
 * twice the longest a topic took to show in the last {@link #REMEMBERED} (at most {@link #AT_MOST}): a broker that
 * shows topics slowly is not sent the same creates again while it works through the first.
 */
final class AcceptedCreates {
  /** How long an accepted create stands in for the topic a describe does not show yet, at least. */
  static final Duration ACCEPTED_FOR = Duration.ofSeconds(30);
  /** The longest the window grows to when topics show slowly. */
  static final Duration AT_MOST = Duration.ofMinutes(5);
  /** How long a slow topic's wait counts towards the window. */
  static final Duration REMEMBERED = Duration.ofMinutes(10);

  private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
  private final long minNanos;
  /** The longest a topic took to show, and when it showed; replaced by a shorter wait once older than REMEMBERED. */
  private volatile long longestShown;
  private volatile long longestShownAt;

  AcceptedCreates(Duration acceptedFor) {
    this.minNanos = acceptedFor.toNanos();
  }

  /** How long an accepted create stands in for its topic now. */
  Duration window(long nowNanos) {
    return Duration.ofNanos(windowNanos(nowNanos));
  }

  private long windowNanos(long nowNanos) {
    long recent = nowNanos - longestShownAt <= REMEMBERED.toNanos() ? longestShown : 0;
    return Math.max(minNanos, Math.min(AT_MOST.toNanos(), 2 * recent));
  }

  /** {@code actions} without the creates Kafka accepted within the window (forgetting those accepted before it). */
  List<TopicAction> unsent(List<TopicAction> actions, long nowNanos) {
    List<TopicAction> out = new ArrayList<>(actions.size());
    for (TopicAction action : actions) {
      if (action instanceof TopicAction.Create && accepted(action.topic(), nowNanos)) {
        continue;
      }
      out.add(action);
    }
    return out;
  }

  private boolean accepted(String topic, long nowNanos) {
    Long at = acceptedAt.get(topic);
    if (at == null) {
      return false;
    }
    if (nowNanos - at > windowNanos(nowNanos)) {
      acceptedAt.remove(topic, at);
      return false;
    }
    return true;
  }

  /** The creates among {@code sent} that Kafka did not refuse (refused: topic to why) were accepted at {@code nowNanos}. */
  void sent(List<TopicAction> sent, Map<String, String> refused, long nowNanos) {
    for (TopicAction action : sent) {
      if (action instanceof TopicAction.Create && !refused.containsKey(action.topic())) {
        acceptedAt.put(action.topic(), nowNanos);
      }
    }
  }

  /** These topics were deleted: a create of them is sent again if planned. */
  void forget(Collection<String> topics) {
    topics.forEach(acceptedAt::remove);
  }

  /**
   * These topics are seen at {@code nowNanos}: a create of them is sent again if planned. Returns, for those whose
   * create was accepted within the window, when it was.
   */
  Map<String, Long> seen(Collection<String> topics, long nowNanos) {
    Map<String, Long> pending = new java.util.HashMap<>();
    for (String topic : topics) {
      Long at = acceptedAt.remove(topic);
      if (at != null) {
        pending.put(topic, at);
        shownAfter(nowNanos - at, nowNanos);
      }
    }
    return pending;
  }

  private synchronized void shownAfter(long waited, long nowNanos) {
    if (waited >= longestShown || nowNanos - longestShownAt > REMEMBERED.toNanos()) {
      longestShown = waited;
      longestShownAt = nowNanos;
    }
  }
}
