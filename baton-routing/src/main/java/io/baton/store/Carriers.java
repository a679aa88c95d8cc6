package io.baton.store;

import io.baton.routing.CallerId;
import io.baton.routing.Carrier;
import io.baton.routing.Rate;
import io.baton.routing.RedirectInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Carriers and their per-minute rates, as least-cost routing reads them. */
public final class Carriers {
  private final Database db;

  public Carriers(Database db) {
    this.db = db;
  }

  /** Every carrier, enabled or not, by name. */
  public List<Carrier> carriers() {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT name, gateway, enabled, caller_id, redirect_info FROM carriers"
                          + " ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            List<Carrier> out = new ArrayList<>();
            while (rs.next()) {
              String name = rs.getString(1);
              String callerId = rs.getString(4);
              String redirectInfo = rs.getString(5);
              out.add(
                  new Carrier(
                      name,
                      rs.getString(2),
                      rs.getBoolean(3),
                      CallerId.fromWire(callerId)
                          .orElseThrow(() -> unknown(name, "caller_id", callerId)),
                      RedirectInfo.fromWire(redirectInfo)
                          .orElseThrow(() -> unknown(name, "redirect_info", redirectInfo))));
            }
            return out;
          }
        });
  }

  /** A value the schema's CHECK constraints keep out, in a database someone else changed. */
  private static StoreException unknown(String carrier, String column, String value) {
    return new StoreException("carrier " + carrier + ": unknown " + column + " '" + value + "'");
  }

  /** Every rate of every carrier, by carrier and prefix. */
  public List<Rate> rates() {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT carrier, prefix, rate_per_minute FROM carrier_rates"
                          + " ORDER BY carrier, prefix");
              ResultSet rs = ps.executeQuery()) {
            List<Rate> out = new ArrayList<>();
            while (rs.next()) {
              out.add(new Rate(rs.getString(1), rs.getString(2), rs.getBigDecimal(3)));
            }
            return out;
          }
        });
  }
}
