package io.baton.transfer;

import io.baton.store.Database;
import io.baton.store.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code Idempotency-Key}s of transfer requests, in the {@code idempotency_keys} table: one row per
 * (tenant, key), whose primary key makes a second transfer for the same key impossible even when
 * two servers race. The row is written in the transaction that creates the transfer; a loser's
 * transaction fails on the key ({@link Taken}) and rolls back its transfer with it.
 */
final class IdempotencyKeys {
  /** SQLState of a unique or primary key violation, on H2 and PostgreSQL alike. */
  private static final String UNIQUE_VIOLATION = "23505";

  /** The {@code tenant_id} of admin keys: no tenant id can be {@code *}. */
  static final String ADMIN_SCOPE = "*";

  /**
   * A key claimed by a request: whose, which, and the request's fingerprint.
   *
   * @param scope the tenant id, or {@link #ADMIN_SCOPE}
   * @param key the header's value
   * @param requestHash SHA-256 hex of the request's canonical form
   */
  record Claim(String scope, String key, String requestHash) {
    static Claim of(Principal who, String key, String canonicalRequest) {
      return new Claim(
          who.tenantId() == null ? ADMIN_SCOPE : who.tenantId(), key, sha256(canonicalRequest));
    }
  }

  /** A key already used: for which request, by which transfer, answered with what. */
  record Used(String requestHash, String transferId, String response) {}

  /** The key was claimed by another transaction first. */
  static final class Taken extends RuntimeException {
    Taken(Claim claim) {
      super("idempotency key already used by " + claim.scope(), null, false, false);
    }
  }

  private final Database db;

  IdempotencyKeys(Database db) {
    this.db = db;
  }

  /** The use of {@code claim}'s key at or after {@code notBefore}, if any. */
  Optional<Used> find(Claim claim, Instant notBefore) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT request_hash, transfer_id, response FROM idempotency_keys"
                      + " WHERE tenant_id = ? AND idem_key = ? AND created_at >= ?")) {
            ps.setString(1, claim.scope());
            ps.setString(2, claim.key());
            ps.setObject(3, TransferStore.utc(notBefore));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Used(rs.getString(1), rs.getString(2), rs.getString(3)))
                  : Optional.<Used>empty();
            }
          }
        });
  }

  /**
   * Records {@code claim} for {@code transferId}, answered with {@code response}, in the caller's
   * transaction. A use older than {@code notBefore} no longer counts and is replaced.
   *
   * @throws Taken if another transaction holds the key
   */
  void insert(
      Connection c, Claim claim, String transferId, String response, Instant at, Instant notBefore)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM idempotency_keys WHERE tenant_id = ? AND idem_key = ? AND created_at < ?")) {
      ps.setString(1, claim.scope());
      ps.setString(2, claim.key());
      ps.setObject(3, TransferStore.utc(notBefore));
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO idempotency_keys (tenant_id, idem_key, request_hash, transfer_id,"
                + " response, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, claim.scope());
      ps.setString(2, claim.key());
      ps.setString(3, claim.requestHash());
      ps.setString(4, transferId);
      ps.setString(5, response);
      ps.setObject(6, TransferStore.utc(at));
      ps.executeUpdate();
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new Taken(claim);
      }
      throw e;
    }
  }

  /**
   * Forgets keys used before {@code cutoff}.
   *
   * @return how many
   */
  int purge(Instant cutoff) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM idempotency_keys WHERE created_at < ?")) {
            ps.setObject(1, TransferStore.utc(cutoff));
            return ps.executeUpdate();
          }
        });
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
