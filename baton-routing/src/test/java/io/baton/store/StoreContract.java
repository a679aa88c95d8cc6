package io.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.routing.CallerId;
import io.baton.routing.Carrier;
import io.baton.routing.CarrierRoute;
import io.baton.routing.LeastCostRouter;
import io.baton.routing.Rate;
import io.baton.routing.RedirectInfo;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The repositories, the seeder and the migration, against one database engine: every subclass runs
 * the same tests on a fresh database of its own (H2, PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract {
  /** Tables in an order that deletes children before parents. */
  private static final List<String> TABLES =
      List.of(
          "idempotency_keys",
          "transfer_targets",
          "transfer_history",
          "transfers",
          "webhook_outbox",
          "webhooks",
          "carrier_rates",
          "carriers",
          "targets",
          "dids",
          "api_keys",
          "tenants");

  Database db;

  /** Why this engine cannot be tested here (e.g. not reachable), or null if it can. */
  abstract String unavailable();

  /** Creates a fresh, empty database (or schema) for this test class; returns {@link #config()}. */
  abstract DatabaseConfig createDatabase();

  /** Where the database {@link #createDatabase()} created is, to open more pools on it. */
  abstract DatabaseConfig config();

  /** Removes what {@link #createDatabase()} created, after {@link #db} is closed. */
  abstract void dropDatabase();

  private String skipReason;

  @BeforeAll
  void open() {
    skipReason = unavailable();
    if (skipReason == null) {
      db = Database.open(createDatabase());
    }
  }

  @AfterAll
  void close() {
    if (db != null) {
      db.close();
      dropDatabase();
    }
  }

  /** Skips each test (with the reason) on an unavailable engine; else starts it on empty tables. */
  @BeforeEach
  void empty() {
    Assumptions.assumeTrue(skipReason == null, skipReason);
    db.inTransaction(
        c -> {
          try (Statement s = c.createStatement()) {
            for (String table : TABLES) {
              s.executeUpdate("DELETE FROM " + table);
            }
          }
          return null;
        });
  }

  static final SeedData LAB_SEED =
      new SeedData(
          List.of("admin-demo-key"),
          List.of(
              new TenantSeed(
                  "acme",
                  "ACME Corp",
                  List.of("acme-demo-key"),
                  List.of(
                      new DidSeed("+18005550100", "+13125550100", null),
                      new DidSeed("+18005550101", "+13125550100", "target:support")),
                  Map.of("sales", "+16465550111", "support", "sip:support@127.0.0.1:5131")),
              new TenantSeed(
                  "globex",
                  "Globex Inc",
                  List.of("globex-demo-key"),
                  List.of(new DidSeed("+18005550199", "+13125550199", null)),
                  Map.of())),
          List.of(
              new CarrierSeed(
                  "cheapnet",
                  "127.0.0.1:5120",
                  Map.of("+1646", new BigDecimal("0.0040")),
                  "did",
                  "diversion"),
              new CarrierSeed(
                  "pricey",
                  "127.0.0.1:5120",
                  Map.of("+1646", new BigDecimal("0.0120")),
                  "keep",
                  "history-info")));

  void sql(String statement) {
    db.withConnection(
        c -> {
          try (Statement s = c.createStatement()) {
            return s.executeUpdate(statement);
          }
        });
  }

  /** Every row of every table, as text, for before/after comparisons. */
  List<String> everything() {
    return db.withConnection(
        c -> {
          List<String> rows = new ArrayList<>();
          for (String table : TABLES) {
            try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
              ResultSetMetaData md = rs.getMetaData();
              TreeSet<String> sorted = new TreeSet<>();
              while (rs.next()) {
                StringBuilder row = new StringBuilder(table);
                for (int i = 1; i <= md.getColumnCount(); i++) {
                  row.append('|').append(rs.getString(i));
                }
                sorted.add(row.toString());
              }
              rows.addAll(sorted);
            }
          }
          return rows;
        });
  }

  @Nested
  class Migration {
    @Test
    void createsEveryTableInTheConnectionsSchema() {
      List<String> tables =
          db.withConnection(
              c -> {
                List<String> names = new ArrayList<>();
                try (ResultSet rs =
                    c.getMetaData()
                        .getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                  while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
                  }
                }
                return names;
              });
      assertThat(tables).containsAll(TABLES).contains("flyway_schema_history");
    }

    @Test
    void reopeningAMigratedDatabaseKeepsItsDataAndAppliesNothing() {
      sql("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Corp')");
      List<String> before = appliedMigrations(db);
      assertThat(before).startsWith("1", "2", "3");
      try (Database again = Database.open(config())) {
        assertThat(new Directory(again).tenantExists("acme")).isTrue();
        assertThat(appliedMigrations(again)).isEqualTo(before);
      }
    }

    @Test
    void idempotencyKeysAreUniquePerTenant() {
      sql(
          "INSERT INTO transfers (id, call_id, tenant_id, to_text, destination, transfer_mode,"
              + " timeout_seconds, state, created_at, updated_at) VALUES ('t-1', 'c-1', 'acme',"
              + " '+16465550111', 'tel:+16465550111', 'blind', 30, 'requested',"
              + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
      String key =
          "INSERT INTO idempotency_keys (tenant_id, idem_key, request_hash, transfer_id, response,"
              + " created_at) VALUES ('%s', 'k-1', '%s', 't-1', '{}', CURRENT_TIMESTAMP)";
      sql(key.formatted("acme", "a".repeat(64)));
      sql(key.formatted("globex", "a".repeat(64)));

      assertThatThrownBy(() -> sql(key.formatted("acme", "b".repeat(64))))
          .isInstanceOf(StoreException.class);
    }

    @Test
    void transfersFromBeforeFallbackDefaultToStayAndTheirFirstAttempt() {
      sql(
          "INSERT INTO transfers (id, call_id, tenant_id, to_text, destination, transfer_mode,"
              + " timeout_seconds, state, created_at, updated_at) VALUES ('t-1', 'c-1', 'acme',"
              + " '+16465550111', 'tel:+16465550111', 'blind', 30, 'requested',"
              + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");

      String row =
          db.withConnection(
              c -> {
                try (Statement s = c.createStatement();
                    ResultSet rs =
                        s.executeQuery("SELECT on_fail, attempt FROM transfers WHERE id = 't-1'")) {
                  rs.next();
                  return rs.getString(1) + "/" + rs.getInt(2);
                }
              });
      assertThat(row).isEqualTo("stay/1");
    }

    @Test
    void aCarrierPresentsTransferredCallsUnchangedUnlessToldAndOnlyAsTheSchemaAllows() {
      sql("INSERT INTO carriers (name, gateway) VALUES ('plain', '127.0.0.1:5120')");

      assertThat(new Carriers(db).carriers())
          .containsExactly(
              new Carrier("plain", "127.0.0.1:5120", true, CallerId.KEEP, RedirectInfo.NONE));
      assertThatThrownBy(() -> sql("UPDATE carriers SET caller_id = 'anonymous'"))
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> sql("UPDATE carriers SET redirect_info = 'History-Info'"))
          .isInstanceOf(StoreException.class);
    }

    @Test
    void refusesADidOfAnUnknownTenant() {
      assertThatThrownBy(
              () ->
                  sql(
                      "INSERT INTO dids (did, tenant_id, redirect_to) VALUES ('+18005550100',"
                          + " 'nobody', '+13125550100')"))
          .isInstanceOf(StoreException.class);
    }
  }

  @Nested
  class ApiKeysRepository {
    final ApiKeys keys = new ApiKeys(db);

    @BeforeEach
    void tenants() {
      sql("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Corp'), ('globex', 'Globex')");
    }

    @Test
    void aTenantKeyActsForItsTenantAndAnAdminKeyForAll() {
      keys.add("acme-key", "acme", false, "test");
      keys.add("admin-key", null, true, "test");

      assertThat(keys.authenticate("acme-key")).contains(Principal.tenant("acme"));
      assertThat(keys.authenticate("admin-key")).contains(Principal.administrator());
      assertThat(keys.authenticate("acme-key").orElseThrow().mayAct("globex")).isFalse();
    }

    @Test
    void unknownOrBlankKeysAuthenticateNobody() {
      keys.add("acme-key", "acme", false, "test");

      assertThat(keys.authenticate("acme-KEY")).isEmpty();
      assertThat(keys.authenticate("")).isEmpty();
      assertThat(keys.authenticate(null)).isEmpty();
    }

    @Test
    void keysAreStoredOnlyAsHashes() {
      keys.add("acme-key", "acme", false, "test");

      assertThat(everything()).noneMatch(row -> row.contains("acme-key"));
      assertThat(everything()).anyMatch(row -> row.contains(ApiKeys.hash("acme-key")));
    }

    @Test
    void addingAKnownKeyAgainKeepsTheFirstOwner() {
      keys.add("shared", "acme", false, "first");
      keys.add("shared", "globex", false, "second");

      assertThat(keys.authenticate("shared")).contains(Principal.tenant("acme"));
    }
  }

  @Nested
  class DirectoryRepository {
    final Directory directory = new Directory(db);

    @BeforeEach
    void data() {
      sql("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Corp'), ('globex', 'Globex')");
      sql(
          "INSERT INTO dids (did, tenant_id, redirect_to, on_arrival) VALUES"
              + " ('+18005550100', 'acme', '+13125550100', NULL),"
              + " ('+18005550101', 'acme', 'sip:ivr@127.0.0.1:5100', 'target:support')");
      sql(
          "INSERT INTO dids (did, tenant_id, redirect_to, enabled) VALUES"
              + " ('+18005550199', 'globex', '+13125550199', FALSE)");
      sql(
          "INSERT INTO targets (tenant_id, name, destination) VALUES"
              + " ('acme', 'sales', '+16465550111'), ('acme', 'support', 'sip:support@127.0.0.1:5131')");
    }

    @Test
    void findsADidWithWhereItGoes() {
      assertThat(directory.did("+18005550101"))
          .contains(
              new Did("+18005550101", "acme", "sip:ivr@127.0.0.1:5100", "target:support", true));
      assertThat(directory.did("+18005550199").orElseThrow().enabled()).isFalse();
      assertThat(directory.did("+19999999999")).isEmpty();
    }

    @Test
    void listsEveryDidOfEveryTenant() {
      assertThat(directory.dids())
          .extracting(Did::did)
          .containsExactlyInAnyOrder("+18005550100", "+18005550101", "+18005550199");
    }

    @Test
    void knowsWhoOwnsADid() {
      assertThat(directory.tenantOf("+18005550199")).contains("globex");
      assertThat(directory.tenantOf("+19999999999")).isEmpty();
      assertThat(directory.tenantExists("acme")).isTrue();
      assertThat(directory.tenantExists("initech")).isFalse();
    }

    @Test
    void resolvesOnlyTheTenantsOwnTargets() {
      assertThat(directory.target("acme", "support")).contains("sip:support@127.0.0.1:5131");
      assertThat(directory.target("acme", "billing")).isEmpty();
      assertThat(directory.target("globex", "sales")).isEmpty();
    }
  }

  @Nested
  class CarriersRepository {
    final Carriers carriers = new Carriers(db);

    @BeforeEach
    void data() {
      sql(
          "INSERT INTO carriers (name, gateway) VALUES"
              + " ('pricey', '127.0.0.1:5120'), ('cheapnet', '127.0.0.1:5121')");
      sql(
          "INSERT INTO carriers (name, gateway, enabled, caller_id, redirect_info) VALUES"
              + " ('broken', '127.0.0.1:5122', FALSE, 'did', 'history-info')");
      sql(
          "INSERT INTO carrier_rates (carrier, prefix, rate_per_minute) VALUES"
              + " ('pricey', '+1646', 0.0120), ('cheapnet', '+1646', 0.004),"
              + " ('cheapnet', '+1', 0.000125), ('broken', '+1646', 0.0001)");
    }

    @Test
    void loadsCarriersWithTheirState() {
      assertThat(carriers.carriers())
          .containsExactly(
              new Carrier(
                  "broken", "127.0.0.1:5122", false, CallerId.DID, RedirectInfo.HISTORY_INFO),
              new Carrier("cheapnet", "127.0.0.1:5121", true, CallerId.KEEP, RedirectInfo.NONE),
              new Carrier("pricey", "127.0.0.1:5120", true, CallerId.KEEP, RedirectInfo.NONE));
    }

    @Test
    void loadsRatesWithoutLosingDecimals() {
      List<Rate> rates = carriers.rates();
      assertThat(rates)
          .extracting(Rate::carrier, Rate::prefix)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("broken", "+1646"),
              org.assertj.core.groups.Tuple.tuple("cheapnet", "+1"),
              org.assertj.core.groups.Tuple.tuple("cheapnet", "+1646"),
              org.assertj.core.groups.Tuple.tuple("pricey", "+1646"));
      assertThat(rates.get(1).perMinute()).isEqualByComparingTo("0.000125");
    }

    @Test
    void whatItLoadsIsWhatLeastCostRoutingNeeds() {
      List<CarrierRoute> routes =
          LeastCostRouter.routes("+16465550111", carriers.carriers(), carriers.rates());

      assertThat(routes).extracting(CarrierRoute::carrier).containsExactly("cheapnet", "pricey");
      assertThat(routes.get(0).gateway()).isEqualTo("127.0.0.1:5121");
      assertThat(routes.get(0).perMinute()).isEqualByComparingTo("0.004");
    }
  }

  @Nested
  class SeederOnThisDatabase {
    @Test
    void theLabSeedLands() {
      Seeder.apply(db, LAB_SEED);

      ApiKeys keys = new ApiKeys(db);
      assertThat(keys.authenticate("acme-demo-key")).contains(Principal.tenant("acme"));
      assertThat(keys.authenticate("globex-demo-key")).contains(Principal.tenant("globex"));
      assertThat(keys.authenticate("admin-demo-key")).contains(Principal.administrator());
      Directory directory = new Directory(db);
      assertThat(directory.did("+18005550101"))
          .contains(new Did("+18005550101", "acme", "+13125550100", "target:support", true));
      assertThat(directory.did("+18005550100").orElseThrow().onArrival()).isNull();
      assertThat(directory.target("acme", "sales")).contains("+16465550111");
      Carriers carriers = new Carriers(db);
      assertThat(LeastCostRouter.routes("+16465550111", carriers.carriers(), carriers.rates()))
          .extracting(CarrierRoute::carrier, CarrierRoute::callerId, CarrierRoute::redirectInfo)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("cheapnet", CallerId.DID, RedirectInfo.DIVERSION),
              org.assertj.core.groups.Tuple.tuple(
                  "pricey", CallerId.KEEP, RedirectInfo.HISTORY_INFO));
    }

    @Test
    void runningItAgainChangesNothing() {
      int first = Seeder.apply(db, LAB_SEED);
      List<String> before = everything();

      int second = Seeder.apply(db, LAB_SEED);

      assertThat(first).isEqualTo(14);
      assertThat(second).isZero();
      assertThat(everything()).isEqualTo(before);
    }

    @Test
    void changedValuesAreUpdated() {
      Seeder.apply(db, LAB_SEED);
      SeedData changed =
          new SeedData(
              List.of("admin-demo-key"),
              List.of(
                  new TenantSeed(
                      "acme",
                      "ACME Corporation",
                      List.of("acme-demo-key", "globex-demo-key"),
                      List.of(new DidSeed("+18005550101", "sip:ivr@127.0.0.1:5100", null)),
                      Map.of("support", "+16465550112"))),
              List.of(
                  new CarrierSeed(
                      "pricey",
                      "127.0.0.1:5125",
                      Map.of("+1646", new BigDecimal("0.0020")),
                      "did",
                      null)));

      int written = Seeder.apply(db, changed);

      // tenant name, the moved key, DID redirect and on-arrival (one row), target, carrier
      // (gateway and caller ID: one row), rate
      assertThat(written).isEqualTo(6);
      assertThat(new ApiKeys(db).authenticate("globex-demo-key"))
          .contains(Principal.tenant("acme"));
      assertThat(new Directory(db).did("+18005550101"))
          .contains(new Did("+18005550101", "acme", "sip:ivr@127.0.0.1:5100", null, true));
      assertThat(new Directory(db).target("acme", "support")).contains("+16465550112");
      Carriers carriers = new Carriers(db);
      assertThat(LeastCostRouter.routes("+16465550111", carriers.carriers(), carriers.rates()))
          .extracting(CarrierRoute::carrier, CarrierRoute::gateway)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("pricey", "127.0.0.1:5125"),
              org.assertj.core.groups.Tuple.tuple("cheapnet", "127.0.0.1:5120"));
      // what the seed no longer mentions stays, the redirect header the changed carrier left out
      // too
      assertThat(new Directory(db).did("+18005550100")).isPresent();
      assertThat(carriers.carriers())
          .contains(
              new Carrier(
                  "pricey", "127.0.0.1:5125", true, CallerId.DID, RedirectInfo.HISTORY_INFO));
    }

    @Test
    void leavesSwitchesTheSeedDoesNotCarryAlone() {
      Seeder.apply(db, LAB_SEED);
      sql("UPDATE dids SET enabled = FALSE WHERE did = '+18005550100'");
      sql("UPDATE carriers SET enabled = FALSE WHERE name = 'pricey'");

      assertThat(Seeder.apply(db, LAB_SEED)).isZero();

      assertThat(new Directory(db).did("+18005550100").orElseThrow().enabled()).isFalse();
      assertThat(new Carriers(db).carriers())
          .contains(
              new Carrier(
                  "pricey", "127.0.0.1:5120", false, CallerId.KEEP, RedirectInfo.HISTORY_INFO));
    }

    @Test
    void aTenantsWebhookIsWrittenAndUpdated() {
      TenantSeed acme = LAB_SEED.tenants().get(0);
      SeedData withWebhook =
          new SeedData(
              List.of(),
              List.of(
                  new TenantSeed(
                      acme.id(),
                      acme.name(),
                      acme.apiKeys(),
                      acme.dids(),
                      acme.targets(),
                      new WebhookSeed("http://127.0.0.1:9000/baton", "lab-webhook-secret-1"))),
              List.of());
      Seeder.apply(db, LAB_SEED);

      assertThat(Seeder.apply(db, withWebhook)).isEqualTo(1);
      assertThat(Seeder.apply(db, withWebhook)).isZero();
      assertThat(webhooks())
          .containsExactly("acme|http://127.0.0.1:9000/baton|lab-webhook-secret-1");

      Seeder.apply(
          db,
          new SeedData(
              List.of(),
              List.of(
                  new TenantSeed(
                      acme.id(),
                      acme.name(),
                      acme.apiKeys(),
                      acme.dids(),
                      acme.targets(),
                      new WebhookSeed("https://hooks.example.com/b", "lab-webhook-secret-2"))),
              List.of()));
      assertThat(webhooks())
          .containsExactly("acme|https://hooks.example.com/b|lab-webhook-secret-2");
    }

    private List<String> webhooks() {
      return everything().stream()
          .filter(row -> row.startsWith("webhooks|"))
          .map(row -> row.substring("webhooks|".length()))
          .toList();
    }
  }

  /** Versions of the SQL migrations applied to {@code database}, in order. */
  static List<String> appliedMigrations(Database database) {
    return database.withConnection(
        c -> {
          List<String> versions = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT \"version\" FROM \"flyway_schema_history\""
                          + " WHERE \"type\" = 'SQL' AND \"success\" = TRUE"
                          + " ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
              versions.add(rs.getString(1));
            }
          }
          return versions;
        });
  }

  static void execute(Connection c, String statement) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
