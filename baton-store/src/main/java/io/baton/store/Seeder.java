package io.baton.store;

import io.baton.routing.Rate;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link SeedData} to the database: inserts what is missing and updates what the seed
 * changed (a tenant's webhook included, its secret sealed), in one transaction, so running it on
 * every start is safe. Rows the seed does not mention are left alone, as are values it does not
 * carry (whether a DID or carrier is enabled, an API key's label, a carrier's caller identity when
 * the seed names none). Plain SELECT/INSERT/UPDATE, so the same code runs on H2 and PostgreSQL.
 */
public final class Seeder {
  private static final Logger LOG = LoggerFactory.getLogger(Seeder.class);

  private Seeder() {}

  /** Applies a seed that has no webhooks (it needs no master key). */
  public static int apply(Database db, SeedData seed) {
    return apply(
        db,
        seed,
        () -> {
          throw new IllegalArgumentException(
              "seed: a tenant's webhook secret is sealed with transfer.secrets: configure it");
        });
  }

  /**
   * Applies {@code seed}.
   *
   * @param secrets seals webhook secrets (asked only if the seed has a webhook)
   * @return the number of rows inserted or changed (0 when the database already holds the seed)
   */
  public static int apply(Database db, SeedData seed, Supplier<SecretCipher> secrets) {
    int written =
        db.inTransaction(
            c -> {
              int n = 0;
              for (TenantSeed t : seed.tenants()) {
                n += tenant(c, t, secrets);
              }
              for (String key : seed.adminKeys()) {
                n += apiKey(c, key, null, true);
              }
              for (CarrierSeed carrier : seed.carriers()) {
                n += carrier(c, carrier);
              }
              return n;
            });
    LOG.info(
        "seed applied: {} tenants, {} carriers, {} rows written",
        seed.tenants().size(),
        seed.carriers().size(),
        written);
    return written;
  }

  private static int tenant(Connection c, TenantSeed t, Supplier<SecretCipher> secrets)
      throws SQLException {
    int n = upsert(c, "tenants", List.of(col("id", t.id())), List.of(col("name", t.name())));
    for (String key : t.apiKeys()) {
      n += apiKey(c, key, t.id(), false);
    }
    for (Map.Entry<String, String> target : t.targets().entrySet()) {
      n +=
          upsert(
              c,
              "targets",
              List.of(col("tenant_id", t.id()), col("name", target.getKey())),
              List.of(col("destination", target.getValue())));
    }
    for (DidSeed d : t.dids()) {
      n +=
          upsert(
              c,
              "dids",
              List.of(col("did", d.did())),
              List.of(col("tenant_id", t.id()), col("redirect_to", d.redirectTo())));
    }
    if (t.webhook() != null) {
      n += webhook(c, t.id(), t.webhook(), secrets.get());
    }
    if (t.transferPolicy() != null) {
      n += TransferPolicies.seed(c, t.id(), t.transferPolicy());
    }
    return n;
  }

  /**
   * Writes the tenant's webhook with its secret sealed, unless the row already holds that URL and
   * that secret sealed under the current key (a seal differs every time, so values are compared
   * opened).
   */
  private static int webhook(Connection c, String tenant, WebhookSeed webhook, SecretCipher cipher)
      throws SQLException {
    String context = WebhookSeed.sealContext(tenant);
    try (PreparedStatement find =
        c.prepareStatement("SELECT url, secret, secret_key_id FROM webhooks WHERE tenant_id = ?")) {
      find.setString(1, tenant);
      try (ResultSet rs = find.executeQuery()) {
        if (rs.next()
            && rs.getString(1).equals(webhook.url())
            && cipher.currentKeyId().equals(rs.getString(3))
            && webhook.secret().equals(opened(cipher, rs.getString(3), rs.getString(2), context))) {
          return 0;
        }
      }
    }
    SecretCipher.Sealed sealed = cipher.seal(webhook.secret(), context);
    return upsert(
        c,
        "webhooks",
        List.of(col("tenant_id", tenant)),
        List.of(
            col("url", webhook.url()),
            col("secret", sealed.text()),
            col("secret_key_id", sealed.keyId())));
  }

  private static int apiKey(Connection c, String key, String tenantId, boolean admin)
      throws SQLException {
    return upsert(
        c,
        "api_keys",
        List.of(col("key_hash", ApiKeys.hash(key))),
        List.of(col("tenant_id", tenantId), col("admin", admin)));
  }

  private static int carrier(Connection c, CarrierSeed carrier) throws SQLException {
    List<Col> values = new ArrayList<>();
    // Choices the seed leaves out keep the database's (the column default for a new carrier).
    if (carrier.callerId() != null) {
      values.add(col("caller_id", carrier.callerId()));
    }
    if (carrier.redirectInfo() != null) {
      values.add(col("redirect_info", carrier.redirectInfo()));
    }
    if (carrier.transport() != null) {
      values.add(col("transport", carrier.transport()));
    }
    if (carrier.weight() != null) {
      values.add(col("weight", carrier.weight()));
    }
    if (carrier.maxCalls() != null) {
      values.add(col("max_calls", carrier.maxCalls()));
    }
    int n = upsert(c, "carriers", List.of(col("name", carrier.name())), values);
    if (!carrier.allGateways().equals(gateways(c, carrier.name()))) {
      Carriers.putGateways(c, carrier.name(), carrier.allGateways());
      n++;
    }
    int rates = 0;
    int deck = RateDecks.currentDeck(c, carrier.name(), false);
    for (Map.Entry<String, BigDecimal> rate : carrier.rates().entrySet()) {
      rates +=
          upsert(
              c,
              "rate_deck",
              List.of(
                  col("carrier", carrier.name()),
                  col("deck", deck),
                  col("prefix", rate.getKey()),
                  col("effective_date", Rate.ALWAYS)),
              List.of(col("rate_per_minute", rate.getValue())));
    }
    if (rates > 0) {
      RateDecks.bumpVersion(c);
    }
    return n + rates;
  }

  private static List<String> gateways(Connection c, String carrier) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT address FROM carrier_gateways WHERE carrier = ? ORDER BY seq")) {
      ps.setString(1, carrier);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  /** The secret sealed in a row, or null if it does not open (the seed's then replaces it). */
  private static String opened(SecretCipher cipher, String keyId, String text, String context) {
    try {
      return cipher.open(new SecretCipher.Sealed(keyId, text), context);
    } catch (IllegalStateException e) {
      LOG.warn(
          "seed: a stored webhook secret does not open ({}); the seed's replaces it",
          e.getMessage());
      return null;
    }
  }

  /** A column and the value the seed wants in it. */
  private record Col(String name, Object value) {}

  private static Col col(String name, Object value) {
    return new Col(name, value);
  }

  /**
   * Inserts the row identified by {@code key}, or updates its {@code values} where they differ.
   *
   * @return 1 if a row was inserted or changed, else 0
   */
  private static int upsert(Connection c, String table, List<Col> key, List<Col> values)
      throws SQLException {
    String where = key.stream().map(k -> k.name() + " = ?").collect(Collectors.joining(" AND "));
    try (PreparedStatement find =
        c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + where)) {
      bind(find, key);
      try (ResultSet rs = find.executeQuery()) {
        if (!rs.next()) {
          List<Col> all = new ArrayList<>(key);
          all.addAll(values);
          String columns = all.stream().map(Col::name).collect(Collectors.joining(", "));
          String marks = all.stream().map(col -> "?").collect(Collectors.joining(", "));
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")")) {
            bind(insert, all);
            return insert.executeUpdate();
          }
        }
      }
    }
    if (values.isEmpty()) {
      return 0;
    }
    String set = values.stream().map(v -> v.name() + " = ?").collect(Collectors.joining(", "));
    String differs =
        values.stream()
            .map(v -> v.name() + " IS DISTINCT FROM ?")
            .collect(Collectors.joining(" OR "));
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE " + table + " SET " + set + " WHERE " + where + " AND (" + differs + ")")) {
      List<Col> params = new ArrayList<>(values);
      params.addAll(key);
      params.addAll(values);
      bind(update, params);
      return update.executeUpdate();
    }
  }

  private static void bind(PreparedStatement ps, List<Col> cols) throws SQLException {
    for (int i = 0; i < cols.size(); i++) {
      int at = i + 1;
      switch (cols.get(i).value()) {
        case null -> ps.setNull(at, Types.VARCHAR);
        case String s -> ps.setString(at, s);
        case Boolean b -> ps.setBoolean(at, b);
        case BigDecimal d -> ps.setBigDecimal(at, d);
        case Integer n -> ps.setInt(at, n);
        case LocalDate day -> ps.setDate(at, java.sql.Date.valueOf(day));
        default -> throw new IllegalArgumentException("unexpected value for " + cols.get(i).name());
      }
    }
  }
}
