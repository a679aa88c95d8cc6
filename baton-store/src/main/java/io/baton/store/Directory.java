package io.baton.store;

import io.baton.routing.TimeWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Tenants, the DIDs they own (with their schedules) and the named targets they may transfer to. */
public final class Directory {
  private static final String DID_COLUMNS =
      "SELECT did, tenant_id, redirect_to, enabled, time_zone FROM dids";
  private static final String SCHEDULE_COLUMNS =
      "SELECT did, days, start_time, end_time, redirect_to FROM did_schedules";

  /**
   * A named transfer target: {@code target:<name>} of {@code tenantId} leads to {@code
   * destination}, an E.164 number or a SIP URI.
   */
  public record Target(String tenantId, String name, String destination) {}

  private final Database db;

  public Directory(Database db) {
    this.db = db;
  }

  public Optional<Did> did(String e164) {
    return db.withConnection(
        c -> {
          List<Did> found =
              dids(c, DID_COLUMNS + " WHERE did = ?", SCHEDULE_COLUMNS + " WHERE did = ?", e164);
          return found.stream().findFirst();
        });
  }

  /** Every DID (all tenants), by number. */
  public List<Did> dids() {
    return db.withConnection(c -> dids(c, DID_COLUMNS + " ORDER BY did", SCHEDULE_COLUMNS, null));
  }

  private static List<Did> dids(Connection c, String didQuery, String scheduleQuery, String arg)
      throws SQLException {
    Map<String, List<Did.Schedule>> schedules = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(scheduleQuery + " ORDER BY did, seq")) {
      if (arg != null) {
        ps.setString(1, arg);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          schedules
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(
                  new Did.Schedule(
                      TimeWindow.parse(rs.getString(2), rs.getString(3), rs.getString(4)),
                      rs.getString(5)));
        }
      }
    }
    List<Did> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(didQuery)) {
      if (arg != null) {
        ps.setString(1, arg);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String did = rs.getString(1);
          out.add(
              new Did(
                  did,
                  rs.getString(2),
                  rs.getString(3),
                  rs.getBoolean(4),
                  ZoneId.of(rs.getString(5)),
                  schedules.getOrDefault(did, List.of())));
        }
      }
    }
    return out;
  }

  /**
   * Creates or replaces {@code did} (its schedules included).
   *
   * @return true if it was created
   */
  public boolean putDid(Did did) {
    return db.inTransaction(
        c -> {
          boolean exists;
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM dids WHERE did = ?")) {
            ps.setString(1, did.did());
            exists = ps.executeQuery().next();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  exists
                      ? "UPDATE dids SET tenant_id = ?, redirect_to = ?, enabled = ?,"
                          + " time_zone = ? WHERE did = ?"
                      : "INSERT INTO dids (tenant_id, redirect_to, enabled, time_zone, did)"
                          + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, did.tenantId());
            ps.setString(2, did.redirectTo());
            ps.setBoolean(3, did.enabled());
            ps.setString(4, did.timeZone().getId());
            ps.setString(5, did.did());
            ps.executeUpdate();
          }
          update(c, "DELETE FROM did_schedules WHERE did = ?", did.did());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO did_schedules (did, seq, days, start_time, end_time, redirect_to)"
                      + " VALUES (?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (Did.Schedule s : did.schedules()) {
              ps.setString(1, did.did());
              ps.setInt(2, ++seq);
              ps.setString(3, s.window().daysText());
              ps.setString(4, s.window().startText());
              ps.setString(5, s.window().endText());
              ps.setString(6, s.redirectTo());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return !exists;
        });
  }

  /** Deletes a DID and its schedules; false if there was none. */
  public boolean deleteDid(String e164) {
    return db.inTransaction(c -> update(c, "DELETE FROM dids WHERE did = ?", e164) > 0);
  }

  /** The tenant owning {@code e164}, if any. */
  public Optional<String> tenantOf(String e164) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT tenant_id FROM dids WHERE did = ?")) {
            ps.setString(1, e164);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /**
   * Where {@code target:name} leads for {@code tenantId}; empty if the tenant has no such target.
   */
  public Optional<String> target(String tenantId, String name) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT destination FROM targets WHERE tenant_id = ? AND name = ?")) {
            ps.setString(1, tenantId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  /** Every named target of every tenant, by tenant and name. */
  public List<Target> targets() {
    return targetsOf(null);
  }

  /** The named targets of {@code tenantId}, by name. */
  public List<Target> targets(String tenantId) {
    return targetsOf(Objects.requireNonNull(tenantId, "tenantId"));
  }

  /** The targets of {@code tenantId}, or of every tenant if it is null. */
  private List<Target> targetsOf(String tenantId) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT tenant_id, name, destination FROM targets"
                      + (tenantId == null ? "" : " WHERE tenant_id = ?")
                      + " ORDER BY tenant_id, name")) {
            if (tenantId != null) {
              ps.setString(1, tenantId);
            }
            List<Target> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new Target(rs.getString(1), rs.getString(2), rs.getString(3)));
              }
            }
            return out;
          }
        });
  }

  /**
   * Creates or changes a named target.
   *
   * @return true if it was created
   */
  public boolean putTarget(Target target) {
    return db.inTransaction(
        c -> {
          int changed =
              update(
                  c,
                  "UPDATE targets SET destination = ? WHERE tenant_id = ? AND name = ?",
                  target.destination(),
                  target.tenantId(),
                  target.name());
          if (changed == 0) {
            update(
                c,
                "INSERT INTO targets (tenant_id, name, destination) VALUES (?, ?, ?)",
                target.tenantId(),
                target.name(),
                target.destination());
          }
          return changed == 0;
        });
  }

  /** Deletes a named target; false if there was none. */
  public boolean deleteTarget(String tenantId, String name) {
    return db.inTransaction(
        c -> update(c, "DELETE FROM targets WHERE tenant_id = ? AND name = ?", tenantId, name) > 0);
  }

  public boolean tenantExists(String tenantId) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM tenants WHERE id = ?")) {
            ps.setString(1, tenantId);
            return ps.executeQuery().next();
          }
        });
  }

  /** Runs an INSERT, UPDATE or DELETE with string parameters; answers the rows it changed. */
  static int update(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }
}
