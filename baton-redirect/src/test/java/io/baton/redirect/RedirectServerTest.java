package io.baton.redirect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.NextHop;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import io.baton.sip.TrustPolicy.Permission;
import io.baton.store.CarrierSeed;
import io.baton.store.Database;
import io.baton.store.DatabaseConfig;
import io.baton.store.DidSeed;
import io.baton.store.SeedData;
import io.baton.store.Seeder;
import io.baton.store.TenantSeed;
import java.math.BigDecimal;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sip.address.SipURI;
import javax.sip.header.AllowHeader;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The redirect server on real sockets, asked by a real user agent, answering from a real database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedirectServerTest {
  private static final HostPort SERVER = new HostPort("127.0.0.1", 15170);
  private static final HostPort UAC = new HostPort("127.0.0.1", 15171);
  private static final HostPort STRANGER = new HostPort("127.0.0.1", 15174);

  /** The test's user agent plays SBC-edge; anyone may ask for a DID's routes, nothing else. */
  static final TrustPolicy TRUST =
      new TrustPolicy(
          List.of(
              new Peer(
                  "sbc-edge",
                  UAC.toString(),
                  Permission.INVITE,
                  Permission.OPTIONS,
                  Permission.OTHER)),
          new TrustPolicy.PublicAccess(List.of(Permission.INVITE_TO_DID)));

  private static final NextHop CORE_PROXY = NextHop.parse("127.0.0.1:5080");
  private static final Duration RELOAD = Duration.ofSeconds(7);

  static final SeedData SEED =
      new SeedData(
          List.of(),
          List.of(
              new TenantSeed(
                  "acme",
                  "ACME Corp",
                  List.of(),
                  List.of(
                      new DidSeed("+18005550100", "+13125550100"),
                      new DidSeed("+18005550102", "sip:ivr@127.0.0.1:5100"),
                      new DidSeed("+18005550188", "+13125550100")),
                  Map.of())),
          List.of(
              new CarrierSeed(
                  "pricey",
                  "127.0.0.1:5120",
                  Map.of("+1646", new BigDecimal("0.0120")),
                  null,
                  "history-info"),
              new CarrierSeed(
                  "cheapnet",
                  "127.0.0.1:5121",
                  Map.of("+1646", new BigDecimal("0.0040")),
                  "did",
                  "diversion")));

  private final ManualScheduler scheduler = new ManualScheduler();
  private Database db;
  private RedirectServer server;
  private SipEndpoint uac;
  private SipEndpoint stranger;

  static RedirectConfig config(HostPort listen) {
    return new RedirectConfig(
        new SipConfig(listen, List.of("udp"), 4, null), CORE_PROXY, "US", RELOAD, TRUST);
  }

  static Database seededDatabase() {
    Database db = Database.open(DatabaseConfig.inMemory("redirect-" + UUID.randomUUID()));
    Seeder.apply(db, SEED);
    return db;
  }

  @BeforeAll
  void start() throws Exception {
    db = seededDatabase();
    server = RedirectServer.start("redirect", config(SERVER), db, Clock.systemUTC(), scheduler);
    uac =
        SipEndpoint.start(
            "uac", StackMode.USER_AGENT, new SipConfig(UAC, List.of("udp"), 4, null), r -> {});
    stranger =
        SipEndpoint.start(
            "stranger",
            StackMode.USER_AGENT,
            new SipConfig(STRANGER, List.of("udp"), 4, null),
            r -> {});
  }

  @AfterAll
  void stop() {
    uac.close();
    stranger.close();
    server.close();
    scheduler.shutdownNow();
    db.close();
  }

  Response ask(String method, String user, HostPort to) throws Exception {
    return ask(uac, method, user, to, Map.of());
  }

  static Response ask(
      SipEndpoint from, String method, String user, HostPort to, Map<String, String> headers)
      throws Exception {
    var builder = from.request(method, from.messages().uri(user, to));
    headers.forEach(builder::header);
    return from.send(builder.build()).finalResponse().get(5, TimeUnit.SECONDS);
  }

  Response invite(String user) throws Exception {
    return ask(Request.INVITE, user, SERVER);
  }

  /** Each Contact as {@code uri;q=...}. */
  static List<String> contacts(Response response) {
    List<String> out = new ArrayList<>();
    for (Iterator<?> it = response.getHeaders(ContactHeader.NAME); it.hasNext(); ) {
      ContactHeader c = (ContactHeader) it.next();
      out.add(c.getAddress().getURI() + ";q=" + c.getQValue());
    }
    return out;
  }

  static List<String> allowed(Response response) {
    List<String> out = new ArrayList<>();
    for (Iterator<?> it = response.getHeaders(AllowHeader.NAME); it.hasNext(); ) {
      out.add(((AllowHeader) it.next()).getMethod());
    }
    return out;
  }

  void sql(String statement) {
    db.withConnection(
        c -> {
          try (Statement s = c.createStatement()) {
            return s.executeUpdate(statement);
          }
        });
  }

  @Test
  void aDidIsRedirectedToItsNumberThroughTheCoreProxy() throws Exception {
    Response response = invite("+18005550100");

    assertThat(response.getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
    assertThat(contacts(response)).containsExactly("sip:+13125550100@127.0.0.1:5080;q=1.0");
  }

  @Test
  void aDidRedirectedToASipUriIsSentThere() throws Exception {
    Response response = invite("+18005550102");

    assertThat(response.getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
    assertThat(contacts(response)).containsExactly("sip:ivr@127.0.0.1:5100;q=1.0");
  }

  @Test
  void aPstnNumberGetsItsCarriersCheapestFirst() throws Exception {
    Response response = invite("+16465550111");

    assertThat(response.getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
    assertThat(contacts(response))
        .containsExactly(
            "sip:+16465550111@127.0.0.1:5121;carrier=cheapnet;cid=did;ri=diversion;q=1.0",
            "sip:+16465550111@127.0.0.1:5120;carrier=pricey;cid=keep;ri=history-info;q=0.9");
    SipURI first =
        (SipURI) ((ContactHeader) response.getHeader(ContactHeader.NAME)).getAddress().getURI();
    assertThat(first.getParameter("carrier")).isEqualTo("cheapnet");
    assertThat(first.getParameter("cid")).isEqualTo("did");
    assertThat(first.getParameter("ri")).isEqualTo("diversion");
  }

  @Test
  void aTransfersCeilingLeavesOutDearerCarriers() throws Exception {
    Request query =
        uac.request(Request.INVITE, uac.messages().uri("+16465550111", SERVER))
            .header(BatonHeaders.MAX_RATE, "0.005")
            .build();
    Response response = uac.send(query).finalResponse().get(5, TimeUnit.SECONDS);

    assertThat(response.getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
    assertThat(contacts(response))
        .containsExactly(
            "sip:+16465550111@127.0.0.1:5121;carrier=cheapnet;cid=did;ri=diversion;q=1.0");
  }

  @Test
  void aCeilingNoCarrierMeetsIsNoRouteAndABadOneABadRequest() throws Exception {
    for (String[] ceilingAndStatus :
        new String[][] {{"0.001", "404"}, {"cheap", "400"}, {"-1", "400"}}) {
      Request query =
          uac.request(Request.INVITE, uac.messages().uri("+16465550111", SERVER))
              .header(BatonHeaders.MAX_RATE, ceilingAndStatus[0])
              .build();
      Response response = uac.send(query).finalResponse().get(5, TimeUnit.SECONDS);
      assertThat(response.getStatusCode())
          .as(ceilingAndStatus[0])
          .isEqualTo(Integer.parseInt(ceilingAndStatus[1]));
      if (response.getStatusCode() == 400) {
        assertThat(response.getReasonPhrase())
            .isEqualTo("Bad X-Baton-Max-Rate (a rate per minute, e.g. 0.015)");
      }
    }
  }

  @Test
  void nationalNumbersAreNormalisedToE164() throws Exception {
    assertThat(contacts(invite("8005550100")))
        .containsExactly("sip:+13125550100@127.0.0.1:5080;q=1.0");
    assertThat(contacts(invite("1-646-555-0111")))
        .containsExactly(
            "sip:+16465550111@127.0.0.1:5121;carrier=cheapnet;cid=did;ri=diversion;q=1.0",
            "sip:+16465550111@127.0.0.1:5120;carrier=pricey;cid=keep;ri=history-info;q=0.9");
  }

  @Test
  void aNumberNobodyRoutesIsNotFound() throws Exception {
    assertThat(invite("+442071234567").getStatusCode()).isEqualTo(Response.NOT_FOUND);
  }

  @Test
  void aUserPartThatIsNoNumberIsIncomplete() throws Exception {
    assertThat(invite("abc").getStatusCode()).isEqualTo(Response.ADDRESS_INCOMPLETE);
  }

  @Test
  void aDidAddedToTheDatabaseIsRoutedAfterTheNextReload() throws Exception {
    sql(
        "INSERT INTO dids (did, tenant_id, redirect_to) VALUES ('+18005550177', 'acme', '+13125550177')");
    assertThat(invite("+18005550177").getStatusCode()).isEqualTo(Response.NOT_FOUND);

    scheduler.runPeriodic();

    assertThat(scheduler.lastDelay()).isEqualTo(RELOAD);
    await() // the reload runs on a thread of its own
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(contacts(invite("+18005550177")))
                    .containsExactly("sip:+13125550177@127.0.0.1:5080;q=1.0"));
  }

  @Test
  void aDisabledDidIsNotFound() throws Exception {
    assertThat(invite("+18005550188").getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
    sql("UPDATE dids SET enabled = FALSE WHERE did = '+18005550188'");

    scheduler.runPeriodic();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(invite("+18005550188").getStatusCode()).isEqualTo(Response.NOT_FOUND));
  }

  @Test
  void optionsIsAnsweredForHealthChecks() throws Exception {
    Response response = ask(Request.OPTIONS, null, SERVER);

    assertThat(response.getStatusCode()).isEqualTo(Response.OK);
    assertThat(allowed(response)).containsExactly("INVITE", "ACK", "CANCEL", "OPTIONS");
  }

  @Test
  void otherMethodsAreNotAllowed() throws Exception {
    Response response = ask(Request.MESSAGE, "+18005550100", SERVER);

    assertThat(response.getStatusCode()).isEqualTo(Response.METHOD_NOT_ALLOWED);
    assertThat(allowed(response)).containsExactly("INVITE", "ACK", "CANCEL", "OPTIONS");
  }

  @Test
  void aFailedReloadKeepsTheLastGoodData() throws Exception {
    HostPort at = new HostPort("127.0.0.1", 15172);
    ManualScheduler own = new ManualScheduler();
    Database failing = seededDatabase();
    try (RedirectServer other =
        RedirectServer.start("redirect-2", config(at), failing, Clock.systemUTC(), own)) {
      failing.close(); // every read fails from now on

      own.runPeriodic();

      Response response = ask(Request.INVITE, "+18005550100", at);
      assertThat(response.getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
      assertThat(contacts(response)).containsExactly("sip:+13125550100@127.0.0.1:5080;q=1.0");
    } finally {
      own.shutdownNow();
    }
  }

  @Test
  void withoutAnyDataInvitesAreToldToRetry() throws Exception {
    HostPort at = new HostPort("127.0.0.1", 15173);
    ManualScheduler own = new ManualScheduler();
    Database unreadable = seededDatabase();
    unreadable.close();
    try (RedirectServer other =
        RedirectServer.start("redirect-3", config(at), unreadable, Clock.systemUTC(), own)) {
      Response response = ask(Request.INVITE, "+18005550100", at);

      assertThat(response.getStatusCode()).isEqualTo(Response.SERVICE_UNAVAILABLE);
      assertThat(Messages.headerValue(response, "Retry-After")).isEqualTo("7");
      assertThat(ask(Request.OPTIONS, null, at).getStatusCode()).isEqualTo(Response.OK);
    } finally {
      own.shutdownNow();
    }
  }

  @Test
  void aPublicOriginQueryGetsADidsRoutesAndNeverCarrierRoutes() throws Exception {
    Map<String, String> publicOrigin = Map.of(BatonHeaders.ORIGIN, "public");
    Response did = ask(uac, Request.INVITE, "+18005550100", SERVER, publicOrigin);
    assertThat(did.getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
    assertThat(contacts(did)).containsExactly("sip:+13125550100@127.0.0.1:5080;q=1.0");

    // Toll fraud: a carrier-routed number asked for a caller from outside.
    Response pstn = ask(uac, Request.INVITE, "+16465550111", SERVER, publicOrigin);
    assertThat(pstn.getStatusCode()).isEqualTo(Response.FORBIDDEN);
    assertThat(contacts(pstn)).isEmpty();
    // The same number for the network itself (a transfer) is routed.
    assertThat(invite("+16465550111").getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);

    assertThat(ask(uac, Request.INVITE, "+18005550100", SERVER, Map.of(BatonHeaders.ORIGIN, "x")))
        .extracting(Response::getStatusCode)
        .isEqualTo(Response.BAD_REQUEST);
  }

  @Test
  void aSourceThatMayCallDidsOnlyGetsNothingElseWhateverItSays() throws Exception {
    Map<String, String> claimsNetwork = Map.of(BatonHeaders.ORIGIN, "network");
    Response did = ask(stranger, Request.INVITE, "+18005550102", SERVER, claimsNetwork);
    assertThat(did.getStatusCode()).isEqualTo(Response.MOVED_TEMPORARILY);
    assertThat(contacts(did)).containsExactly("sip:ivr@127.0.0.1:5100;q=1.0");

    Response pstn = ask(stranger, Request.INVITE, "+16465550111", SERVER, claimsNetwork);
    assertThat(pstn.getStatusCode()).isEqualTo(Response.FORBIDDEN);
    // Its OPTIONS are not in its list either.
    assertThat(ask(stranger, Request.OPTIONS, null, SERVER, Map.of()).getStatusCode())
        .isEqualTo(Response.FORBIDDEN);
  }

  @Test
  void withoutATrustConfigurationNobodyIsAnswered() throws Exception {
    HostPort at = new HostPort("127.0.0.1", 15175);
    ManualScheduler own = new ManualScheduler();
    RedirectConfig closed =
        new RedirectConfig(
            new SipConfig(at, List.of("udp"), 4, null), CORE_PROXY, "US", RELOAD, null);
    try (RedirectServer other =
        RedirectServer.start("redirect-4", closed, db, Clock.systemUTC(), own)) {
      assertThat(ask(Request.INVITE, "+18005550100", at).getStatusCode())
          .isEqualTo(Response.FORBIDDEN);
      assertThat(ask(Request.OPTIONS, null, at).getStatusCode()).isEqualTo(Response.FORBIDDEN);
    } finally {
      own.shutdownNow();
    }
  }
}
