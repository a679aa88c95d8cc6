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
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Transfers, their targets and every state they entered, in the {@code transfers}, {@code
 * transfer_targets} and {@code transfer_history} tables (plain SQL that runs on H2 and PostgreSQL).
 * Writes take the caller's connection, so a transfer's row, its history and the event that reports
 * the change commit together ({@link Events#publish}): the history never disagrees with the state.
 */
public final class TransferStore {
  private static final String COLUMNS =
      "id, call_id, tenant_id, to_text, destination, transfer_mode, timeout_seconds, state,"
          + " sip_status, reason, created_at, updated_at, on_fail, attempt";

  /** Terminal states, as SQL: {@code 'completed', 'failed', ...}. */
  private static final String TERMINAL =
      Arrays.stream(Transfer.State.values())
          .filter(Transfer.State::terminal)
          .map(s -> "'" + s.wire() + "'")
          .collect(Collectors.joining(", "));

  private final Database db;

  public TransferStore(Database db) {
    this.db = db;
  }

  /** Stores a new transfer, its targets and its first state, {@code cause} being why. */
  public void insert(Connection c, Transfer t, String cause) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO transfers ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, t.id());
      ps.setString(2, t.callId());
      ps.setString(3, t.tenant());
      ps.setString(4, t.first().to());
      ps.setString(5, t.first().destination().uri());
      ps.setString(6, t.mode().wire());
      ps.setInt(7, t.first().timeoutSeconds());
      ps.setString(8, t.state().wire());
      ps.setObject(9, t.sipStatus(), Types.INTEGER);
      ps.setString(10, t.reason());
      ps.setObject(11, utc(t.createdAt()));
      ps.setObject(12, utc(t.createdAt()));
      ps.setString(13, t.onFail().wire());
      ps.setInt(14, t.attempt());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO transfer_targets (transfer_id, seq, to_text, destination,"
                + " timeout_seconds) VALUES (?, ?, ?, ?, ?)")) {
      int seq = 1;
      for (Transfer.Target target : t.targets()) {
        ps.setString(1, t.id());
        ps.setInt(2, seq++);
        ps.setString(3, target.to());
        ps.setString(4, target.destination().uri());
        ps.setInt(5, target.timeoutSeconds());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    addHistory(c, t.id(), t.state().wire(), t.createdAt(), cause);
  }

  /** Stores the state {@code t} has just entered, at {@code at}, because of {@code cause}. */
  public void transitioned(Connection c, Transfer t, Instant at, String cause) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE transfers SET state = ?, sip_status = ?, reason = ?, attempt = ?,"
                + " updated_at = ? WHERE id = ?")) {
      ps.setString(1, t.state().wire());
      ps.setObject(2, t.sipStatus(), Types.INTEGER);
      ps.setString(3, t.reason());
      ps.setInt(4, t.attempt());
      ps.setObject(5, utc(at));
      ps.setString(6, t.id());
      ps.executeUpdate();
    }
    addHistory(c, t.id(), t.state().wire(), at, cause);
  }

  /** Every transfer not in a final state, oldest first: those a previous run left running. */
  public List<TransferView> unfinished() {
    return db.withConnection(c -> load(c, "state NOT IN (" + TERMINAL + ")", List.of()));
  }

  public Optional<TransferView> find(String id) {
    return db.withConnection(c -> find(c, id));
  }

  public Optional<TransferView> find(Connection c, String id) throws SQLException {
    return load(c, "id = ?", List.of(id)).stream().findFirst();
  }

  /** Transfers of each of {@code callIds}, oldest first; calls without any are left out. */
  public Map<String, List<TransferView>> forCalls(Collection<String> callIds) {
    return db.withConnection(c -> forCalls(c, callIds));
  }

  public Map<String, List<TransferView>> forCalls(Connection c, Collection<String> callIds)
      throws SQLException {
    if (callIds.isEmpty()) {
      return Map.of();
    }
    Map<String, List<TransferView>> byCall = new LinkedHashMap<>();
    for (TransferView t : load(c, "call_id IN (" + placeholders(callIds.size()) + ")", callIds)) {
      byCall.computeIfAbsent(t.callId(), k -> new ArrayList<>()).add(t);
    }
    return byCall;
  }

  private static List<TransferView> load(Connection c, String where, Collection<String> params)
      throws SQLException {
    Map<String, TransferView> rows = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM transfers WHERE " + where + " ORDER BY created_at, id")) {
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
    Map<String, List<TransferView.TargetView>> targets = targets(c, rows.keySet());
    Map<String, List<TransferView.HistoryEntry>> history = history(c, rows.keySet());
    List<TransferView> out = new ArrayList<>();
    for (TransferView t : rows.values()) {
      out.add(
          t.with(targets.getOrDefault(t.id(), List.of()), history.getOrDefault(t.id(), List.of())));
    }
    return out;
  }

  private static Map<String, List<TransferView.TargetView>> targets(
      Connection c, Collection<String> ids) throws SQLException {
    return byTransfer(
        c,
        "SELECT transfer_id, to_text, destination, timeout_seconds FROM transfer_targets",
        ids,
        rs -> new TransferView.TargetView(rs.getString(2), rs.getString(3), rs.getInt(4)));
  }

  private static Map<String, List<TransferView.HistoryEntry>> history(
      Connection c, Collection<String> ids) throws SQLException {
    return byTransfer(
        c,
        "SELECT transfer_id, state, happened_at, cause FROM transfer_history",
        ids,
        rs -> new TransferView.HistoryEntry(rs.getString(2), instant(rs, 3), rs.getString(4)));
  }

  /** A row read from a per-transfer table (its first column the transfer's id). */
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** The rows of {@code select} (a per-transfer table) for {@code ids}, by transfer, in order. */
  private static <T> Map<String, List<T>> byTransfer(
      Connection c, String select, Collection<String> ids, RowReader<T> reader)
      throws SQLException {
    Map<String, List<T>> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            select
                + " WHERE transfer_id IN ("
                + placeholders(ids.size())
                + ") ORDER BY transfer_id, seq")) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(reader.read(rs));
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
        List.of(),
        rs.getString(13),
        rs.getInt(14),
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

  static OffsetDateTime utc(Instant at) {
    return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
