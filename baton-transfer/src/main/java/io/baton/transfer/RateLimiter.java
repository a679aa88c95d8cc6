package io.baton.transfer;

import io.baton.store.ExpiringMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A token bucket per id (an API key, a client address): an id may take {@code burst} tokens at
 * once, refilled at {@code perSecond}. Buckets live in a table of at most {@code capacity} ids; a
 * bucket is forgotten once it would be full again (which is what a new one is) or, when the table
 * is full, if its id is the least recently seen, so ids an attacker invents cost bounded memory.
 * Time comes from the injected clock, so a test controls the refill.
 */
public final class RateLimiter {
  private final TransferServerConfig.RateLimit limit;
  private final Clock clock;
  private final ExpiringMap<String, Bucket> buckets;

  public RateLimiter(TransferServerConfig.RateLimit limit, int capacity, Clock clock) {
    this.limit = limit;
    this.clock = clock;
    this.buckets = new ExpiringMap<>(capacity);
  }

  /**
   * The tokens of a bucket at the instant they were counted, and how long the request that counted
   * them has to wait for one (zero: it took one).
   */
  private record Bucket(double tokens, Instant at, Duration delay) {}

  /**
   * Takes one token for {@code id}.
   *
   * @return empty if the request may go ahead, else how long until a token is available
   */
  public Optional<Duration> acquire(String id) {
    return take(id, 1);
  }

  /**
   * Whether {@code id} has a token, without taking it.
   *
   * @return empty if it has one, else how long until it has
   */
  public Optional<Duration> check(String id) {
    return take(id, 0);
  }

  /** Ids with a bucket held (expired ones not yet dropped included). */
  int tracked() {
    return buckets.size();
  }

  private Optional<Duration> take(String id, int tokens) {
    Instant now = clock.instant();
    Bucket after =
        buckets.update(
            id,
            now,
            bucket -> {
              double available = bucket == null ? limit.burst() : refilled(bucket, now);
              Duration wait = Duration.ZERO;
              if (available >= 1) {
                available -= tokens;
              } else {
                wait = seconds((1 - available) / limit.perSecond());
              }
              // full again after this long: then it is no different from a new bucket
              Duration toFull = seconds((limit.burst() - available) / limit.perSecond());
              return Map.entry(new Bucket(available, now, wait), now.plus(toFull).plusNanos(1));
            });
    return after.delay().isZero() ? Optional.empty() : Optional.of(after.delay());
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos((long) Math.ceil(seconds * 1e9));
  }

  private double refilled(Bucket bucket, Instant now) {
    double elapsed = Math.max(0, Duration.between(bucket.at(), now).toNanos() / 1e9);
    return Math.min(limit.burst(), bucket.tokens() + elapsed * limit.perSecond());
  }
}
