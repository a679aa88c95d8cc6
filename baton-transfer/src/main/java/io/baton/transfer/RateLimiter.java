package io.baton.transfer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per API key: a key may send {@code burst} requests at once, refilled at {@code
 * perSecond}. Time comes from the injected clock, so a test controls the refill.
 */
public final class RateLimiter {
  private final TransferServerConfig.RateLimit limit;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(TransferServerConfig.RateLimit limit, Clock clock) {
    this.limit = limit;
    this.clock = clock;
  }

  /**
   * Takes one token for {@code key}.
   *
   * @return empty if the request may go ahead, else how long until a token is available
   */
  public Optional<Duration> acquire(String key) {
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(limit.burst(), clock.instant()));
    synchronized (bucket) {
      Instant now = clock.instant();
      double elapsed = Math.max(0, Duration.between(bucket.refilledAt, now).toNanos() / 1e9);
      bucket.tokens = Math.min(limit.burst(), bucket.tokens + elapsed * limit.perSecond());
      bucket.refilledAt = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return Optional.empty();
      }
      double wait = (1 - bucket.tokens) / limit.perSecond();
      return Optional.of(Duration.ofNanos((long) Math.ceil(wait * 1e9)));
    }
  }

  private static final class Bucket {
    double tokens;
    Instant refilledAt;

    Bucket(double tokens, Instant refilledAt) {
      this.tokens = tokens;
      this.refilledAt = refilledAt;
    }
  }
}
