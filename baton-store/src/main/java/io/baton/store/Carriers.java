package io.baton.store;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.routing.Carrier;
import io.baton.routing.Transport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Carriers with their gateways, as least-cost routing and the admin API read and write them. */
public final class Carriers {
  private final Database db;

  public Carriers(Database db) {
    this.db = db;
  }

  /** Every carrier, enabled or not, by name. */
  public List<Carrier> carriers() {
    return db.withConnection(c -> carriers(c, null));
  }

  public Optional<Carrier> carrier(String name) {
    return db.withConnection(c -> carriers(c, name).stream().findFirst());
  }

  private static List<Carrier> carriers(Connection c, String only) throws SQLException {
    String where = only == null ? "" : " WHERE carrier = ?";
    Map<String, List<String>> gateways = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT carrier, address FROM carrier_gateways" + where + " ORDER BY carrier, seq")) {
      if (only != null) {
        ps.setString(1, only);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          gateways.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    List<Carrier> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name, transport, enabled, weight, max_calls, caller_id, redirect_info"
                + " FROM carriers"
                + (only == null ? "" : " WHERE name = ?")
                + " ORDER BY name")) {
      if (only != null) {
        ps.setString(1, only);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          int maxCalls = rs.getInt(5);
          Integer limit = rs.wasNull() ? null : maxCalls;
          out.add(
              new Carrier(
                  name,
                  gateways.getOrDefault(name, List.of()),
                  parsed(name, "transport", rs.getString(2), Transport::fromWire),
                  rs.getBoolean(3),
                  rs.getInt(4),
                  limit,
                  parsed(name, "caller_id", rs.getString(6), CallerId::fromWire),
                  parsed(name, "redirect_info", rs.getString(7), RedirectInfo::fromWire)));
        }
      }
    }
    return out;
  }

  /** A column's value as its enum; the schema's CHECK constraints keep others out. */
  private static <T> T parsed(
      String carrier,
      String column,
      String value,
      java.util.function.Function<String, Optional<T>> of) {
    return of.apply(value)
        .orElseThrow(
            () ->
                new StoreException(
                    "carrier " + carrier + ": unknown " + column + " '" + value + "'"));
  }

  /**
   * Creates or replaces {@code carrier} and its gateways (its rate deck stays).
   *
   * @return true if it was created
   */
  public boolean put(Carrier carrier) {
    return db.inTransaction(
        c -> {
          boolean exists;
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM carriers WHERE name = ?")) {
            ps.setString(1, carrier.name());
            exists = ps.executeQuery().next();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  exists
                      ? "UPDATE carriers SET transport = ?, enabled = ?, weight = ?, max_calls = ?,"
                          + " caller_id = ?, redirect_info = ? WHERE name = ?"
                      : "INSERT INTO carriers (transport, enabled, weight, max_calls, caller_id,"
                          + " redirect_info, name) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, carrier.transport().wire());
            ps.setBoolean(2, carrier.enabled());
            ps.setInt(3, carrier.weight());
            if (carrier.maxCalls() == null) {
              ps.setNull(4, Types.INTEGER);
            } else {
              ps.setInt(4, carrier.maxCalls());
            }
            ps.setString(5, carrier.callerId().wire());
            ps.setString(6, carrier.redirectInfo().wire());
            ps.setString(7, carrier.name());
            ps.executeUpdate();
          }
          putGateways(c, carrier.name(), carrier.gateways());
          return !exists;
        });
  }

  /** Replaces the gateways of {@code carrier} with {@code gateways}, in order. */
  static void putGateways(Connection c, String carrier, List<String> gateways) throws SQLException {
    Directory.update(c, "DELETE FROM carrier_gateways WHERE carrier = ?", carrier);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO carrier_gateways (carrier, seq, address) VALUES (?, ?, ?)")) {
      for (int i = 0; i < gateways.size(); i++) {
        ps.setString(1, carrier);
        ps.setInt(2, i + 1);
        ps.setString(3, gateways.get(i));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Deletes a carrier with its gateways and rate deck; false if there was none. */
  public boolean delete(String name) {
    return db.inTransaction(
        c -> {
          boolean deleted = Directory.update(c, "DELETE FROM carriers WHERE name = ?", name) > 0;
          if (deleted) {
            RateDecks.bumpVersion(c);
          }
          return deleted;
        });
  }
}
