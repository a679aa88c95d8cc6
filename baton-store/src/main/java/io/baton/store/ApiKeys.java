package io.baton.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Optional;

/** API keys, stored only as SHA-256 hashes so a leaked database leaks no usable key. */
public final class ApiKeys {
  private final Database db;

  public ApiKeys(Database db) {
    this.db = db;
  }

  /** The principal a presented key belongs to, or empty if the key is unknown. */
  public Optional<Principal> authenticate(String key) {
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT tenant_id, admin FROM api_keys WHERE key_hash = ?")) {
            ps.setString(1, hash(key));
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(new Principal(rs.getString(1), rs.getBoolean(2)));
            }
          }
        });
  }

  /** Adds a key (idempotent: an existing key is left as it is). */
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
  }

  static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
