package io.baton.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-source request rates with a temporary ban, the idea of Kamailio's {@code pike} module: every
 * source address has a token bucket of {@link SipLimits#requestBurst()} tokens refilled at {@link
 * SipLimits#requestsPerSecond()}; a message finding it empty bans the source for {@link
 * SipLimits#banFor()}. Messages are counted where they come off the wire, before they are parsed (a
 * flood costs its parsing only until the ban), so junk and responses count as requests do. Plain
 * policy over a {@link Clock}: no SIP I/O.
 *
 * <p>The request that starts a ban is refused once ({@link Verdict#REFUSE}, then {@link
 * #takeRefusal}: the endpoint answers {@code 503} with {@code Retry-After}, RFC 3261 §21.5.4, so a
 * client that merely went too fast learns why and when to come back); every later one during the
 * ban is dropped unanswered ({@link Verdict#DROP}), since answering each request of a flood, whose
 * source address may be forged, would spend what the ban saves and reflect the flood onto that
 * address.
 *
 * <p>The table of sources is bounded ({@link SipLimits#trackedSources()}, the least recently seen
 * forgotten first) and forgets a source whose bucket is full again and whose ban has ended.
 */
public final class Pike {
  /** What to do with one request. */
  public enum Verdict {
    PASS,
    /**
     * The source has just been banned: hand this message on, so that the request is refused once
     * ({@link #takeRefusal}).
     */
    REFUSE,
    /** The source is banned: drop the request. */
    DROP
  }

  private static final class Bucket {
    double tokens;
    long refilledAt;
    long bannedUntil;
    boolean refusalPending;
  }

  private final SipLimits limits;
  private final TrustList exempt;
  private final Clock clock;
  private final Map<InetAddress, Bucket> sources;
  private long lastSweep;
  private long bans;
  private long dropped;

  public Pike(SipLimits limits, TrustList exempt, Clock clock) {
    this.limits = limits;
    this.exempt = exempt;
    this.clock = clock;
    int bound = limits.trackedSources();
    this.sources =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > bound;
          }
        };
  }

  /**
   * Counts one message from {@code source} (a datagram, or a message framed off a stream, before
   * anything parses it) and says what to do with it.
   */
  public synchronized Verdict onRequest(InetSocketAddress source) {
    if (source.getAddress() == null || exempt.trusts(source)) {
      return Verdict.PASS;
    }
    long now = clock.millis();
    sweep(now);
    Bucket b = sources.get(source.getAddress());
    if (b == null) {
      b = new Bucket();
      b.tokens = limits.requestBurst();
      b.refilledAt = now;
      sources.put(source.getAddress(), b);
    }
    if (now < b.bannedUntil) {
      dropped++;
      return Verdict.DROP;
    }
    b.refusalPending = false;
    refill(b, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return Verdict.PASS;
    }
    b.bannedUntil = now + limits.banFor().toMillis();
    b.refusalPending = true;
    bans++;
    return Verdict.REFUSE;
  }

  /**
   * True once for a source whose ban has just started ({@link Verdict#REFUSE} given where the
   * message was counted, on the wire): the request that tripped it, once parsed, is answered then.
   */
  public synchronized boolean takeRefusal(InetSocketAddress source) {
    Bucket b = source.getAddress() == null ? null : sources.get(source.getAddress());
    if (b == null || !b.refusalPending || clock.millis() >= b.bannedUntil) {
      return false;
    }
    b.refusalPending = false;
    return true;
  }

  /**
   * True while {@code source} is banned and not exempt: its packets may be dropped before they are
   * parsed.
   */
  public synchronized boolean banned(InetSocketAddress source) {
    if (source.getAddress() == null) {
      return false;
    }
    Bucket b = sources.get(source.getAddress());
    if (b == null || clock.millis() >= b.bannedUntil || exempt.trusts(source)) {
      return false;
    }
    dropped++;
    return true;
  }

  /** Seconds until {@code source}'s ban ends (for {@code Retry-After}); 0 if it is not banned. */
  public synchronized long banSecondsLeft(InetSocketAddress source) {
    Bucket b = source.getAddress() == null ? null : sources.get(source.getAddress());
    long left = b == null ? 0 : b.bannedUntil - clock.millis();
    return left <= 0 ? 0 : (left + 999) / 1000;
  }

  /** Sources remembered now (banned, or with a bucket not yet full again). */
  public synchronized int sources() {
    lastSweep = Long.MIN_VALUE;
    sweep(clock.millis());
    return sources.size();
  }

  /** Bans started so far. */
  public synchronized long bans() {
    return bans;
  }

  /** Requests and packets of banned sources dropped so far. */
  public synchronized long dropped() {
    return dropped;
  }

  private void refill(Bucket b, long now) {
    double earned = (now - b.refilledAt) * limits.requestsPerSecond() / 1000.0;
    b.tokens = Math.min(limits.requestBurst(), b.tokens + earned);
    b.refilledAt = now;
  }

  /** Forgets, at most once a second, the sources that are back where an unseen one starts. */
  private void sweep(long now) {
    if (lastSweep != Long.MIN_VALUE && now - lastSweep < 1000) {
      return;
    }
    lastSweep = now;
    for (Iterator<Bucket> it = sources.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      if (now >= b.bannedUntil) {
        refill(b, now);
        if (b.tokens >= limits.requestBurst()) {
          it.remove();
        }
      }
    }
  }
}
