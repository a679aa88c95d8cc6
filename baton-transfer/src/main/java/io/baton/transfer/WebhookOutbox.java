package io.baton.transfer;

import io.baton.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Events waiting for their tenant's webhook, in the {@code webhook_outbox} table: written in the
 * transaction of the change they report, removed only once the webhook answered 2xx, so a delivery
 * survives restarts and is made at least once. Each tenant's rows go out in event-id order.
 */
final class WebhookOutbox {
  private static final String COLUMNS =
      "event_id, tenant_id, body, created_at, attempts, next_attempt_at";

  /** One event to deliver: its body is sent byte for byte on every attempt. */
  record Delivery(
      long eventId,
      String tenant,
      String body,
      Instant createdAt,
      int attempts,
      Instant nextAttemptAt) {}

  private final Database db;

  WebhookOutbox(Database db) {
    this.db = db;
  }

  void insert(Connection c, long eventId, String tenant, String body, Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO webhook_outbox (event_id, tenant_id, body, created_at, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      ps.setLong(1, eventId);
      ps.setString(2, tenant);
      ps.setString(3, body);
      ps.setObject(4, TransferStore.utc(at));
      ps.setObject(5, TransferStore.utc(at));
      ps.executeUpdate();
    }
  }

  /** The oldest waiting event of every tenant that has one. */
  List<Delivery> heads() {
    return select(
        "event_id IN (SELECT MIN(event_id) FROM webhook_outbox GROUP BY tenant_id)", null);
  }

  /** The oldest waiting event of {@code tenant}. */
  Optional<Delivery> head(String tenant) {
    return select(
            "event_id = (SELECT MIN(event_id) FROM webhook_outbox WHERE tenant_id = ?)", tenant)
        .stream()
        .findFirst();
  }

  /** The event was delivered (or given up): it goes. */
  void remove(long eventId) {
    db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM webhook_outbox WHERE event_id = ?")) {
            ps.setLong(1, eventId);
            return ps.executeUpdate();
          }
        });
  }

  /** An attempt failed: the event waits until {@code retryAt}. */
  void failed(long eventId, int attempts, Instant retryAt, String error) {
    db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE webhook_outbox SET attempts = ?, next_attempt_at = ?, last_error = ?"
                      + " WHERE event_id = ?")) {
            ps.setInt(1, attempts);
            ps.setObject(2, TransferStore.utc(retryAt));
            ps.setString(3, error.length() > 500 ? error.substring(0, 500) : error);
            ps.setLong(4, eventId);
            return ps.executeUpdate();
          }
        });
  }

  /** Drops every event of a tenant that no longer has a webhook. */
  int drop(String tenant) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM webhook_outbox WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            return ps.executeUpdate();
          }
        });
  }

  private List<Delivery> select(String where, String tenant) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM webhook_outbox WHERE "
                      + where
                      + " ORDER BY event_id")) {
            if (tenant != null) {
              ps.setString(1, tenant);
            }
            List<Delivery> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Delivery(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        TransferStore.instant(rs, 4),
                        rs.getInt(5),
                        TransferStore.instant(rs, 6)));
              }
            }
            return out;
          }
        });
  }
}
