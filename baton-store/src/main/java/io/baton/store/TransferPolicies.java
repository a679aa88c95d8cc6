package io.baton.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each tenant's {@link TransferPolicy} (migration V8): a row of limits and its three lists, in the
 * order given. A tenant without a row is held to {@link TransferPolicy#DEFAULT}.
 */
public final class TransferPolicies {
  private static final String NUMBERS = "numbers";
  private static final String NUMBER_TYPES = "number-types";
  private static final String SIP_DOMAINS = "sip-domains";

  private final Database db;

  public TransferPolicies(Database db) {
    this.db = db;
  }

  /** The tenant's own policy, if it has one. */
  public Optional<TransferPolicy> find(String tenant) {
    return db.withConnection(c -> find(c, tenant));
  }

  /** The policy {@code tenant}'s transfers are held to: its own, or the default. */
  public TransferPolicy of(String tenant) {
    return find(tenant).orElse(TransferPolicy.DEFAULT);
  }

  /**
   * Gives {@code tenant} {@code policy} (checked already), replacing the one it had.
   *
   * @return true if the tenant had none
   */
  public boolean put(String tenant, TransferPolicy policy) {
    return db.inTransaction(
        c -> {
          boolean had = find(c, tenant).isPresent();
          write(c, tenant, policy, had);
          return !had;
        });
  }

  /** Takes the tenant's own policy away (it gets the default); false if it had none. */
  public boolean delete(String tenant) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM transfer_policies WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            return ps.executeUpdate() > 0; // its lists go with it (ON DELETE CASCADE)
          }
        });
  }

  /**
   * Writes the seed's policy unless the tenant has exactly it already.
   *
   * @return 1 if it was written, else 0
   */
  static int seed(Connection c, String tenant, TransferPolicy policy) throws SQLException {
    Optional<TransferPolicy> stored = find(c, tenant);
    if (stored.isPresent() && stored.get().equals(policy)) {
      return 0;
    }
    write(c, tenant, policy, stored.isPresent());
    return 1;
  }

  private static Optional<TransferPolicy> find(Connection c, String tenant) throws SQLException {
    BigDecimal maxRate;
    int perMinute;
    int inFlight;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT max_rate_per_minute, max_transfers_per_minute, max_transfers_in_flight"
                + " FROM transfer_policies WHERE tenant_id = ?")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        maxRate = rs.getBigDecimal(1);
        perMinute = rs.getInt(2);
        inFlight = rs.getInt(3);
      }
    }
    Map<String, List<String>> lists = new LinkedHashMap<>();
    for (String list : List.of(NUMBERS, NUMBER_TYPES, SIP_DOMAINS)) {
      lists.put(list, new ArrayList<>());
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT list_name, entry FROM transfer_policy_allows WHERE tenant_id = ?"
                + " ORDER BY list_name, seq")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lists.get(rs.getString(1)).add(rs.getString(2));
        }
      }
    }
    return Optional.of(
        new TransferPolicy(
            lists.get(NUMBERS),
            lists.get(NUMBER_TYPES),
            lists.get(SIP_DOMAINS),
            maxRate,
            perMinute,
            inFlight));
  }

  private static void write(Connection c, String tenant, TransferPolicy p, boolean had)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            had
                ? "UPDATE transfer_policies SET max_rate_per_minute = ?,"
                    + " max_transfers_per_minute = ?, max_transfers_in_flight = ?"
                    + " WHERE tenant_id = ?"
                : "INSERT INTO transfer_policies (max_rate_per_minute, max_transfers_per_minute,"
                    + " max_transfers_in_flight, tenant_id) VALUES (?, ?, ?, ?)")) {
      if (p.maxRatePerMinute() == null) {
        ps.setNull(1, Types.DECIMAL);
      } else {
        ps.setBigDecimal(1, p.maxRatePerMinute());
      }
      ps.setInt(2, p.maxTransfersPerMinute());
      ps.setInt(3, p.maxTransfersInFlight());
      ps.setString(4, tenant);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM transfer_policy_allows WHERE tenant_id = ?")) {
      ps.setString(1, tenant);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO transfer_policy_allows (tenant_id, list_name, seq, entry)"
                + " VALUES (?, ?, ?, ?)")) {
      add(ps, tenant, NUMBERS, p.allowedNumbers());
      add(ps, tenant, NUMBER_TYPES, p.allowedNumberTypes());
      add(ps, tenant, SIP_DOMAINS, p.allowedSipDomains());
      ps.executeBatch();
    }
  }

  private static void add(PreparedStatement ps, String tenant, String list, List<String> entries)
      throws SQLException {
    for (int i = 0; i < entries.size(); i++) {
      ps.setString(1, tenant);
      ps.setString(2, list);
      ps.setInt(3, i + 1);
      ps.setString(4, entries.get(i));
      ps.addBatch();
    }
  }
}
