package io.baton.redirect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.registry.Call;
import io.baton.registry.InMemoryCallRegistry;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.TrustPolicy;
import io.baton.store.Database;
import io.baton.store.DatabaseConfig;
import io.baton.store.RateDecks;
import java.io.StringReader;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which carriers the redirect server offers, on real sockets: gateways found down by real OPTIONS
 * pings, carriers at their limit of calls in the call registry, decks changed in the database.
 */
class CarrierSelectionTest {
  private static final HostPort SERVER = new HostPort("127.0.0.1", 15174);
  private static final HostPort UAC = new HostPort("127.0.0.1", 15177);
  private static final String DEAD = "127.0.0.1:15175";
  private static final String LIVE = "127.0.0.1:15176";
  private static final String NUMBER = "+16465550111";

  private final ManualScheduler scheduler = new ManualScheduler();
  private final InMemoryCallRegistry registry =
      new InMemoryCallRegistry(Clock.systemUTC(), Duration.ofMinutes(1));
  private Database db;
  private RedirectServer server;
  private SipEndpoint uac;
  private SipEndpoint live;
  private SipEndpoint revived;

  @BeforeEach
  void start() throws Exception {
    db = Database.open(DatabaseConfig.inMemory("carriers-" + UUID.randomUUID()));
    sql("INSERT INTO carriers (name, max_calls) VALUES ('deadnet', NULL), ('livenet', 1)");
    sql(
        "INSERT INTO carrier_gateways (carrier, seq, address) VALUES"
            + " ('deadnet', 1, '"
            + DEAD
            + "'), ('livenet', 1, '"
            + LIVE
            + "')");
    sql(
        "INSERT INTO rate_deck (carrier, prefix, effective_date, rate_per_minute) VALUES"
            + " ('deadnet', '+1646', DATE '2020-01-01', 0.001),"
            + " ('livenet', '+1646', DATE '2020-01-01', 0.002)");
    RedirectConfig config =
        new RedirectConfig(
            new SipConfig(SERVER, List.of("udp"), 4, null),
            io.baton.sip.NextHop.parse("127.0.0.1:5080"),
            "US",
            Duration.ofSeconds(7),
            null,
            new RedirectConfig.HealthCheck(Duration.ofHours(1), Duration.ofMillis(500), 2),
            TrustPolicy.publicMay(TrustPolicy.Permission.INVITE));
    server = RedirectServer.start("redirect", config, db, registry, Clock.systemUTC(), scheduler);
    uac =
        SipEndpoint.start(
            "uac", StackMode.USER_AGENT, new SipConfig(UAC, List.of("udp"), 4, null), r -> {});
    live = answeringOptions(LIVE);
  }

  private static SipEndpoint answeringOptions(String at) throws Exception {
    return SipEndpoint.start(
        "gw-" + at,
        StackMode.TRANSACTIONS_ONLY,
        new SipConfig(HostPort.parse(at), List.of("udp"), 4, null),
        r -> r.respond(Response.OK));
  }

  @AfterEach
  void stop() {
    uac.close();
    live.close();
    if (revived != null) {
      revived.close();
    }
    server.close();
    scheduler.shutdownNow();
    db.close();
  }

  void sql(String statement) {
    db.withConnection(
        c -> {
          try (Statement s = c.createStatement()) {
            return s.executeUpdate(statement);
          }
        });
  }

  List<String> carriers() throws Exception {
    Request invite = uac.request(Request.INVITE, uac.messages().uri(NUMBER, SERVER)).build();
    Response response = uac.send(invite).finalResponse().get(5, TimeUnit.SECONDS);
    if (response.getStatusCode() == Response.NOT_FOUND) {
      return List.of();
    }
    assertThat(response.getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
    return RedirectServerTest.contacts(response).stream()
        .map(c -> c.replaceAll(".*;carrier=([^;]+).*", "$1"))
        .toList();
  }

  void ping() throws Exception {
    server.pingGateways().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aGatewayThatStopsAnsweringPingsIsSkippedAndComesBackWhenItAnswers() throws Exception {
    assertThat(carriers()).containsExactly("deadnet", "livenet");

    ping(); // one ping missed: not yet down
    assertThat(carriers()).containsExactly("deadnet", "livenet");

    ping();
    assertThat(carriers()).containsExactly("livenet");

    revived = answeringOptions(DEAD);
    ping();
    assertThat(carriers()).containsExactly("deadnet", "livenet");
  }

  @Test
  void aCarrierAtItsLimitOfLiveLegsIsSkippedUntilOneEnds() throws Exception {
    Instant now = Instant.now();
    registry.createCall(new Call("c-1", "sip:a@b", "sip:+18005550100@x", null, now, List.of()));
    Leg leg =
        new Leg(
            "l-1",
            "c-1",
            "sbc-edge",
            "sbc-carrier",
            "sip-1",
            LegState.ACTIVE,
            now,
            null,
            null,
            null,
            null,
            null,
            "livenet");
    registry.putLeg(leg);
    assertThat(carriers()).containsExactly("deadnet");

    registry.putLeg(leg.withState(LegState.RELEASED, now.plusSeconds(5)));
    assertThat(carriers()).containsExactly("deadnet", "livenet");
  }

  @Test
  void anImportedDeckIsRoutedAfterTheNextReload() throws Exception {
    RateDecks decks = new RateDecks(db);
    var result =
        decks.importCsv("livenet", new StringReader("1646,0.0005,0,1,1,2020-01-01\n"), n -> {});
    assertThat(result.committed()).isTrue();
    assertThat(carriers()).containsExactly("deadnet", "livenet"); // not yet reloaded

    scheduler.runPeriodic(); // starts the reload on a thread of its own

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(carriers()).containsExactly("livenet", "deadnet"));
  }
}
