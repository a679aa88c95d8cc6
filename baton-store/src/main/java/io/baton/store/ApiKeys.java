package io.baton.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * API keys, stored only as SHA-256 hashes so a leaked database leaks no usable key. A plain
 * SHA-256, without salt or stretching, is enough for keys drawn at random (a 256-bit key cannot be
 * guessed from its hash); a slow hash would only slow every request. Keys people choose (the lab's
 * {@code acme-demo-key}) are the exception: docs/security.md.
 *
 * <p>Lookups go through a bounded cache of key hash → principal, unknown keys included, for {@code
 * cacheTtl}: a flood of requests with one key costs one query per TTL, and a flood of new keys
 * evicts the least used entries rather than grow it. A key deleted from the database stops working
 * within the TTL.
 */
public final class ApiKeys {
  private final Database db;
  private final Clock clock;
  private final Duration cacheTtl;
  private final ExpiringMap<String, Optional<Principal>> cache;
  private final AtomicLong queries = new AtomicLong();

  /** Keys looked up in the database on every call (no cache). */
  public ApiKeys(Database db) {
    this(db, Clock.systemUTC(), Duration.ZERO, 1);
  }

  /**
   * @param cacheTtl how long a lookup is reused (zero: not at all)
   * @param cacheSize lookups kept at most
   */
  public ApiKeys(Database db, Clock clock, Duration cacheTtl, int cacheSize) {
    this.db = db;
    this.clock = clock;
    this.cacheTtl = cacheTtl;
    this.cache = new ExpiringMap<>(cacheSize);
  }

  /** The principal a presented key belongs to, or empty if the key is unknown. */
  public Optional<Principal> authenticate(String key) {
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    String hash = hash(key);
    Instant now = clock.instant();
    Optional<Principal> cached = cache.get(hash, now);
    if (cached != null) {
      return cached;
    }
    Optional<Principal> found = lookUp(hash);
    if (cacheTtl.isPositive()) {
      cache.put(hash, found, now.plus(cacheTtl), now);
    }
    return found;
  }

  /** Lookups held in the cache (expired ones not yet dropped included). */
  public int cached() {
    return cache.size();
  }

  /** How many lookups reached the database since this object was made. */
  public long queries() {
    return queries.get();
  }

  private Optional<Principal> lookUp(String hash) {
    queries.incrementAndGet();
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT tenant_id, admin FROM api_keys WHERE key_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(new Principal(rs.getString(1), rs.getBoolean(2)));
            }
          }
        });
  }

  /**
   * Adds a key (idempotent: an existing key is left as it is); it works at once through this
   * object, even if it was looked up as unknown before.
   */
  public void add(String key, String tenantId, boolean admin, String label) {
    db.inTransaction(
        c -> {
          try (PreparedStatement find =
              c.prepareStatement("SELECT 1 FROM api_keys WHERE key_hash = ?")) {
            find.setString(1, hash(key));
            if (find.executeQuery().next()) {
              return null;
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO api_keys (key_hash, tenant_id, admin, label) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, hash(key));
            ps.setString(2, tenantId);
            ps.setBoolean(3, admin);
            ps.setString(4, label);
            ps.executeUpdate();
          }
          return null;
        });
    cache.remove(hash(key), clock.instant());
  }

  /** The hex SHA-256 of {@code key}: what is stored, and what stands for a key in memory. */
  public static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
