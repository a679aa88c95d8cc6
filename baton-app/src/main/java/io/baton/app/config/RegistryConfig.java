package io.baton.app.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where elements publish calls and legs (the {@code registry:} block).
 *
 * @param kind {@code memory} when every element runs in one process, {@code redis} when they run in
 *     several
 * @param redisUrl Redis to share, for {@code kind: redis}
 * @param redisPrefix prefix of every Redis key, so several Baton networks can share one Redis
 * @param retainEnded how long an ended call stays visible
 */
public record RegistryConfig(Kind kind, String redisUrl, String redisPrefix, Duration retainEnded) {
  public enum Kind {
    MEMORY,
    REDIS
  }

  public RegistryConfig {
    Objects.requireNonNull(kind, "registry.kind: missing (memory or redis)");
    Objects.requireNonNull(retainEnded, "registry.retainEnded: missing");
    if (kind == Kind.REDIS && (redisUrl == null || !redisUrl.startsWith("redis://"))) {
      throw new IllegalArgumentException(
          "registry.redisUrl: '" + redisUrl + "' is not redis://...");
    }
    if (kind == Kind.REDIS && (redisPrefix == null || redisPrefix.isBlank())) {
      throw new IllegalArgumentException("registry.redisPrefix: missing");
    }
    if (retainEnded.isNegative()) {
      throw new IllegalArgumentException("registry.retainEnded: " + retainEnded + " is negative");
    }
  }
}
