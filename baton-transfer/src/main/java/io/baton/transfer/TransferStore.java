package io.baton.transfer;

import io.baton.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transfers and every state they entered, in the {@code transfers} and {@code transfer_history}
 * tables (plain SQL that runs on H2 and PostgreSQL). A transfer's row and its history change in one
 * database transaction, so the history never disagrees with the state.
 */
public final class TransferStore {
  private static final String COLUMNS =
      "id, call_id, tenant_id, to_text, destination, transfer_mode, timeout_seconds, state,"
          + " sip_status, reason, created_at, updated_at";

  private final Database db;

  public TransferStore(Database db) {
    this.db = db;
  }

  /** Stores a new transfer in its first state, {@code cause} being why it was requested. */
  public void create(Transfer t, String cause) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO transfers ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, t.id());
            ps.setString(2, t.callId());
            ps.setString(3, t.tenant());
            ps.setString(4, t.to());
            ps.setString(5, t.destination().uri());
            ps.setString(6, t.mode().wire());
            ps.setInt(7, t.timeoutSeconds());
            ps.setString(8, t.state().wire());
            ps.setObject(9, t.sipStatus(), Types.INTEGER);
            ps.setString(10, t.reason());
            ps.setObject(11, utc(t.createdAt()));
            ps.setObject(12, utc(t.createdAt()));
            ps.executeUpdate();
          }
          addHistory(c, t.id(), t.state().wire(), t.createdAt(), cause);
          return null;
        });
  }

  /** Stores the state {@code t} has just entered, at {@code at}, because of {@code cause}. */
  public void transitioned(Transfer t, Instant at, String cause) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE transfers SET state = ?, sip_status = ?, reason = ?, updated_at = ?"
                      + " WHERE id = ?")) {
            ps.setString(1, t.state().wire());
            ps.setObject(2, t.sipStatus(), Types.INTEGER);
            ps.setString(3, t.reason());
            ps.setObject(4, utc(at));
            ps.setString(5, t.id());
            ps.executeUpdate();
          }
          addHistory(c, t.id(), t.state().wire(), at, cause);
          return null;
        });
  }

  /**
   * Marks every transfer still running as failed: after a restart, nobody follows its NOTIFYs any
   * more, and a transfer left open would block its call for good.
   *
   * @return how many were failed
   */
  public int failUnfinished(Instant at, String why) {
    return db.inTransaction(
        c -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id FROM transfers WHERE state NOT IN ('completed', 'failed')");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          for (String id : ids) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE transfers SET state = 'failed', reason = ?, updated_at = ?"
                        + " WHERE id = ?")) {
              ps.setString(1, why);
              ps.setObject(2, utc(at));
              ps.setString(3, id);
              ps.executeUpdate();
            }
            addHistory(c, id, Transfer.State.FAILED.wire(), at, why);
          }
          return ids.size();
        });
  }

  public Optional<TransferView> find(String id) {
    return load("id = ?", List.of(id)).stream().findFirst();
  }

  /** Transfers of each of {@code callIds}, oldest first; calls without any are left out. */
  public Map<String, List<TransferView>> forCalls(Collection<String> callIds) {
    if (callIds.isEmpty()) {
      return Map.of();
    }
    Map<String, List<TransferView>> byCall = new LinkedHashMap<>();
    for (TransferView t : load("call_id IN (" + placeholders(callIds.size()) + ")", callIds)) {
      byCall.computeIfAbsent(t.callId(), k -> new ArrayList<>()).add(t);
    }
    return byCall;
  }

  private List<TransferView> load(String where, Collection<String> params) {
    return db.withConnection(
        c -> {
          Map<String, TransferView> rows = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM transfers WHERE "
                      + where
                      + " ORDER BY created_at, id")) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.put(rs.getString(1), row(rs));
              }
            }
          }
          if (rows.isEmpty()) {
            return List.of();
          }
          Map<String, List<TransferView.HistoryEntry>> history = history(c, rows.keySet());
          List<TransferView> out = new ArrayList<>();
          for (TransferView t : rows.values()) {
            out.add(t.withHistory(history.getOrDefault(t.id(), List.of())));
          }
          return out;
        });
  }

  private static Map<String, List<TransferView.HistoryEntry>> history(
      Connection c, Collection<String> ids) throws SQLException {
    Map<String, List<TransferView.HistoryEntry>> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT transfer_id, state, happened_at, cause FROM transfer_history"
                + " WHERE transfer_id IN ("
                + placeholders(ids.size())
                + ") ORDER BY transfer_id, seq")) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(new TransferView.HistoryEntry(rs.getString(2), instant(rs, 3), rs.getString(4)));
        }
      }
    }
    return out;
  }

  private static void addHistory(Connection c, String id, String state, Instant at, String cause)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO transfer_history (transfer_id, seq, state, happened_at, cause)"
                + " SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM transfer_history"
                + " WHERE transfer_id = ?")) {
      ps.setString(1, id);
      ps.setString(2, state);
      ps.setObject(3, utc(at));
      ps.setString(4, cause);
      ps.setString(5, id);
      ps.executeUpdate();
    }
  }

  private static TransferView row(ResultSet rs) throws SQLException {
    return new TransferView(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(8),
        rs.getObject(9, Integer.class),
        rs.getString(10),
        rs.getInt(7),
        instant(rs, 11),
        instant(rs, 12),
        List.of());
  }

  private static void bind(PreparedStatement ps, Collection<String> params) throws SQLException {
    int i = 1;
    for (String p : params) {
      ps.setString(i++, p);
    }
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static OffsetDateTime utc(Instant at) {
    return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
