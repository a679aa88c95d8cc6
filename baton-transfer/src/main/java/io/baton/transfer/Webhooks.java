package io.baton.transfer;

import io.baton.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's webhook, in the {@code webhooks} table (written by the API and by the seed).
 * Whether a tenant has one is asked for every event, so the answer is cached; this server's own
 * changes keep the cache right (one transfer server per network, README "Known limitations").
 */
final class Webhooks {

  /** Where a tenant's events go and the key that signs them. */
  record Webhook(String tenant, String url, String secret) {}

  private final Database db;
  private final Map<String, Boolean> known = new ConcurrentHashMap<>();

  Webhooks(Database db) {
    this.db = db;
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
    boolean exists = find(c, tenant).isPresent();
    known.put(tenant, exists);
    return exists;
  }

  /** Sets the tenant's webhook, replacing any it had. */
  synchronized void put(String tenant, String url, String secret) {
    db.inTransaction(
        c -> {
          try (PreparedStatement update =
              c.prepareStatement("UPDATE webhooks SET url = ?, secret = ? WHERE tenant_id = ?")) {
            update.setString(1, url);
            update.setString(2, secret);
            update.setString(3, tenant);
            if (update.executeUpdate() == 0) {
              try (PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO webhooks (tenant_id, url, secret) VALUES (?, ?, ?)")) {
                insert.setString(1, tenant);
                insert.setString(2, url);
                insert.setString(3, secret);
                insert.executeUpdate();
              }
            }
          }
          return null;
        });
    known.put(tenant, true);
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

  private static Optional<Webhook> find(Connection c, String tenant) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT url, secret FROM webhooks WHERE tenant_id = ?")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new Webhook(tenant, rs.getString(1), rs.getString(2)))
            : Optional.empty();
      }
    }
  }
}
