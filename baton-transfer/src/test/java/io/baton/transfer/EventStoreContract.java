package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.contract.OnFail;
import io.baton.contract.TransferMode;
import io.baton.store.Database;
import io.baton.store.DatabaseConfig;
import io.baton.store.Principal;
import io.baton.store.SecretCipher;
import io.baton.store.SecretsConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The transfer server's own tables (idempotency keys, webhook outbox, event ids) against one
 * database engine: every subclass runs the same tests on a fresh database (H2, PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EventStoreContract {
  private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");
  private static final String MASTER_KEY = TransferFixture.MASTER_KEY;
  private static final SecretCipher CIPHER = SecretsConfig.of(MASTER_KEY).cipher();

  Database db;
  private String skipReason;

  /** Why this engine cannot be tested here, or null if it can. */
  abstract String unavailable();

  /** A fresh, empty database (or schema) for this class. */
  abstract DatabaseConfig createDatabase();

  /** Removes what {@link #createDatabase()} created, after {@link #db} is closed. */
  abstract void dropDatabase();

  /**
   * Asserts that a commit on {@code c} is durable once it returns, as {@link Database#open} sets it
   * up for this engine (docs/transfers.md, "Durability").
   */
  abstract void assertCommitsAreDurable(Connection c) throws SQLException;

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

  @BeforeEach
  void empty() {
    Assumptions.assumeTrue(skipReason == null, skipReason);
    db.inTransaction(
        c -> {
          for (String table :
              List.of(
                  "cdr_legs",
                  "cdrs",
                  "idempotency_keys",
                  "transfer_targets",
                  "transfer_history",
                  "transfers",
                  "webhook_outbox",
                  "webhooks",
                  "tenants")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table)) {
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  private static Transfer transfer(String id) {
    return new Transfer(
        id,
        "c-1",
        "acme",
        List.of(new Transfer.Target("+16465550111", new ReferTarget.Number("+16465550111"), 30)),
        TransferMode.MAKE_BEFORE_BREAK,
        OnFail.STAY,
        Map.of(),
        T0,
        (t, from, cause) -> {});
  }

  private int count(String sql) {
    return db.withConnection(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        });
  }

  @Test
  void aCommitIsDurableOnceItReturns() {
    db.withConnection(
        c -> {
          assertCommitsAreDurable(c);
          return null;
        });
  }

  @Test
  void callDetailRecordsAreStoredOnceFoundByFilterAndSummedPerDay() throws Exception {
    TransferStore transfers = new TransferStore(db);
    CdrStore cdrs = new CdrStore(db, transfers);
    db.inTransaction(
        c -> {
          transfers.insert(c, transfer("t-cdr"), "requested by acme");
          return null;
        });
    Cdr.CdrLeg carrier =
        new Cdr.CdrLeg(
            "l-2",
            "sbc-edge",
            "sbc-carrier",
            "x@y",
            "released",
            T0.plusSeconds(10),
            T0.plusSeconds(70),
            null,
            Cdr.REROUTED,
            "cheapnet",
            "+16465550111",
            60,
            new java.math.BigDecimal("0.004000"),
            new java.math.BigDecimal("0.004000"));
    Cdr cdr =
        new Cdr(
            "c-1",
            "acme",
            "+18005550100",
            "sip:a@b",
            "sip:+18005550100@x",
            Cdr.ANSWERED,
            null,
            T0,
            T0.plusSeconds(70),
            70,
            new java.math.BigDecimal("0.004000"),
            59,
            new java.math.BigDecimal("0.009833"),
            new java.math.BigDecimal("0.004000"),
            List.of(carrier),
            List.of(transfers.find("t-cdr").orElseThrow()));

    assertThat(cdrs.insert(cdr)).isTrue();
    assertThat(cdrs.insert(cdr)).as("one record per call").isFalse();

    List<Cdr> found = cdrs.find(new CdrStore.Query("acme", T0, T0.plusSeconds(1), null, null, 10));
    assertThat(found).hasSize(1);
    Cdr back = found.get(0);
    assertThat(back.durationSeconds()).isEqualTo(70);
    assertThat(back.cost()).isEqualByComparingTo("0.004");
    assertThat(back.legs()).containsExactly(carrier);
    assertThat(back.transfers()).extracting(TransferView::id).containsExactly("t-cdr");
    assertThat(cdrs.find(new CdrStore.Query("globex", null, null, null, null, 10))).isEmpty();
    assertThat(cdrs.find(new CdrStore.Query(null, T0.plusSeconds(1), null, null, null, 10)))
        .isEmpty();
    assertThat(cdrs.find(new CdrStore.Query(null, null, null, "+18005550199", null, 10))).isEmpty();
    assertThat(cdrs.find(new CdrStore.Query(null, null, null, null, Cdr.FAILED, 10))).isEmpty();

    java.time.LocalDate day = java.time.LocalDate.ofInstant(T0, java.time.ZoneOffset.UTC);
    List<CdrStore.Day> days = cdrs.savings("acme", day.minusDays(1), day.plusDays(1));
    assertThat(days).hasSize(1);
    assertThat(days.get(0).day()).isEqualTo(day.toString());
    assertThat(days.get(0).calls()).isEqualTo(1);
    assertThat(days.get(0).transferred()).isEqualTo(1);
    assertThat(days.get(0).releasedMinutes()).isEqualByComparingTo("0.98");
    assertThat(days.get(0).releasedCost()).isEqualByComparingTo("0.009833");
    assertThat(days.get(0).reroutedCost()).isEqualByComparingTo("0.004");
  }

  @Test
  void racingTransactionsWithOneKeyCommitOneTransfer() throws Exception {
    TransferStore store = new TransferStore(db);
    IdempotencyKeys keys = new IdempotencyKeys(db);
    IdempotencyKeys.Claim claim =
        IdempotencyKeys.Claim.of(Principal.tenant("acme"), "k-race", "{\"to\":\"x\"}");
    int racers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
      for (int i = 0; i < racers; i++) {
        String id = "t-race-" + i;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    db.inTransaction(
                        c -> {
                          store.insert(c, transfer(id), "requested");
                          keys.insert(
                              c, claim, id, "{\"id\":\"" + id + "\"}", T0, T0.minusSeconds(60));
                          return null;
                        });
                    return "won " + id;
                  } catch (IdempotencyKeys.Taken e) {
                    return "taken";
                  }
                }));
      }
      go.countDown();
    }
    List<String> outcomes = new ArrayList<>();
    for (Future<String> f : results) {
      outcomes.add(f.get(30, TimeUnit.SECONDS));
    }

    List<String> won = outcomes.stream().filter(o -> o.startsWith("won")).toList();
    assertThat(won).hasSize(1);
    assertThat(outcomes).filteredOn("taken"::equals).hasSize(racers - 1);
    String winner = won.getFirst().substring("won ".length());
    assertThat(keys.find(claim, T0.minusSeconds(60)))
        .contains(
            new IdempotencyKeys.Used(claim.requestHash(), winner, "{\"id\":\"" + winner + "\"}"));
    assertThat(count("SELECT COUNT(*) FROM transfers")).as("losers rolled back").isEqualTo(1);
  }

  @Test
  void keysOutsideTheWindowAreNotFoundReplacedAndPurged() {
    TransferStore store = new TransferStore(db);
    IdempotencyKeys keys = new IdempotencyKeys(db);
    IdempotencyKeys.Claim claim =
        IdempotencyKeys.Claim.of(Principal.administrator(), "k-old", "body");
    assertThat(claim.scope()).isEqualTo("*");
    db.inTransaction(
        c -> {
          store.insert(c, transfer("t-old"), "requested");
          keys.insert(c, claim, "t-old", "{}", T0, T0.minusSeconds(86_400));
          return null;
        });
    Instant dayLater = T0.plusSeconds(86_401);

    assertThat(keys.find(claim, T0)).isPresent();
    assertThat(keys.find(claim, dayLater.minusSeconds(86_400))).isEmpty();
    db.inTransaction(
        c -> {
          store.insert(c, transfer("t-new"), "requested");
          keys.insert(c, claim, "t-new", "{}", dayLater, dayLater.minusSeconds(86_400));
          return null;
        });
    assertThat(keys.find(claim, dayLater.minusSeconds(86_400)).orElseThrow().transferId())
        .isEqualTo("t-new");

    assertThat(keys.purge(dayLater.plusSeconds(86_401))).isEqualTo(1);
    assertThat(keys.find(claim, T0)).isEmpty();
  }

  @Test
  void theOutboxHandsOutEachTenantsOldestEventFirst() {
    WebhookOutbox outbox = new WebhookOutbox(db);
    db.inTransaction(
        c -> {
          outbox.insert(c, 10, "acme", "{\"id\":10}", T0);
          outbox.insert(c, 11, "globex", "{\"id\":11}", T0);
          outbox.insert(c, 12, "acme", "{\"id\":12}", T0);
          return null;
        });

    assertThat(outbox.heads())
        .extracting(WebhookOutbox.Delivery::eventId)
        .containsExactly(10L, 11L);
    outbox.failed(10, 1, T0.plusSeconds(1), "HTTP 500");
    WebhookOutbox.Delivery retried = outbox.head("acme").orElseThrow();
    assertThat(retried.attempts()).isEqualTo(1);
    assertThat(retried.nextAttemptAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(retried.body()).isEqualTo("{\"id\":10}");

    outbox.remove(10);
    assertThat(outbox.head("acme").orElseThrow().eventId()).isEqualTo(12);
    assertThat(outbox.drop("acme")).isEqualTo(1);
    assertThat(outbox.head("acme")).isEmpty();
    assertThat(outbox.heads()).extracting(WebhookOutbox.Delivery::eventId).containsExactly(11L);
  }

  @Test
  void eventIdsKeepGrowingAcrossRestarts() {
    EventIds first = new EventIds(db);
    long a = first.next();
    long b = first.next();
    EventIds afterRestart = new EventIds(db);
    long c = afterRestart.next();

    assertThat(b).isEqualTo(a + 1);
    assertThat(c).isGreaterThan(b);
    List<Long> many = new ArrayList<>();
    for (int i = 0; i < EventIds.BLOCK * 2 + 5; i++) {
      many.add(afterRestart.next());
    }
    assertThat(many).isSorted().doesNotHaveDuplicates().allMatch(id -> id > c);
  }

  private boolean exists(Webhooks webhooks, String tenant) {
    return db.<Boolean>withConnection(c -> webhooks.exists(c, tenant));
  }

  @Test
  void aWebhookIsSetReplacedAndDeletedWithItsWaitingEvents() throws Exception {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME')")) {
            ps.executeUpdate();
          }
          return null;
        });
    Webhooks webhooks = new Webhooks(db, CIPHER);
    WebhookOutbox outbox = new WebhookOutbox(db);
    assertThat(exists(webhooks, "acme")).isFalse();

    webhooks.put("acme", "http://127.0.0.1:9/a", "0123456789abcdef");
    webhooks.put("acme", "http://127.0.0.1:9/b", "fedcba9876543210");
    assertThat(webhooks.find("acme"))
        .contains(new Webhooks.Webhook("acme", "http://127.0.0.1:9/b", "fedcba9876543210"));
    assertThat(exists(webhooks, "acme")).isTrue();
    db.inTransaction(
        c -> {
          outbox.insert(c, 1, "acme", "{}", T0);
          return null;
        });

    assertThat(webhooks.delete("acme")).isTrue();
    assertThat(webhooks.delete("acme")).isFalse();
    assertThat(webhooks.find("acme")).isEmpty();
    assertThat(outbox.heads()).isEmpty();
  }

  @Test
  void webhookSecretsAreStoredSealedAndPlainOrOldKeyRowsAreResealed() throws Exception {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO tenants (id, name) VALUES ('acme', 'ACME'), ('globex', 'Globex')")) {
            ps.executeUpdate();
          }
          // as V3 wrote them, before secrets were sealed
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO webhooks (tenant_id, url, secret) VALUES"
                      + " ('globex', 'https://globex.example/h', 'globex-plain-secret-01')")) {
            ps.executeUpdate();
          }
          return null;
        });
    Webhooks webhooks = new Webhooks(db, CIPHER);
    webhooks.put("acme", "https://acme.example/h", "acme-webhook-secret-01");

    assertThat(rawSecrets())
        .doesNotContain("acme|acme-webhook-secret-01|k1")
        .anyMatch(row -> row.startsWith("acme|") && row.endsWith("|k1"))
        .contains("globex|globex-plain-secret-01|null");
    assertThat(webhooks.find("globex").orElseThrow().secret())
        .as("a plain row still works until it is sealed")
        .isEqualTo("globex-plain-secret-01");

    assertThat(webhooks.sealStored()).isEqualTo(1);
    assertThat(webhooks.sealStored()).isZero();
    assertThat(rawSecrets()).noneMatch(row -> row.contains("plain-secret") || row.endsWith("null"));
    assertThat(webhooks.find("globex").orElseThrow().secret()).isEqualTo("globex-plain-secret-01");

    Webhooks rotated =
        new Webhooks(
            db,
            new SecretsConfig(
                    "a-new-master-key-0123456789abcdef0123", "k2", Map.of("k1", MASTER_KEY))
                .cipher());
    assertThat(rotated.sealStored()).isEqualTo(2);
    assertThat(rawSecrets()).allMatch(row -> row.endsWith("|k2"));
    assertThat(rotated.find("acme").orElseThrow().secret()).isEqualTo("acme-webhook-secret-01");
    assertThat(rotated.find("acme").toString()).doesNotContain("acme-webhook-secret-01");
  }

  /** Every webhook row as {@code tenant|secret column|key id}. */
  private List<String> rawSecrets() {
    return db.withConnection(
        c -> {
          List<String> rows = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT tenant_id, secret, secret_key_id FROM webhooks");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
          }
          return rows;
        });
  }
}
