package io.baton.transfer;

import io.baton.store.Database;
import io.baton.store.SecretCipher;
import io.baton.store.WebhookSeed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each tenant's webhook, in the {@code webhooks} table (written by the API and by the seed), its
 * secret sealed under the master key ({@code transfer.secrets}): Baton needs the secret itself to
 * sign deliveries, so it cannot keep only a hash, and a copy of the database alone must not let
 * anyone forge deliveries. Whether a tenant has one is asked for every event, so the answer is
 * cached; this server's own changes keep the cache right (one transfer server per network, README
 * "Known limitations").
 */
final class Webhooks {
  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

  /** Where a tenant's events go and the key that signs them. */
  record Webhook(String tenant, String url, String secret) {
    @Override
    public String toString() {
      return "Webhook[tenant=" + tenant + ", url=" + url + "]";
    }
  }

  private final Database db;
  private final SecretCipher cipher;
  private final Map<String, Boolean> known = new ConcurrentHashMap<>();

  Webhooks(Database db, SecretCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  /**
   * Seals every secret not yet sealed under the current master key: those stored in plain text
   * before V7, and those sealed under a previous key ({@code transfer.secrets.previousKeys}).
   *
   * @return how many were sealed anew
   */
  int sealStored() {
    int sealed =
        db.inTransaction(
            c -> {
              int n = 0;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT tenant_id, secret, secret_key_id FROM webhooks"
                          + " WHERE secret_key_id IS NULL OR secret_key_id <> ? FOR UPDATE")) {
                ps.setString(1, cipher.currentKeyId());
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    String tenant = rs.getString(1);
                    String secret;
                    try {
                      secret = secret(tenant, rs.getString(2), rs.getString(3));
                    } catch (IllegalStateException e) {
                      LOG.error(
                          "webhook secret of {}: {}; its deliveries fail", tenant, e.getMessage());
                      continue;
                    }
                    writeSecret(c, tenant, secret);
                    n++;
                  }
                }
              }
              return n;
            });
    if (sealed > 0) {
      LOG.info("sealed {} webhook secrets under master key {}", sealed, cipher.currentKeyId());
    }
    return sealed;
  }

  Optional<Webhook> find(String tenant) {
    return db.withConnection(c -> find(c, tenant));
  }

  /** Whether {@code tenant} has a webhook. */
  boolean exists(String tenant) {
    Boolean cached = tenant.isEmpty() ? Boolean.FALSE : known.get(tenant);
    return cached != null ? cached : db.withConnection(c -> exists(c, tenant));
  }

  /** Whether {@code tenant} has a webhook, read on {@code c} the first time it is asked. */
  boolean exists(Connection c, String tenant) throws SQLException {
    if (tenant.isEmpty()) {
      return false;
    }
    Boolean cached = known.get(tenant);
    if (cached != null) {
      return cached;
    }
    boolean exists;
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM webhooks WHERE tenant_id = ?")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        exists = rs.next();
      }
    }
    known.put(tenant, exists);
    return exists;
  }

  /** Sets the tenant's webhook, replacing any it had. */
  synchronized void put(String tenant, String url, String secret) {
    db.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement("UPDATE webhooks SET url = ? WHERE tenant_id = ?")) {
            update.setString(1, url);
            update.setString(2, tenant);
            if (update.executeUpdate() == 0) {
              try (PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO webhooks (tenant_id, url, secret) VALUES (?, ?, '')")) {
                insert.setString(1, tenant);
                insert.setString(2, url);
                insert.executeUpdate();
              }
            }
          }
          writeSecret(c, tenant, secret);
          return null;
        });
    known.put(tenant, true);
  }

  /** Stores {@code secret} sealed as the tenant's. */
  private void writeSecret(Connection c, String tenant, String secret) throws SQLException {
    SecretCipher.Sealed sealed = cipher.seal(secret, WebhookSeed.sealContext(tenant));
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE webhooks SET secret = ?, secret_key_id = ? WHERE tenant_id = ?")) {
      ps.setString(1, sealed.text());
      ps.setString(2, sealed.keyId());
      ps.setString(3, tenant);
      ps.executeUpdate();
    }
  }

  /** The secret of a row: opened, or as is if it predates sealing (no key id). */
  private String secret(String tenant, String stored, String keyId) {
    return keyId == null
        ? stored
        : cipher.open(new SecretCipher.Sealed(keyId, stored), WebhookSeed.sealContext(tenant));
  }

  /**
   * Removes the tenant's webhook and the events still waiting for it.
   *
   * @return false if it had none
   */
  synchronized boolean delete(String tenant) {
    boolean deleted =
        db.inTransaction(
            c -> {
              try (PreparedStatement outbox =
                  c.prepareStatement("DELETE FROM webhook_outbox WHERE tenant_id = ?")) {
                outbox.setString(1, tenant);
                outbox.executeUpdate();
              }
              try (PreparedStatement ps =
                  c.prepareStatement("DELETE FROM webhooks WHERE tenant_id = ?")) {
                ps.setString(1, tenant);
                return ps.executeUpdate() > 0;
              }
            });
    known.put(tenant, false);
    return deleted;
  }

  private Optional<Webhook> find(Connection c, String tenant) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT url, secret, secret_key_id FROM webhooks WHERE tenant_id = ?")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(
                new Webhook(
                    tenant, rs.getString(1), secret(tenant, rs.getString(2), rs.getString(3))))
            : Optional.empty();
      }
    }
  }
}
