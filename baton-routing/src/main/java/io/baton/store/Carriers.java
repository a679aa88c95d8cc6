package io.baton.store;

import io.baton.routing.Carrier;
import io.baton.routing.Rate;
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
                  c.prepareStatement("SELECT name, gateway, enabled FROM carriers ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            List<Carrier> out = new ArrayList<>();
            while (rs.next()) {
              out.add(new Carrier(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
            }
            return out;
          }
        });
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
