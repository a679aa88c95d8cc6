package io.baton.transfer;

import io.baton.store.Database;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Call detail records in the {@code cdrs} and {@code cdr_legs} tables (plain SQL for H2 and
 * PostgreSQL); their transfers are read from the transfer tables.
 */
final class CdrStore {
  private static final String COLUMNS =
      "call_id, tenant_id, did, from_uri, to_uri, outcome, sip_status, started_at, ended_at,"
          + " duration_ms, cost, released_ms, released_cost, rerouted_cost";
  private static final String LEG_COLUMNS =
      "call_id, seq, leg_id, element, peer, sip_call_id, state, started_at, ended_at, sip_status,"
          + " path, carrier, dialled, billed_seconds, rate_per_minute, cost";

  private final Database db;
  private final TransferStore transfers;

  CdrStore(Database db, TransferStore transfers) {
    this.db = db;
    this.transfers = transfers;
  }

  /** Which records a listing wants; null fields do not filter. */
  record Query(String tenant, Instant from, Instant to, String did, String outcome, int limit) {}

  /** One day of the savings view (UTC). */
  record Day(
      String day,
      long calls,
      long transferred,
      BigDecimal releasedMinutes,
      BigDecimal releasedCost,
      BigDecimal reroutedCost,
      BigDecimal cost) {}

  /**
   * Stores {@code cdr} unless the call has one already.
   *
   * @return false if it had
   */
  boolean insert(Cdr cdr) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM cdrs WHERE call_id = ?")) {
            ps.setString(1, cdr.callId());
            if (ps.executeQuery().next()) {
              return false;
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO cdrs ("
                      + COLUMNS
                      + ", end_day, transfer_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                      + " ?, ?, ?)")) {
            ps.setString(1, cdr.callId());
            ps.setString(2, cdr.tenant() == null ? "" : cdr.tenant());
            ps.setString(3, cdr.did());
            ps.setString(4, cut(cdr.from(), 500));
            ps.setString(5, cut(cdr.to(), 500));
            ps.setString(6, cdr.outcome());
            ps.setObject(7, cdr.sipStatus(), Types.INTEGER);
            ps.setObject(8, TransferStore.utc(cdr.startedAt()));
            ps.setObject(9, TransferStore.utc(cdr.endedAt()));
            ps.setLong(10, cdr.durationSeconds() * 1000);
            ps.setBigDecimal(11, cdr.cost());
            ps.setLong(12, cdr.releasedSeconds() * 1000);
            ps.setBigDecimal(13, cdr.releasedCost());
            ps.setBigDecimal(14, cdr.reroutedCost());
            ps.setString(15, LocalDate.ofInstant(cdr.endedAt(), ZoneOffset.UTC).toString());
            ps.setInt(16, cdr.transfers().size());
            ps.executeUpdate();
          }
          insertLegs(c, cdr);
          return true;
        });
  }

  private static void insertLegs(Connection c, Cdr cdr) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO cdr_legs ("
                + LEG_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int seq = 1;
      for (Cdr.CdrLeg leg : cdr.legs()) {
        ps.setString(1, cdr.callId());
        ps.setInt(2, seq++);
        ps.setString(3, leg.id());
        ps.setString(4, leg.element());
        ps.setString(5, cut(leg.peer(), 255));
        ps.setString(6, cut(leg.sipCallId(), 255));
        ps.setString(7, leg.state());
        ps.setObject(8, TransferStore.utc(leg.startedAt()));
        ps.setObject(9, leg.endedAt() == null ? null : TransferStore.utc(leg.endedAt()));
        ps.setObject(10, leg.sipStatus(), Types.INTEGER);
        ps.setString(11, leg.path());
        ps.setString(12, leg.carrier());
        ps.setString(13, leg.dialled());
        ps.setLong(14, leg.billedSeconds());
        ps.setBigDecimal(15, leg.ratePerMinute());
        ps.setBigDecimal(16, leg.cost());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Records matching {@code q}, newest first, with their legs and transfers. */
  List<Cdr> find(Query q) {
    return db.withConnection(
        c -> {
          List<Object> params = new ArrayList<>();
          StringBuilder where = new StringBuilder("1 = 1");
          if (q.tenant() != null) {
            where.append(" AND tenant_id = ?");
            params.add(q.tenant());
          }
          if (q.from() != null) {
            where.append(" AND started_at >= ?");
            params.add(TransferStore.utc(q.from()));
          }
          if (q.to() != null) {
            where.append(" AND started_at < ?");
            params.add(TransferStore.utc(q.to()));
          }
          if (q.did() != null) {
            where.append(" AND did = ?");
            params.add(q.did());
          }
          if (q.outcome() != null) {
            where.append(" AND outcome = ?");
            params.add(q.outcome());
          }
          Map<String, Cdr> rows = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM cdrs WHERE "
                      + where
                      + " ORDER BY started_at DESC, call_id LIMIT "
                      + q.limit())) {
            for (int i = 0; i < params.size(); i++) {
              ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.put(rs.getString(1), row(rs));
              }
            }
          }
          if (rows.isEmpty()) {
            return List.of();
          }
          Map<String, List<Cdr.CdrLeg>> legs = legs(c, rows.keySet());
          Map<String, List<TransferView>> byCall = transfers.forCalls(c, rows.keySet());
          List<Cdr> out = new ArrayList<>();
          for (Cdr cdr : rows.values()) {
            out.add(
                new Cdr(
                        cdr.callId(),
                        cdr.tenant(),
                        cdr.did(),
                        cdr.from(),
                        cdr.to(),
                        cdr.outcome(),
                        cdr.sipStatus(),
                        cdr.startedAt(),
                        cdr.endedAt(),
                        cdr.durationSeconds(),
                        cdr.cost(),
                        cdr.releasedSeconds(),
                        cdr.releasedCost(),
                        cdr.reroutedCost(),
                        legs.getOrDefault(cdr.callId(), List.of()),
                        List.of())
                    .withTransfers(byCall.getOrDefault(cdr.callId(), List.of())));
          }
          return out;
        });
  }

  private static Map<String, List<Cdr.CdrLeg>> legs(Connection c, java.util.Collection<String> ids)
      throws SQLException {
    Map<String, List<Cdr.CdrLeg>> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + LEG_COLUMNS
                + " FROM cdr_legs WHERE call_id IN ("
                + String.join(", ", Collections.nCopies(ids.size(), "?"))
                + ") ORDER BY call_id, seq")) {
      int i = 1;
      for (String id : ids) {
        ps.setString(i++, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(
                  new Cdr.CdrLeg(
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      rs.getString(6),
                      rs.getString(7),
                      TransferStore.instant(rs, 8),
                      TransferStore.instant(rs, 9),
                      rs.getObject(10, Integer.class),
                      rs.getString(11),
                      rs.getString(12),
                      rs.getString(13),
                      rs.getLong(14),
                      rs.getBigDecimal(15),
                      rs.getBigDecimal(16)));
        }
      }
    }
    return out;
  }

  /** Per UTC day from {@code from} to {@code to} (inclusive): what transfers released and cost. */
  List<Day> savings(String tenant, LocalDate from, LocalDate to) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT end_day, COUNT(*), SUM(CASE WHEN transfer_count > 0 THEN 1 ELSE 0 END),"
                      + " SUM(released_ms), SUM(released_cost), SUM(rerouted_cost), SUM(cost)"
                      + " FROM cdrs WHERE end_day >= ? AND end_day <= ?"
                      + (tenant == null ? "" : " AND tenant_id = ?")
                      + " GROUP BY end_day ORDER BY end_day")) {
            ps.setString(1, from.toString());
            ps.setString(2, to.toString());
            if (tenant != null) {
              ps.setString(3, tenant);
            }
            List<Day> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Day(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        BigDecimal.valueOf(rs.getLong(4))
                            .divide(BigDecimal.valueOf(60_000), 2, java.math.RoundingMode.HALF_UP),
                        rs.getBigDecimal(5).setScale(Costs.SCALE),
                        rs.getBigDecimal(6).setScale(Costs.SCALE),
                        rs.getBigDecimal(7).setScale(Costs.SCALE)));
              }
            }
            return out;
          }
        });
  }

  private static Cdr row(ResultSet rs) throws SQLException {
    String tenant = rs.getString(2);
    return new Cdr(
        rs.getString(1),
        tenant.isEmpty() ? null : tenant,
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getObject(7, Integer.class),
        TransferStore.instant(rs, 8),
        TransferStore.instant(rs, 9),
        rs.getLong(10) / 1000,
        rs.getBigDecimal(11),
        rs.getLong(12) / 1000,
        rs.getBigDecimal(13),
        rs.getBigDecimal(14),
        List.of(),
        List.of());
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
