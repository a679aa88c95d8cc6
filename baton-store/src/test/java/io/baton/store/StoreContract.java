package io.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.routing.Carrier;
import io.baton.routing.CarrierRoute;
import io.baton.routing.CarrierStatus;
import io.baton.routing.LeastCostRouter;
import io.baton.routing.Rate;
import io.baton.routing.RateDeckCsv;
import io.baton.routing.RateIndex;
import io.baton.routing.TimeWindow;
import io.baton.routing.Transport;
import io.baton.testsupport.ManualClock;
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
          "rate_deck",
          "carrier_gateways",
          "carriers",
          "targets",
          "did_schedules",
          "dids",
          "api_keys",
          "transfer_policy_allows",
          "transfer_policies",
          "tenants");

  static final String MASTER_KEY = "store-test-master-key-0000000000000000";

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
                      new DidSeed("+18005550100", "+13125550100"),
                      new DidSeed("+18005550101", "+13125550100")),
                  Map.of("sales", "+16465550111", "support", "sip:support@127.0.0.1:5131")),
              new TenantSeed(
                  "globex",
                  "Globex Inc",
                  List.of("globex-demo-key"),
                  List.of(new DidSeed("+18005550199", "+13125550199")),
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
      assertThat(before).contains("1", "2", "3", "4", "5");
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
      sql("INSERT INTO carriers (name) VALUES ('plain')");
      sql("INSERT INTO carrier_gateways (carrier, seq, address) VALUES ('plain', 1, 'gw:5060')");

      assertThat(new Carriers(db).carriers())
          .containsExactly(new Carrier("plain", "gw:5060", CallerId.KEEP, RedirectInfo.NONE));
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

    @Test
    void aCachedLookupIsReusedForItsTtlUnknownKeysIncluded() {
      ManualClock clock = new ManualClock();
      ApiKeys cached = new ApiKeys(db, clock, java.time.Duration.ofSeconds(30), 100);
      cached.add("acme-key", "acme", false, "test");

      for (int i = 0; i < 1000; i++) {
        assertThat(cached.authenticate("acme-key")).contains(Principal.tenant("acme"));
        assertThat(cached.authenticate("unknown-key")).isEmpty();
      }
      assertThat(cached.queries()).as("one query per key").isEqualTo(2);

      sql("DELETE FROM api_keys");
      clock.advance(java.time.Duration.ofSeconds(29));
      assertThat(cached.authenticate("acme-key")).as("within the TTL").isPresent();
      clock.advance(java.time.Duration.ofSeconds(1));
      assertThat(cached.authenticate("acme-key")).as("deleted, the TTL over").isEmpty();
      assertThat(cached.queries()).isEqualTo(3);
    }

    @Test
    void aKeyAddedHereWorksAtOnceEvenIfItWasLookedUpAsUnknown() {
      ApiKeys cached = new ApiKeys(db, new ManualClock(), java.time.Duration.ofMinutes(5), 100);
      assertThat(cached.authenticate("new-key")).isEmpty();

      cached.add("new-key", "acme", false, "test");

      assertThat(cached.authenticate("new-key")).contains(Principal.tenant("acme"));
    }

    @Test
    void aFloodOfDistinctKeysKeepsTheCacheBounded() {
      ApiKeys cached = new ApiKeys(db, new ManualClock(), java.time.Duration.ofMinutes(5), 50);
      cached.add("acme-key", "acme", false, "test");

      for (int i = 0; i < 500; i++) {
        cached.authenticate("guess-" + i);
        cached.authenticate("acme-key"); // used all along: never the least recently used
      }

      assertThat(cached.queries()).isEqualTo(501);
      assertThat(cached.cached()).isEqualTo(50);
      cached.authenticate("acme-key");
      assertThat(cached.queries()).as("the key in use stayed cached").isEqualTo(501);
    }
  }

  @Nested
  class DirectoryRepository {
    final Directory directory = new Directory(db);

    @BeforeEach
    void data() {
      sql("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Corp'), ('globex', 'Globex')");
      sql(
          "INSERT INTO dids (did, tenant_id, redirect_to) VALUES"
              + " ('+18005550100', 'acme', '+13125550100'),"
              + " ('+18005550101', 'acme', 'sip:ivr@127.0.0.1:5100')");
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
          .contains(new Did("+18005550101", "acme", "sip:ivr@127.0.0.1:5100", true));
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
    final RateDecks decks = new RateDecks(db);

    @BeforeEach
    void data() {
      sql("INSERT INTO carriers (name) VALUES ('pricey'), ('cheapnet')");
      sql(
          "INSERT INTO carriers (name, enabled, caller_id, redirect_info, transport, weight,"
              + " max_calls) VALUES ('broken', FALSE, 'did', 'history-info', 'tcp', 7, 30)");
      sql(
          "INSERT INTO carrier_gateways (carrier, seq, address) VALUES"
              + " ('pricey', 1, '127.0.0.1:5120'), ('cheapnet', 1, '127.0.0.1:5121'),"
              + " ('broken', 2, '10.0.0.2:5060'), ('broken', 1, '10.0.0.1:5060')");
      sql(
          "INSERT INTO rate_deck (carrier, prefix, effective_date, rate_per_minute) VALUES"
              + " ('pricey', '+1646', DATE '2026-01-01', 0.0120),"
              + " ('cheapnet', '+1646', DATE '2026-01-01', 0.004),"
              + " ('cheapnet', '+1', DATE '2026-01-01', 0.000125),"
              + " ('broken', '+1646', DATE '2026-01-01', 0.0001)");
    }

    @Test
    void loadsCarriersWithTheirStateAndGatewaysInOrder() {
      assertThat(carriers.carriers())
          .containsExactly(
              new Carrier(
                  "broken",
                  List.of("10.0.0.1:5060", "10.0.0.2:5060"),
                  Transport.TCP,
                  false,
                  7,
                  30,
                  CallerId.DID,
                  RedirectInfo.HISTORY_INFO),
              new Carrier("cheapnet", "127.0.0.1:5121", CallerId.KEEP, RedirectInfo.NONE),
              new Carrier("pricey", "127.0.0.1:5120", CallerId.KEEP, RedirectInfo.NONE));
    }

    @Test
    void createsChangesAndDeletesACarrierWithItsDeck() {
      Carrier fresh =
          new Carrier(
              "fresh",
              List.of("10.1.1.1:5060", "10.1.1.2:5080"),
              Transport.TCP,
              true,
              250,
              10,
              CallerId.DID,
              RedirectInfo.DIVERSION);
      assertThat(carriers.put(fresh)).isTrue();
      assertThat(carriers.carrier("fresh")).contains(fresh);

      Carrier changed =
          new Carrier(
              "fresh",
              List.of("10.1.1.3:5060"),
              Transport.UDP,
              false,
              1,
              null,
              CallerId.KEEP,
              RedirectInfo.NONE);
      assertThat(carriers.put(changed)).isFalse();
      assertThat(carriers.carrier("fresh")).contains(changed);

      long version = decks.version();
      assertThat(carriers.delete("cheapnet")).isTrue();
      assertThat(carriers.delete("cheapnet")).isFalse();
      assertThat(decks.count("cheapnet")).isZero();
      assertThat(decks.version()).isGreaterThan(version);
      assertThat(carriers.carriers())
          .extracting(Carrier::name)
          .containsExactly("broken", "fresh", "pricey");
    }

    @Test
    void theDeckIndexIsWhatLeastCostRoutingNeeds() {
      List<CarrierRoute> routes =
          new LeastCostRouter(carriers.carriers(), decks.index(), 60)
              .routes("+16465550111", java.time.LocalDate.of(2026, 6, 1), CarrierStatus.IDLE);

      assertThat(routes).extracting(CarrierRoute::carrier).containsExactly("cheapnet", "pricey");
      assertThat(routes.get(0).gateways()).containsExactly("127.0.0.1:5121");
      assertThat(routes.get(0).rate().perMinute()).isEqualByComparingTo("0.004");
      assertThat(decks.index().size()).isEqualTo(4);
    }

    @Test
    void oneNumbersIndexRoutesAsTheWholeDeckDoes() {
      java.time.LocalDate june = java.time.LocalDate.of(2026, 6, 1);
      sql(
          "INSERT INTO rate_deck (carrier, prefix, effective_date, rate_per_minute) VALUES"
              + " ('pricey', '+1646', DATE '2026-07-01', 0.0001),"
              + " ('pricey', '+4420', DATE '2026-01-01', 0.0010)");

      RateIndex one = decks.index("+16465550111", june);

      assertThat(one.size()).isEqualTo(4); // +1646 of each carrier and cheapnet's +1, in effect
      for (String number : List.of("+16465550111", "+13125550100")) {
        assertThat(
                new LeastCostRouter(carriers.carriers(), decks.index(number, june), 60)
                    .routes(number, june, CarrierStatus.IDLE))
            .as(number)
            .isEqualTo(
                new LeastCostRouter(carriers.carriers(), decks.index(), 60)
                    .routes(number, june, CarrierStatus.IDLE));
      }
      assertThat(decks.index("+33612345678", june).size()).isZero();
      assertThat(decks.index("not a number", june).size()).isZero();
    }

    @Test
    void pricesOneNumberByTheLongestPrefixInEffectWithoutLosingDecimals() {
      java.time.LocalDate june = java.time.LocalDate.of(2026, 6, 1);
      sql(
          "INSERT INTO rate_deck (carrier, prefix, effective_date, rate_per_minute,"
              + " connection_fee, increment_first, increment_next) VALUES"
              + " ('cheapnet', '+1646', DATE '2026-05-01', 0.0035, 0.01, 30, 6),"
              + " ('cheapnet', '+16465', DATE '2026-07-01', 0.0001, 0, 1, 1)");

      Rate rate = decks.rate("cheapnet", "+16465550111", june).orElseThrow();
      assertThat(rate.prefix()).isEqualTo("+1646");
      assertThat(rate.effective()).isEqualTo(java.time.LocalDate.of(2026, 5, 1));
      assertThat(rate.perMinute()).isEqualByComparingTo("0.0035");
      assertThat(rate.connectionFee()).isEqualByComparingTo("0.01");
      assertThat(rate.incrementFirst()).isEqualTo(30);
      assertThat(rate.incrementNext()).isEqualTo(6);
      assertThat(decks.rate("cheapnet", "+13125550100", june).orElseThrow().perMinute())
          .isEqualByComparingTo("0.000125");
      assertThat(decks.rate("pricey", "+13125550100", june)).isEmpty();
      assertThat(decks.rate("cheapnet", "+16465550111", java.time.LocalDate.of(2025, 1, 1)))
          .isEmpty();
    }

    @Test
    void rowsAreAddedReplacedAndDeletedOneByOne() {
      Rate row =
          new Rate(
              "pricey",
              "+44",
              java.time.LocalDate.of(2026, 2, 1),
              new BigDecimal("0.02"),
              new BigDecimal("0.1"),
              60,
              60);
      long version = decks.version();
      assertThat(decks.put(row)).isTrue();
      assertThat(decks.put(row)).isFalse();
      assertThat(decks.version()).isEqualTo(version + 2);
      assertThat(decks.rows("pricey", "+4", 0, 10))
          .singleElement()
          .satisfies(r -> assertThat(r.connectionFee()).isEqualByComparingTo("0.1"));
      assertThat(decks.rows("pricey", null, 0, 10)).hasSize(2);
      assertThat(decks.rows("pricey", null, 1, 10)).hasSize(1);
      assertThat(decks.delete("pricey", "+44", row.effective())).isTrue();
      assertThat(decks.delete("pricey", "+44", row.effective())).isFalse();
    }

    @Test
    void aCsvImportReplacesTheCarriersDeckAllAtOnce() {
      String csv =
          RateDeckCsv.HEADER
              + "\n1646,0.0030,0.01,60,6,2026-01-01\n+1212,0.002,,,,\n\n44,0.05,0,1,1,2026-03-01\n";
      long version = decks.version();
      List<Long> progress = new ArrayList<>();

      RateDecks.ImportResult result =
          decks.importCsv("cheapnet", new java.io.StringReader(csv), progress::add);

      assertThat(result.committed()).isTrue();
      assertThat(result.rows()).isEqualTo(3);
      assertThat(decks.count("cheapnet")).isEqualTo(3);
      assertThat(decks.rows("cheapnet", "+1", 0, 10))
          .extracting(Rate::prefix)
          .containsExactly("+1212", "+1646"); // the old +1 row is gone
      assertThat(decks.count("pricey")).isEqualTo(1);
      assertThat(decks.version()).isGreaterThan(version);
      assertThat(decks.purgeReplaced("cheapnet")).as("the replaced deck's two rows").isEqualTo(2);
      assertThat(decks.purgeReplaced("cheapnet")).isZero();
      assertThat(decks.count("cheapnet")).isEqualTo(3);
      assertThat(progress).last().isEqualTo(5L); // lines read, the header and blank one too
    }

    @Test
    void aCsvWithBadLinesChangesNothingAndSaysWhichLinesAndWhy() {
      String csv = "1646,0.0030,0,1,1,2026-01-01\n1x,0.002,,,,\n1212,0.002,,,,\n44,-1,0,1,1,\n";
      List<String> before = everything();
      long version = decks.version();

      RateDecks.ImportResult result =
          decks.importCsv("cheapnet", new java.io.StringReader(csv), n -> {});

      assertThat(result.committed()).isFalse();
      assertThat(result.rows()).isZero();
      assertThat(result.errorCount()).isEqualTo(2);
      assertThat(result.errors())
          .containsExactly(
              new RateDecks.LineError(2, "prefix: '1x' is not 1 to 15 digits"),
              new RateDecks.LineError(4, "rate: -1 is not in 0..999999.999999"));
      assertThat(everything()).isEqualTo(before);
      assertThat(decks.version()).isEqualTo(version);
    }

    @Test
    void aCsvNamingAPrefixAndDateTwiceChangesNothing() {
      String csv = "1646,0.0030,0,1,1,2026-01-01\n1646,0.0040,0,1,1,2026-01-01\n";
      List<String> before = everything();

      RateDecks.ImportResult result =
          decks.importCsv("cheapnet", new java.io.StringReader(csv), n -> {});

      assertThat(result.committed()).isFalse();
      assertThat(result.errors())
          .containsExactly(
              new RateDecks.LineError(
                  2, "prefix +1646 effective 2026-01-01 is named on an earlier line too"));
      assertThat(everything()).isEqualTo(before);
    }

    @Test
    void aRepeatFarApartIsFoundInALaterBatch() {
      StringBuilder csv = new StringBuilder();
      for (int i = 0; i < RateDecks.BATCH + 10; i++) {
        csv.append(1_000_000 + i).append(",0.001,,,,\n");
      }
      csv.append("1000003,0.002,,,,\n");
      List<String> before = everything();

      RateDecks.ImportResult result =
          decks.importCsv("cheapnet", new java.io.StringReader(csv.toString()), n -> {});

      assertThat(result.committed()).isFalse();
      assertThat(result.errors())
          .containsExactly(
              new RateDecks.LineError(
                  RateDecks.BATCH + 11,
                  "prefix +1000003 (no effective date) is named on an earlier line too"));
      assertThat(everything()).isEqualTo(before);
    }

    @Test
    void anImportForAnUnknownCarrierIsRefused() {
      assertThatThrownBy(
              () -> decks.importCsv("ghost", new java.io.StringReader("1,0.1,,,,\n"), n -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no carrier 'ghost'");
    }
  }

  @Nested
  class DirectoryChanges {
    final Directory directory = new Directory(db);

    @BeforeEach
    void data() {
      sql("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Corp'), ('globex', 'Globex')");
    }

    @Test
    void aDidWithSchedulesIsCreatedChangedAndDeleted() {
      Did did =
          new Did(
              "+18005550100",
              "acme",
              "+13125550100",
              true,
              java.time.ZoneId.of("America/New_York"),
              List.of(
                  new Did.Schedule(
                      TimeWindow.parse("mon-fri", "09:00", "17:00"), "sip:office@10.0.0.1"),
                  new Did.Schedule(TimeWindow.parse("sat,sun", "00:00", "00:00"), "+13125550199")));
      assertThat(directory.putDid(did)).isTrue();
      assertThat(directory.did("+18005550100")).contains(did);
      assertThat(directory.dids()).containsExactly(did);

      Did moved = new Did("+18005550100", "globex", "sip:ivr@10.0.0.2", false);
      assertThat(directory.putDid(moved)).isFalse();
      assertThat(directory.did("+18005550100")).contains(moved);
      assertThat(directory.tenantOf("+18005550100")).contains("globex");

      assertThat(directory.deleteDid("+18005550100")).isTrue();
      assertThat(directory.deleteDid("+18005550100")).isFalse();
      assertThat(directory.dids()).isEmpty();
    }

    @Test
    void aDidOfAnUnknownTenantIsRefused() {
      assertThatThrownBy(
              () -> directory.putDid(new Did("+18005550100", "nobody", "+13125550100", true)))
          .isInstanceOf(StoreException.class);
    }

    @Test
    void namedTargetsAreCreatedChangedAndDeleted() {
      assertThat(directory.putTarget(new Directory.Target("acme", "sales", "+16465550111")))
          .isTrue();
      assertThat(directory.putTarget(new Directory.Target("acme", "sales", "+16465550112")))
          .isFalse();
      assertThat(directory.putTarget(new Directory.Target("globex", "sales", "sip:s@h"))).isTrue();

      assertThat(directory.targets())
          .containsExactly(
              new Directory.Target("acme", "sales", "+16465550112"),
              new Directory.Target("globex", "sales", "sip:s@h"));
      assertThat(directory.targets("globex"))
          .containsExactly(new Directory.Target("globex", "sales", "sip:s@h"));
      assertThat(directory.deleteTarget("acme", "sales")).isTrue();
      assertThat(directory.deleteTarget("acme", "sales")).isFalse();
      assertThat(directory.target("globex", "sales")).contains("sip:s@h");
    }
  }

  @Nested
  class TransferPoliciesOnThisDatabase {
    final TransferPolicies policies = new TransferPolicies(db);
    final TransferPolicy strict =
        new TransferPolicy(
            List.of("US", "+4420", "CA"),
            List.of("MOBILE", "FIXED_LINE"),
            List.of("pbx.example.com", "*.acme.example", "10.0.0.7"),
            new BigDecimal("0.012500"),
            30,
            5);

    @BeforeEach
    void data() {
      sql("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Corp'), ('globex', 'Globex')");
    }

    @Test
    void aTenantWithoutAPolicyGetsTheDefaultNamedTargetsOnly() {
      assertThat(policies.find("acme")).isEmpty();
      TransferPolicy policy = policies.of("acme");
      assertThat(policy).isEqualTo(TransferPolicy.DEFAULT);
      assertThat(policy.allowedNumbers()).isEmpty();
      assertThat(policy.allowedSipDomains()).isEmpty();
      assertThat(policy.allowedNumberTypes())
          .containsExactly("FIXED_LINE", "MOBILE", "FIXED_LINE_OR_MOBILE", "TOLL_FREE");
      assertThat(policy.maxRatePerMinute()).isNull();
      assertThat(policy.maxTransfersPerMinute()).isEqualTo(60);
      assertThat(policy.maxTransfersInFlight()).isEqualTo(20);
    }

    @Test
    void aPolicyIsStoredReplacedAndTakenAwayWithItsListsInOrder() {
      assertThat(policies.put("acme", strict)).isTrue();
      TransferPolicy stored = policies.find("acme").orElseThrow();
      assertThat(stored).isEqualTo(strict);
      assertThat(stored.allowedNumbers()).containsExactly("US", "+4420", "CA");
      assertThat(stored.maxRatePerMinute()).isEqualTo(new BigDecimal("0.0125"));
      assertThat(policies.of("globex")).isEqualTo(TransferPolicy.DEFAULT);

      TransferPolicy wide =
          new TransferPolicy(List.of("+1"), List.of(), List.of(), null, 1000, 100);
      assertThat(policies.put("acme", wide)).isFalse();
      assertThat(policies.of("acme")).isEqualTo(wide);
      assertThat(policies.of("acme").allowedNumberTypes()).isEmpty(); // none, not the default

      assertThat(policies.delete("acme")).isTrue();
      assertThat(policies.delete("acme")).isFalse();
      assertThat(policies.of("acme")).isEqualTo(TransferPolicy.DEFAULT);
      assertThat(everything()).noneMatch(row -> row.startsWith("transfer_policy_allows|"));
    }

    @Test
    void theSchemaRefusesWhatNoPolicyCanSay() {
      assertThatThrownBy(() -> policies.put("nobody", strict)).isInstanceOf(StoreException.class);
      policies.put("acme", strict);
      for (String bad :
          List.of(
              "UPDATE transfer_policies SET max_transfers_per_minute = 0",
              "UPDATE transfer_policies SET max_transfers_in_flight = -1",
              "UPDATE transfer_policies SET max_rate_per_minute = -0.01",
              "INSERT INTO transfer_policy_allows (tenant_id, list_name, seq, entry)"
                  + " VALUES ('acme', 'carriers', 9, 'x')")) {
        assertThatThrownBy(() -> sql(bad)).as(bad).isInstanceOf(RuntimeException.class);
      }
      assertThat(policies.of("acme")).isEqualTo(strict);
    }

    @Test
    void theSeedWritesAPolicyOnceAndUpdatesItWhenItChanges() {
      SeedData seed = withPolicy(strict);

      assertThat(Seeder.apply(db, seed)).isEqualTo(1); // the policy (the tenant is there)
      assertThat(Seeder.apply(db, seed)).isZero();
      assertThat(policies.of("acme")).isEqualTo(strict);

      TransferPolicy looser =
          new TransferPolicy(
              List.of("US"), null, List.of("127.0.0.1"), new BigDecimal("0.015"), 600, 100);
      assertThat(Seeder.apply(db, withPolicy(looser))).isEqualTo(1);
      assertThat(policies.of("acme")).isEqualTo(looser);

      // a seed without a policy leaves the stored one alone
      assertThat(Seeder.apply(db, withPolicy(null))).isZero();
      assertThat(policies.of("acme")).isEqualTo(looser);
    }

    private static SeedData withPolicy(TransferPolicy policy) {
      return new SeedData(
          List.of(),
          List.of(
              new TenantSeed("acme", "ACME Corp", List.of(), List.of(), Map.of(), null, policy)),
          List.of());
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
          .contains(new Did("+18005550101", "acme", "+13125550100", true));
      assertThat(directory.target("acme", "sales")).contains("+16465550111");
      assertThat(routes(db))
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

      assertThat(first).isEqualTo(16); // carriers: a row, a gateway and a rate each
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
                      List.of(new DidSeed("+18005550101", "sip:ivr@127.0.0.1:5100")),
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
      // (caller ID), its gateway, rate
      assertThat(written).isEqualTo(7);
      assertThat(new ApiKeys(db).authenticate("globex-demo-key"))
          .contains(Principal.tenant("acme"));
      assertThat(new Directory(db).did("+18005550101"))
          .contains(new Did("+18005550101", "acme", "sip:ivr@127.0.0.1:5100", true));
      assertThat(new Directory(db).target("acme", "support")).contains("+16465550112");
      Carriers carriers = new Carriers(db);
      assertThat(routes(db))
          .extracting(CarrierRoute::carrier, CarrierRoute::gateways)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("pricey", List.of("127.0.0.1:5125")),
              org.assertj.core.groups.Tuple.tuple("cheapnet", List.of("127.0.0.1:5120")));
      // what the seed no longer mentions stays, the redirect header the changed carrier left out
      // too
      assertThat(new Directory(db).did("+18005550100")).isPresent();
      assertThat(carriers.carriers())
          .contains(
              new Carrier("pricey", "127.0.0.1:5125", CallerId.DID, RedirectInfo.HISTORY_INFO));
    }

    @Test
    void leavesSwitchesTheSeedDoesNotCarryAlone() {
      Seeder.apply(db, LAB_SEED);
      sql("UPDATE dids SET enabled = FALSE WHERE did = '+18005550100'");
      sql("UPDATE carriers SET enabled = FALSE WHERE name = 'pricey'");

      assertThat(Seeder.apply(db, LAB_SEED)).isZero();

      assertThat(new Directory(db).did("+18005550100").orElseThrow().enabled()).isFalse();
      assertThat(new Carriers(db).carrier("pricey").orElseThrow().enabled()).isFalse();
    }

    @Test
    void aTenantsWebhookIsWrittenWithItsSecretSealedAndUpdated() {
      SecretCipher cipher = SecretsConfig.of(MASTER_KEY).cipher();
      Seeder.apply(db, LAB_SEED);

      assertThat(
              Seeder.apply(
                  db,
                  withWebhook("http://127.0.0.1:9000/baton", "lab-webhook-secret-1"),
                  () -> cipher))
          .isEqualTo(1);
      assertThat(
              Seeder.apply(
                  db,
                  withWebhook("http://127.0.0.1:9000/baton", "lab-webhook-secret-1"),
                  () -> cipher))
          .as("the same secret, sealed anew, is no change")
          .isZero();
      assertThat(everything()).noneMatch(row -> row.contains("lab-webhook-secret-1"));
      assertThat(webhook(cipher))
          .isEqualTo("acme|http://127.0.0.1:9000/baton|lab-webhook-secret-1");

      Seeder.apply(
          db, withWebhook("https://hooks.example.com/b", "lab-webhook-secret-2"), () -> cipher);
      assertThat(webhook(cipher))
          .isEqualTo("acme|https://hooks.example.com/b|lab-webhook-secret-2");
    }

    @Test
    void aSeedWithAWebhookNeedsAMasterKey() {
      assertThatThrownBy(
              () ->
                  Seeder.apply(
                      db, withWebhook("https://hooks.example.com/b", "lab-webhook-secret-3")))
          .hasMessageContaining("transfer.secrets");
    }

    @Test
    void aSecretSealedUnderAnotherKeyIsResealedUnderTheCurrentOne() {
      SecretCipher before = SecretsConfig.of(MASTER_KEY).cipher();
      SecretCipher after =
          new SecretsConfig(MASTER_KEY.replace('0', '1'), "k2", Map.of("k1", MASTER_KEY)).cipher();
      SeedData seed = withWebhook("https://hooks.example.com/b", "lab-webhook-secret-4");
      Seeder.apply(db, seed, () -> before);

      assertThat(Seeder.apply(db, seed, () -> after)).isEqualTo(1);
      assertThat(Seeder.apply(db, seed, () -> after)).isZero();
      assertThat(webhook(after)).endsWith("|lab-webhook-secret-4");
    }

    private SeedData withWebhook(String url, String secret) {
      TenantSeed acme = LAB_SEED.tenants().get(0);
      return new SeedData(
          List.of(),
          List.of(
              new TenantSeed(
                  acme.id(),
                  acme.name(),
                  acme.apiKeys(),
                  acme.dids(),
                  acme.targets(),
                  new WebhookSeed(url, secret))),
          List.of());
    }

    /** The one webhook row as {@code tenant|url|secret}, the secret opened with {@code cipher}. */
    private String webhook(SecretCipher cipher) {
      return db.withConnection(
          c -> {
            try (Statement s = c.createStatement();
                ResultSet rs =
                    s.executeQuery("SELECT tenant_id, url, secret, secret_key_id FROM webhooks")) {
              assertThat(rs.next()).isTrue();
              String row =
                  rs.getString(1)
                      + "|"
                      + rs.getString(2)
                      + "|"
                      + cipher.open(
                          new SecretCipher.Sealed(rs.getString(4), rs.getString(3)),
                          WebhookSeed.sealContext(rs.getString(1)));
              assertThat(rs.next()).isFalse();
              return row;
            }
          });
    }
  }

  static List<CarrierRoute> routes(Database database) {
    return new LeastCostRouter(
            new Carriers(database).carriers(), new RateDecks(database).index(), 60)
        .routes("+16465550111", java.time.LocalDate.now(), CarrierStatus.IDLE);
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
