package io.baton.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.registry.InMemoryCallRegistry;
import io.baton.routing.Numbers;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.store.ApiKeys;
import io.baton.store.Database;
import io.baton.store.DatabaseConfig;
import io.baton.store.RateDecks;
import io.baton.store.SecretsConfig;
import io.baton.transfer.TransferServer;
import io.baton.transfer.TransferServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton routes import} against a real transfer server and database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutesImportTest {
  private static final String API = "http://127.0.0.1:17188";

  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private Database db;
  private TransferServer server;

  @BeforeAll
  void start() throws Exception {
    db = Database.open(DatabaseConfig.inMemory("routes-import-" + System.nanoTime()));
    new ApiKeys(db).add("admin-key", null, true, "test");
    db.withConnection(
        c -> c.createStatement().executeUpdate("INSERT INTO carriers (name) VALUES ('cheapnet')"));
    server =
        TransferServer.start(
            "transfer",
            new TransferServerConfig(
                new SipConfig(new HostPort("127.0.0.1", 17110), List.of("udp"), 4, null),
                HostPort.parse("127.0.0.1:17188"),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                SecretsConfig.of("routes-import-test-master-key-0123456789"),
                null,
                null),
            new InMemoryCallRegistry(Clock.systemUTC(), Duration.ofMinutes(1)),
            db,
            new Numbers("US"),
            Clock.systemUTC(),
            scheduler);
  }

  @AfterAll
  void stop() {
    server.close();
    scheduler.shutdownNow();
    db.close();
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true));
    System.setErr(new PrintStream(e, true));
    try {
      return new Run(Main.run(args), o.toString(), e.toString());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static Run importDeck(Path deck) {
    return run(
        "routes",
        "import",
        deck.toString(),
        "--carrier",
        "cheapnet",
        "--api",
        API,
        "--key",
        "admin-key");
  }

  @Test
  void aDeckIsImportedWithAProgressBar() throws Exception {
    Path deck = dir.resolve("deck.csv");
    StringBuilder csv =
        new StringBuilder(
            "prefix,rate,connection_fee,increment_first,increment_next,effective_date\n");
    for (int i = 0; i < 20_000; i++) {
      csv.append("1").append(1_000_000 + i).append(",0.0042,0.01,30,6,2026-01-01\n");
    }
    Files.writeString(deck, csv);

    Run r = importDeck(deck);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("cheapnet: 20,000 rows imported");
    assertThat(r.err()).contains("100% [##############################] 20,001 lines");
    assertThat(new RateDecks(db).count("cheapnet")).isEqualTo(20_000);
  }

  @Test
  void badLinesAreListedAndNothingChanges() throws Exception {
    Path deck = dir.resolve("bad.csv");
    Files.writeString(deck, "1646,0.004,,,,\n1x,0.004,,,,\n1212,-2,,,,\n");
    long before = new RateDecks(db).count("cheapnet");

    Run r = importDeck(deck);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("2 bad line(s): nothing was imported")
        .contains("line 2: prefix: '1x' is not 1 to 15 digits")
        .contains("line 3: rate: -2 is not in 0..999999.999999");
    assertThat(new RateDecks(db).count("cheapnet")).isEqualTo(before);
  }

  @Test
  void withoutAnAdminKeyItSaysSo() {
    Run r = run("routes", "import", "x.csv", "--carrier", "cheapnet", "--api", API, "--key", "");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("an admin key is needed");
    Run tenant =
        run(
            "routes",
            "import",
            "pom.xml",
            "--carrier",
            "cheapnet",
            "--api",
            API,
            "--key",
            "nobody");
    assertThat(tenant.exit()).isEqualTo(1);
    assertThat(tenant.err()).contains("the API key is not known");
  }
}
