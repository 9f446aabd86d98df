package dev.slipstream.controllers.common;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this process remembers of each resource's status between reconciles (by uid): the status it decided but
 * held back (see {@code StatusPacing}), since when a change has waited, and when it last wrote. The next reconcile
 * decides from the held status, so a held change (a topic created, a condition's transition time) is carried on and
 * written later, not lost. A restart forgets it all; the stored status is then the start again.
 *
 * @param <S> the status type
 */
public final class HeldStatus<S> {
  /** A held entry older than this belongs to a resource that went away while held; it is dropped. */
  private static final Duration FORGOTTEN_AFTER = Duration.ofMinutes(10);
  /** How often a hold looks for such entries: a sweep reads every entry, so not at every hold. */
  private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

  /** {@code quiet}: the last write said only what a user need not act on (see {@link #written(String, Instant, boolean)}). */
  private record Entry<S>(S held, Instant pendingSince, Instant lastWrite, boolean quiet) {}

  private final Map<String, Entry<S>> byUid = new ConcurrentHashMap<>();
  private volatile Instant nextSweep = Instant.MIN;

  /** The status to decide from: the one held back, else the stored one. */
  public S previous(String uid, S stored) {
    Entry<S> e = byUid.get(uid);
    return e != null && e.held() != null ? e.held() : stored;
  }

  /** When this process last wrote the status, or null. */
  public Instant lastWrite(String uid) {
    Entry<S> e = byUid.get(uid);
    return e == null ? null : e.lastWrite();
  }

  /** Whether the status this process last wrote was marked quiet (false: none remembered). */
  public boolean lastWriteQuiet(String uid) {
    Entry<S> e = byUid.get(uid);
    return e != null && e.quiet();
  }

  /** Since when the status has differed from the stored one: the first time this was asked, until written. */
  public Instant pendingSince(String uid, Instant now) {
    Entry<S> e = byUid.get(uid);
    return e != null && e.pendingSince() != null ? e.pendingSince() : now;
  }

  /** {@code next} decided and held back, pending since {@code since}. */
  public void hold(String uid, S next, Instant since, Instant now) {
    if (!now.isBefore(nextSweep)) {
      nextSweep = now.plus(SWEEP_EVERY);
      byUid.values().removeIf(e -> e.pendingSince() != null && e.pendingSince().plus(FORGOTTEN_AFTER).isBefore(now));
    }
    byUid.compute(uid, (k, e) -> new Entry<>(next, since, e == null ? null : e.lastWrite(), e != null && e.quiet()));
  }

  /** The decided status was written (or equals the stored one): nothing held. */
  public void written(String uid, Instant at) {
    written(uid, at, false);
  }

  /**
   * The decided status was written: nothing held. {@code quiet} marks a status that says only what a user need not
   * act on (a pipeline's own parts on their way), so that the next change of the same kind may wait longer.
   */
  public void written(String uid, Instant at, boolean quiet) {
    byUid.put(uid, new Entry<>(null, null, at, quiet));
  }

  /** Nothing held, and no write to remember. */
  public void settled(String uid) {
    byUid.computeIfPresent(uid, (k, e) -> e.lastWrite() == null ? null : new Entry<>(null, null, e.lastWrite(), e.quiet()));
  }

  /** The resource is gone. */
  public void forget(String uid) {
    byUid.remove(uid);
  }

  /** How many resources are remembered (for tests and bounds). */
  public int size() {
    return byUid.size();
  }
}
