package io.baton.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Tenants, the DIDs they own and the named targets they may transfer to. */
public final class Directory {
  private final Database db;

  public Directory(Database db) {
    this.db = db;
  }

  public Optional<Did> did(String e164) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT did, tenant_id, redirect_to, on_arrival, enabled FROM dids WHERE did = ?")) {
            ps.setString(1, e164);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(did(rs)) : Optional.<Did>empty();
            }
          }
        });
  }

  /** Every DID (all tenants), for the redirect server's in-memory table. */
  public List<Did> dids() {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT did, tenant_id, redirect_to, on_arrival, enabled FROM dids");
              ResultSet rs = ps.executeQuery()) {
            List<Did> out = new ArrayList<>();
            while (rs.next()) {
              out.add(did(rs));
            }
            return out;
          }
        });
  }

  /** The tenant owning {@code e164}, if any. */
  public Optional<String> tenantOf(String e164) {
    return did(e164).map(Did::tenantId);
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

  public boolean tenantExists(String tenantId) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM tenants WHERE id = ?")) {
            ps.setString(1, tenantId);
            return ps.executeQuery().next();
          }
        });
  }

  private static Did did(ResultSet rs) throws SQLException {
    return new Did(
        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5));
  }
}
