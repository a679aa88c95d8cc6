package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.proxy.ProxyServer;
import io.baton.registry.Leg;
import io.baton.sbc.Sbc;
import io.baton.sip.HostPort;
import io.baton.sip.LimitCounters;
import io.baton.sip.SipLimits;
import io.baton.sip.TargetDialog;
import io.baton.sip.wire.RawMessage;
import io.baton.sip.wire.SipWire;
import io.baton.sip.wire.WireResponse;
import io.baton.testkit.Api;
import io.baton.testkit.LabFixture;
import io.baton.testkit.PrometheusText;
import io.baton.ua.UaCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10's "done when", played by an attacker against the lab over UDP and TCP with raw sockets
 * (and SIPVicious): toll-fraud INVITEs at every element, REFERs naming a live call, a flood,
 * oversized and never-ending messages, hoarded connections, INVITEs never ACKed, transfers to
 * forbidden destinations and webhooks into the network. Every attack runs while a call is up, and
 * each test asserts (a) the answer, (b) that nothing moved: no call, transfer, REFER or registry
 * entry created, the live call where it was with its audio flowing, (c) that every resource the lab
 * exposes is back to its figure before the attack, and (d) that the live call is still transferred
 * and a new call still answered after it. The kill -9 after a 202 is CrashRecoveryTest's.
 *
 * <p>The lab is the repository's with Timer H (every {@code lifetime.ackTimeout}) of 3 s, messages
 * limited to 16 KB (so one datagram can exceed it) and a TCP read timeout of 2 s, so that the
 * attacks that wait on them stay short: it runs in a JVM of its own (Failsafe execution {@code
 * attacker}); in a JVM whose lab another test started it waits on that lab's figures.
 */
@ExtendWith(AttackerTest.QuickTimers.class)
class AttackerTest extends LabTest {
  /** Attackers' addresses: none is an element's, and none is the lab's callers' 127.0.0.1. */
  private static final String ATTACKER = "127.0.0.3";

  private static final String FLOODER = "127.0.0.4";
  private static final String HOARDER = "127.0.0.5";
  private static final String SCANNER = "127.0.0.6";

  private static final String DID = "+18005550100";
  private static final String PSTN = "+16465550111";
  private static final String CALLCENTER_NUMBER = "+13125550100";
  private static final String POLICY = "/v1/admin/tenants/acme/transfer-policy";

  /** Starts the lab with short timers before LabTest's {@code @BeforeAll} asks for it. */
  static final class QuickTimers implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      LabFixture.lab(AttackerTest::quickTimers);
    }
  }

  static void quickTimers(ObjectNode config) {
    config.findParents("ackTimeout").forEach(l -> ((ObjectNode) l).put("ackTimeout", "3s"));
    config
        .findParents("maxMessageBytes")
        .forEach(l -> ((ObjectNode) l).put("maxMessageBytes", 16384).put("tcpReadTimeout", "2s"));
  }

  private UaCall live;
  private Map<String, Long> idle;
  private Map<String, Long> totals;

  /** The call every attack aims at or runs beside, and the figures it must leave as they are. */
  @BeforeEach
  void aLiveCall() throws Exception {
    live = call(DID);
    idle = held();
    totals = created();
  }

  // ---- (1) toll fraud and (3) hijack: who may ask for what ----

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"udp", "tcp"})
  void tollFraudInvitesAtEveryElementGet403(String transport) throws Exception {
    Map<Integer, String> attempts = new LinkedHashMap<>();
    attempts.put(5060, PSTN); // sbc-edge: a number that is no DID
    attempts.put(5120, PSTN); // sbc-carrier: straight to a carrier
    attempts.put(5080, CALLCENTER_NUMBER); // the proxy
    attempts.put(5090, CALLCENTER_NUMBER); // sbc-dest
    attempts.put(5070, PSTN); // the redirect server
    int carrierCalls = endpoint("pstn-sales").calls().size();
    for (var attempt : attempts.entrySet()) {
      try (SipWire wire = wire(transport, attempt.getKey(), ATTACKER)) {
        RawMessage invite = wire.message("attacker-invite.sip", attempt.getValue());
        WireResponse r = finalAnswer(wire, invite);
        assertThat(r.status()).as("INVITE to %s: %s", attempt.getKey(), r).isEqualTo(403);
        assertThat(r.header("Contact")).as("no route revealed").isNull();
        wire.send(ack(invite, r));
      }
    }
    assertThat(endpoint("pstn-sales").calls()).as("calls a carrier got").hasSize(carrierCalls);
    nothingMovedAndTheLabStillWorks(0);
  }

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"udp", "tcp"})
  void aReferNamingTheLiveCallFromAStrangerGets403AndMovesNothing(String transport)
      throws Exception {
    // Out of dialog, naming the live call's dialog at the proxy and at SBC-edge (RFC 4538).
    for (var element : Map.of(5080, "proxy", 5060, "sbc-edge").entrySet()) {
      Leg leg = legOf(live, element.getValue());
      String dialog = new TargetDialog(leg.sipCallId(), leg.uasTag(), leg.uacTag()).value();
      refused(transport, element.getKey(), "attacker-refer.sip", Map.of("target-dialog", dialog));
    }
    // Inside the caller's own dialog at SBC-edge, its identifiers known (an on-path attacker's):
    // a caller may send in-dialog requests, but a REFER is never a caller's to send.
    refused(transport, 5060, "attacker-in-dialog-refer.sip", callersDialog());
    nothingMovedAndTheLabStillWorks(0);
  }

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"udp", "tcp"})
  void aByeInTheCallersDialogFromAnotherHostGets403AndTheCallStaysUp(String transport)
      throws Exception {
    // The public may send in-dialog requests, but only the caller, from the caller's host
    // (RFC 3261 §26.1.4: whoever sees the signalling knows the dialog's identifiers).
    refused(transport, 5060, "attacker-in-dialog-bye.sip", callersDialog());
    nothingMovedAndTheLabStillWorks(0);
  }

  /** The live call's dialog between the caller and SBC-edge, as fixture placeholders. */
  private Map<String, String> callersDialog() {
    Leg callers =
        lab
            .callRegistry()
            .orElseThrow()
            .find(callOf(live).get("id").asText())
            .orElseThrow()
            .legs()
            .stream()
            .filter(l -> l.sipCallId().equals(live.sipCallId()))
            .findFirst()
            .orElseThrow();
    return Map.of(
        "dialog-call-id", callers.sipCallId(),
        "caller-tag", callers.uacTag(),
        "edge-tag", callers.uasTag());
  }

  /**
   * Sends {@code fixture}, its own placeholders filled, to {@code port}: answered 403, no NOTIFY.
   */
  private static void refused(
      String transport, int port, String fixture, Map<String, String> placeholders) {
    try (SipWire wire = wire(transport, port, ATTACKER)) {
      RawMessage request = wire.message(fixture, "transfer");
      String text = new String(request.bytes(), StandardCharsets.ISO_8859_1);
      for (var p : placeholders.entrySet()) {
        text = text.replace("${" + p.getKey() + "}", p.getValue());
      }
      wire.send(text.getBytes(StandardCharsets.ISO_8859_1));
      WireResponse r = wire.awaitFinal(request.branch(), WAIT).orElseThrow();
      assertThat(r.status()).as("%s to %s: %s", fixture, port, r).isEqualTo(403);
      assertThat(wire.messages()).as("what came back").noneMatch(m -> m.startsWith("NOTIFY"));
    }
  }

  // ---- (4) bounded resources ----

  @Test
  void aFloodFromOneSourceIs503ThenSilenceWhileCallsThroughTheEdgeComplete() throws Exception {
    SipLimits limits = lab.config().proxy().sip().limits();
    int burst = limits.requestBurst();
    try (SipWire wire = SipWire.udp(HostPort.parse("127.0.0.1:5080"), FLOODER)) {
      // Twice the burst, as fast as one thread sends: far over the average rate. OPTIONS, and
      // toll-fraud INVITEs among them.
      for (int i = 0; i < 2 * burst; i++) {
        String fixture = i % 10 == 0 ? "attacker-invite.sip" : "valid-options.sip";
        wire.send(wire.message(fixture, CALLCENTER_NUMBER));
      }
      await().atMost(WAIT).until(() -> wire.responses().stream().anyMatch(r -> r.status() == 503));
      WireResponse banned =
          wire.responses().stream().filter(r -> r.status() == 503).findFirst().orElseThrow();
      assertThat(banned.header("Retry-After")).as("503: %s", banned.text()).isNotNull();
      assertThat(wire.responses().stream().filter(r -> r.status() == 503))
          .as("one 503, then silence")
          .hasSize(1);
      assertThat(wire.responses().stream().map(WireResponse::status).distinct())
          .as("answers to a stranger: 403, then the 503")
          .isSubsetOf(100, 403, 503);

      // While the flooder is banned: silence for it, and a call through the edge (a neighbour the
      // proxy exempts) completes.
      List<RawMessage> whileBanned = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        RawMessage options = wire.message("valid-options.sip", CALLCENTER_NUMBER);
        whileBanned.add(options);
        wire.send(options);
      }
      UaCall during = call(DID);
      assertReceiving(during.rtp(), "a call placed while the flooder is banned");
      during.hangUp();
      try (SipWire tcp = SipWire.tcp(HostPort.parse("127.0.0.1:5080"), FLOODER)) {
        RawMessage options = tcp.message("valid-options.sip", CALLCENTER_NUMBER);
        sendQuietly(tcp, options.bytes());
        await().atMost(WAIT).until(() -> !tcp.open());
        assertThat(tcp.responses()).as("a banned source's TCP connection: closed").isEmpty();
      } catch (java.io.UncheckedIOException refused) {
        // refused while it was opened: what a banned source should get
      }
      for (RawMessage m : whileBanned) {
        assertThat(wire.responsesTo(m.branch())).as("answers while banned").isEmpty();
      }
    }
    nothingMovedAndTheLabStillWorks(1);
  }

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"udp", "tcp"})
  void anOversizedMessageIsDroppedOrItsConnectionClosedAndCostsNothing(String transport)
      throws Exception {
    SipLimits limits = edgeLimits();
    Assumptions.assumeTrue(
        transport.equals("tcp") || limits.maxMessageBytes() < 65000,
        "this lab's size limit is over what one UDP datagram can carry");
    LimitCounters before = edge().limitCounters();
    String head = "OPTIONS sip:" + DID + "@127.0.0.1:5060 SIP/2.0\r\nSubject: ";
    if (transport.equals("udp")) {
      try (SipWire wire = SipWire.udp(HostPort.parse(EDGE), ATTACKER)) {
        byte[] datagram = new byte[limits.maxMessageBytes() + 1024];
        Arrays.fill(datagram, (byte) 'a');
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, datagram, 0, head.length());
        wire.send(datagram);
        await()
            .atMost(WAIT)
            .until(() -> edge().limitCounters().oversizedDatagrams() > before.oversizedDatagrams());
        Thread.sleep(300);
        assertThat(wire.messages()).as("no answer to an oversized datagram").isEmpty();
      }
    } else {
      // A header line of 8 MB on one connection: the edge closes it once it passes the limit,
      // unparsed, and its heap does not grow with what was sent.
      long heapBefore = usedHeapAfterGc();
      long sent = 0;
      try (Socket socket = connect(ATTACKER, 5060)) {
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[65536];
        Arrays.fill(chunk, (byte) 'a');
        try {
          for (int i = 0; i < 128; i++) {
            out.write(chunk);
            sent += chunk.length;
          }
        } catch (IOException closed) {
          // the edge closed it: what it should do
        }
        assertThat(closedWithin(socket, Duration.ofSeconds(5))).as("connection closed").isTrue();
      }
      assertThat(edge().limitCounters().oversizedStreams())
          .isGreaterThan(before.oversizedStreams());
      long grown = usedHeapAfterGc() - heapBefore;
      System.out.printf(
          "AttackerTest: %d KB of one header line sent before SBC-edge closed the connection;"
              + " heap %+d MB%n",
          sent / 1024, grown / (1024 * 1024));
      assertThat(grown).as("heap grown (bytes)").isLessThan(32L * 1024 * 1024);
    }
    nothingMovedAndTheLabStillWorks(0);
  }

  @Test
  void aMessageWhoseBodyNeverEndsIsClosedWithinTheReadTimeout() throws Exception {
    Duration readTimeout = edgeLimits().tcpReadTimeout();
    long readTimeoutsBefore = edge().limitCounters().readTimeouts();
    try (SipWire wire = SipWire.tcp(HostPort.parse(EDGE), ATTACKER)) {
      String invite =
          new String(wire.message("attacker-invite.sip", DID).bytes(), StandardCharsets.ISO_8859_1);
      int bodyAt = invite.indexOf("\r\n\r\n") + 4;
      wire.send(invite.substring(0, bodyAt + 10).getBytes(StandardCharsets.ISO_8859_1));
      long started = System.nanoTime();
      await().atMost(readTimeout.plusSeconds(3)).until(() -> !wire.open());
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took).as("closed after").isGreaterThanOrEqualTo(readTimeout.minusMillis(500));
      assertThat(wire.responses()).as("answers to half an INVITE").isEmpty();
    }
    assertThat(edge().limitCounters().readTimeouts()).isGreaterThan(readTimeoutsBefore);
    nothingMovedAndTheLabStillWorks(0);
  }

  @Test
  void idleConnectionsPastASourcesShareAreClosedAtOnce() throws Exception {
    int share = edgeLimits().tcpConnectionsPerSource();
    int extra = 16;
    long refusedBefore = edge().limitCounters().refusedConnections();
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < share + extra; i++) {
        try {
          sockets.add(connect(HOARDER, 5060));
        } catch (IOException refused) {
          // refused at once: counted below as closed
        }
      }
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(openOf(sockets))
                      .as("connections the edge keeps for one source")
                      .isLessThanOrEqualTo(share));
      assertThat(edge().limitCounters().refusedConnections() - refusedBefore)
          .isGreaterThanOrEqualTo(extra);
      // Other sources are not starved: the lab's caller still calls over UDP, and TCP is open.
      try (SipWire other = SipWire.tcp(HostPort.parse(EDGE), ATTACKER)) {
        RawMessage options = other.message("valid-options.sip", DID);
        other.send(options);
        assertThat(other.awaitFinal(options.branch(), WAIT).orElseThrow().status()).isEqualTo(200);
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
    nothingMovedAndTheLabStillWorks(0);
  }

  // ---- (5) every call has a lifetime ----

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"udp", "tcp"})
  void anInviteWhose200IsNeverAckedIsReleasedByTimerH(String transport) throws Exception {
    Duration timerH = lab.config().sbcs().get("sbc-edge").lifetime().ackTimeout();
    try (SipWire wire = wire(transport, 5060, ATTACKER)) {
      RawMessage invite = wire.message("attacker-invite.sip", DID);
      WireResponse ok = finalAnswer(wire, invite);
      assertThat(ok.status()).as("a DID's call: %s", ok).isEqualTo(200);
      String sipCallId = invite.header("Call-ID");
      // the registry hears of the answer just after the caller does
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(registryCall(sipCallId))
                      .as("the call, before Timer H")
                      .isEqualTo("active"));
      // No ACK: after Timer H the edge sends BYE to the caller and ends the call behind it.
      await()
          .atMost(timerH.plus(WAIT))
          .until(() -> wire.messages().stream().anyMatch(m -> m.startsWith("BYE ")));
      await().atMost(WAIT).until(() -> registryCall(sipCallId).equals("ended"));
    }
    nothingMovedAndTheLabStillWorks(1);
  }

  // ---- (2) transfer destination policy ----

  @Test
  void transfersToForbiddenNumbersAndUrisAre403AndSendNoSip() throws Exception {
    String callId = callOf(live).get("id").asText();
    Map<String, String> forbidden = new LinkedHashMap<>();
    forbidden.put("+19005550000", "number-type"); // premium rate
    forbidden.put("+18765550100", "allowed-numbers"); // Jamaica: +1, yet not US or CA
    forbidden.put("+881612345678", "allowed-numbers"); // a satellite number: in no country
    forbidden.put("sip:+13125550100@127.0.0.1:5080", "network-element"); // the proxy
    forbidden.put("sip:attacker@127.0.0.1:8080", "network-element"); // the API itself
    forbidden.put("sip:+16465550111@sip.example.net", "sip-domain");
    for (var f : forbidden.entrySet()) {
      var r = acme.post("/v1/calls/" + callId + "/transfer", "{\"to\":\"" + f.getKey() + "\"}");
      assertThat(r.status()).as("%s: %s", f.getKey(), r.body()).isEqualTo(403);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.body().get("type").asText())
          .isEqualTo("https://baton.dev/problems/transfer-policy");
      assertThat(r.body().get("rule").asText()).as(f.getKey()).isEqualTo(f.getValue());
    }
    // A policy that allows every +8 number still refuses satellite numbers within it.
    Api admin = new Api(LabFixture.apiBase(), "admin-demo-key");
    String policy = admin.get(POLICY).body().toString();
    try {
      assertThat(
              admin
                  .put(
                      POLICY, policy.replace("\"allowedNumbers\":[", "\"allowedNumbers\":[\"+8\","))
                  .status())
          .isEqualTo(200);
      var r = acme.post("/v1/calls/" + callId + "/transfer", "{\"to\":\"+881612345678\"}");
      assertThat(r.status()).as(r.body().toString()).isEqualTo(403);
      assertThat(r.body().get("rule").asText()).isEqualTo("satellite");
    } finally {
      assertThat(admin.put(POLICY, policy).status()).isEqualTo(200);
    }
    // Another tenant's key does not even see the call.
    assertThat(
            globex.post("/v1/calls/" + callId + "/transfer", "{\"to\":\"target:sales\"}").status())
        .as("globex moving acme's call")
        .isEqualTo(404);
    JsonNode messages = acme.get("/v1/calls/" + callId + "/messages").body();
    for (JsonNode m : messages.get("items")) {
      assertThat(m.get("method").asText()).as(m.get("firstLine").asText()).isNotEqualTo("REFER");
    }
    nothingMovedAndTheLabStillWorks(0);
  }

  // ---- (9) webhooks into the network ----

  @Test
  void webhookUrlsIntoTheNetworkAre400AndNoneIsStored() throws Exception {
    List<String> refused =
        List.of(
            "http://127.0.0.1:8080/v1/calls", // the API itself: never, even where 127.0.0.1 is
            "http://127.0.0.2:16081/hook", // loopback, but not a host the lab allows http to
            "http://localhost:16081/hook",
            "https://[::1]:16081/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1/hook",
            "https://192.168.1.1/hook",
            "https://172.16.0.1/hook",
            "https://100.64.0.1/hook",
            "https://user:pass@example.com/hook",
            "ftp://example.com/hook");
    for (String url : refused) {
      var r =
          acme.put(
              "/v1/webhook", "{\"url\":\"" + url + "\",\"secret\":\"attacker-secret-0123456789\"}");
      assertThat(r.status()).as("%s: %s", url, r.body()).isIn(400, 422);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.body().get("detail").asText()).as(url).startsWith("url: ");
    }
    assertThat(acme.get("/v1/webhook").status()).as("no webhook was set").isEqualTo(404);
    nothingMovedAndTheLabStillWorks(0);
  }

  // ---- an outside attacker's tool ----

  @Test
  void sipviciousFindsNoExtensionAndLeavesNothingBehind() throws Exception {
    Path svwar = Path.of("/usr/bin/svwar");
    Assumptions.assumeTrue(
        Files.isExecutable(svwar) && Files.isExecutable(Path.of("/usr/bin/svmap")),
        "SIPVicious not installed (apt-get install sipvicious): svmap/svwar not run");
    String map = run("svmap", "-b", SCANNER, "-p", "5060,5070,5080,5090,5120", "127.0.0.1");
    assertThat(map).as("svmap's report").contains("127.0.0.1:5060");
    for (String port : List.of("5060", "5080", "5120")) {
      String war =
          run(
              "svwar",
              "-b",
              SCANNER,
              "-p",
              port,
              "-m",
              "INVITE",
              "-e",
              "100-149",
              "-t",
              "0.02",
              "127.0.0.1");
      assertThat(war).as("svwar on %s", port).doesNotContainPattern("\\| *1[0-4][0-9] *\\|");
    }
    nothingMovedAndTheLabStillWorks(0);
  }

  // ---- what every attack must leave as it found it ----

  /**
   * (b), (c) and (d): no call, transfer, REFER or registry entry created (but {@code callsAdmitted}
   * calls, ended since), the live call where it was with its audio flowing, every resource back to
   * its figure before the attack; then the live call is transferred and a new call answered.
   */
  private void nothingMovedAndTheLabStillWorks(int callsAdmitted) throws Exception {
    assertLiveCallInPlace();
    assertBackTo(idle);
    Map<String, Long> expected = new TreeMap<>(totals);
    expected.merge("calls ended", (long) callsAdmitted, Long::sum);
    expected.merge("registry calls", (long) callsAdmitted, Long::sum);
    assertThat(created()).as("calls, transfers, REFERs and registry entries").isEqualTo(expected);

    String callId = callOf(live).get("id").asText();
    JsonNode moved = awaitTransfer(transfer(callId, "{\"to\":\"target:sales\"}"), "completed");
    assertThat(moved.get("sipStatus").asInt()).isEqualTo(200);
    assertReceiving(live.rtp(), "the live call, transferred after the attack");
    live.hangUp();
    UaCall fresh = call(DID);
    assertReceiving(fresh.rtp(), "a new call after the attack");
    String freshId = callOf(fresh).get("id").asText();
    fresh.hangUp();
    assertNothingLeaked(callId, freshId);
  }

  private void assertLiveCallInPlace() {
    JsonNode call = callOf(live);
    assertThat(call.get("transfers")).as("transfers of the live call").isEmpty();
    assertThat(legStates(call))
        .containsEntry("sbc-edge->proxy", "active")
        .containsEntry("proxy->sbc-dest", "active")
        .containsEntry("sbc-dest->callcenter", "active");
    assertThat(live.state().name()).isEqualTo("CONFIRMED");
    assertThat(live.inDialogRequests())
        .as("requests the caller got")
        .doesNotContain("BYE", "REFER");
    assertReceiving(live.rtp(), "the live call, after the attack");
  }

  /** What the lab holds now: calls, legs, relay and RTP ports, timers, dialogs, connections. */
  private static Map<String, Long> held() throws Exception {
    Map<String, Long> out = new TreeMap<>();
    PrometheusText metrics = ObservabilityTest.scrape();
    for (String name :
        List.of("baton_calls_active", "baton_legs_active", "baton_relay_ports_in_use")) {
      out.put(name, (long) metrics.sum(name));
    }
    for (String name : List.of("sbc-edge", "sbc-dest", "sbc-carrier")) {
      Sbc sbc = lab.element(name, Sbc.class);
      out.put(name + " calls", (long) sbc.activeCalls());
      out.put(name + " timers", (long) sbc.armedTimers());
      out.put(name + " relay ports", sbc.relay() == null ? 0L : sbc.relay().portsInUse());
      out.put(name + " TCP connections", (long) sbc.limitCounters().openConnections());
      out.put(name + " sources", (long) sbc.limitCounters().sources());
    }
    out.put("proxy dialogs", (long) lab.element("proxy", ProxyServer.class).dialogs());
    out.put("callcenter RTP ports", (long) callcenter().rtpPortsInUse());
    out.put("TCP connection threads", connectionThreads());
    return out;
  }

  /** Totals that only grow: what an attack may have created. */
  private static Map<String, Long> created() throws Exception {
    Map<String, Long> out = new TreeMap<>();
    PrometheusText metrics = ObservabilityTest.scrape();
    out.put("calls ended", (long) metrics.sum("baton_calls_total"));
    out.put("transfers ended", (long) metrics.sum("baton_transfers_total"));
    out.put("registry calls", (long) lab.callRegistry().orElseThrow().recent(10_000).size());
    out.put("REFERs relayed", lab.element("proxy", ProxyServer.class).refersRelayed());
    out.put("carrier calls", (long) endpoint("pstn-sales").calls().size());
    return out;
  }

  private static void assertBackTo(Map<String, Long> before) {
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              Map<String, Long> now = held();
              for (var figure : before.entrySet()) {
                assertThat(now.get(figure.getKey()))
                    .as("%s (before the attack %s, now %s)", figure.getKey(), before, now)
                    .isLessThanOrEqualTo(figure.getValue());
              }
            });
  }

  // ---- the attacker's tools ----

  private static SipLimits edgeLimits() {
    return lab.config().sbcs().get("sbc-edge").sip().limits();
  }

  private static SipWire wire(String transport, int port, String from) {
    HostPort target = new HostPort("127.0.0.1", port);
    return transport.equals("udp") ? SipWire.udp(target, from) : SipWire.tcp(target, from);
  }

  /** Sends {@code request} and waits for its final answer. */
  private static WireResponse finalAnswer(SipWire wire, RawMessage request) {
    wire.send(request);
    WireResponse r = wire.awaitFinal(request.branch(), WAIT).orElseThrow();
    assertThat(r.status()).as("final answer to %s: %s", request, r).isGreaterThanOrEqualTo(200);
    return r;
  }

  /**
   * The ACK of a non-2xx answer: the INVITE's transaction, with the answer's To (RFC 3261
   * §17.1.1.3).
   */
  private static byte[] ack(RawMessage invite, WireResponse answer) {
    String ack =
        "ACK "
            + new String(invite.bytes(), StandardCharsets.ISO_8859_1).split(" ", 3)[1]
            + " SIP/2.0\r\nVia: "
            + invite.header("Via")
            + "\r\nMax-Forwards: 70\r\nFrom: "
            + invite.header("From")
            + "\r\nTo: "
            + answer.header("To")
            + "\r\nCall-ID: "
            + invite.header("Call-ID")
            + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
    return ack.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void sendQuietly(SipWire wire, byte[] bytes) {
    try {
      wire.send(bytes);
    } catch (java.io.UncheckedIOException closed) {
      // already closed by the element
    }
  }

  private static Socket connect(String from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    return socket;
  }

  /** True once the peer closed (or reset) the connection, within {@code within}. */
  private static boolean closedWithin(Socket socket, Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // whatever it says before closing
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** How many of {@code sockets} the peer still holds open. */
  private static long openOf(List<Socket> sockets) throws IOException {
    long open = 0;
    for (Socket s : sockets) {
      if (!s.isClosed() && !closedWithin(s, Duration.ofMillis(20))) {
        open++;
      }
    }
    return open;
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The registry's state of the call with this SIP Call-ID at SBC-edge ({@code none} if none). */
  private static String registryCall(String sipCallId) {
    return lab.callRegistry()
        .orElseThrow()
        .findBySipCallId(sipCallId)
        .map(c -> c.state())
        .orElse("none");
  }

  /** The registry's leg of {@code element} in the live call. */
  private static Leg legOf(UaCall ua, String element) {
    return lab
        .callRegistry()
        .orElseThrow()
        .find(callOf(ua).get("id").asText())
        .orElseThrow()
        .legs()
        .stream()
        .filter(l -> l.element().equals(element) && l.state().wire().equals("active"))
        .findFirst()
        .orElseThrow();
  }

  /** Runs a SIPVicious command (30 s at most) and returns what it printed. */
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = p.waitFor(30, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    System.out.printf("AttackerTest: %s%n%s%n", String.join(" ", command), out);
    assertThat(done).as("%s finished", command[0]).isTrue();
    return out;
  }
}
