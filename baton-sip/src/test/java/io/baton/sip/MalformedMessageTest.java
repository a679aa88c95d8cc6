package io.baton.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.sip.wire.RawMessage;
import io.baton.sip.wire.SipWire;
import io.baton.sip.wire.WireResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sip.Dialog;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed SIP on the real wire (raw UDP datagrams and TCP streams, no stack on the sending side)
 * to a bare {@link SipEndpoint}: each message gets the answer RFC 3261 asks for, or none where no
 * answer can or may be sent, and afterwards the endpoint still answers and a call set up before the
 * junk is still up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedMessageTest {
  private static final HostPort UAS = new HostPort("127.0.0.1", 15010);
  private static final HostPort UAC = new HostPort("127.0.0.1", 15011);

  /** Few stack threads, so a fault that kills one shows within a handful of messages. */
  private static final int THREADS = 4;

  private SipEndpoint uas;
  private SipEndpoint uac;
  private Dialog call;
  private final List<Request> reachedHandler = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    uas =
        SipEndpoint.start(
            "uas",
            StackMode.USER_AGENT,
            new SipConfig(UAS, List.of("udp", "tcp"), THREADS, null),
            this::answer);
    uac = SipEndpoint.start("uac", StackMode.USER_AGENT, SipConfig.at(UAC), r -> {});
    OutboundTransaction invite =
        uac.send(uac.request(Request.INVITE, uac.messages().uri("call", UAS)).build());
    Response ok = invite.finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(ok.getStatusCode()).isEqualTo(200);
    call = invite.dialog();
    uac.ack(call, ok);
  }

  @AfterAll
  void stop() {
    uac.close();
    uas.close();
  }

  /**
   * A plain user agent: OPTIONS, INFO and BYE get 200, an INVITE to {@code call} is answered and
   * any other INVITE is busy; OPTIONS to {@code overflow} fails the way deep recursion does.
   */
  private void answer(InboundRequest request) {
    reachedHandler.add(request.request());
    String user = Messages.userOf(request.request().getRequestURI());
    switch (request.method()) {
      case Request.OPTIONS -> {
        if ("overflow".equals(user)) {
          throw new StackOverflowError("handler recursed too deep");
        }
        request.respond(Response.OK);
      }
      case Request.INFO, Request.BYE -> request.respond(Response.OK);
      case Request.INVITE ->
          request.respond("call".equals(user) ? Response.OK : Response.BUSY_HERE);
      case Request.ACK -> {}
      default -> request.respond(Response.METHOD_NOT_ALLOWED);
    }
  }

  /**
   * What a fixture must get: a status (with a reason phrase naming the problem, where Baton writes
   * it), or nothing at all ({@link #DROPPED}). Messages whose framing only a datagram gives are not
   * sent over TCP.
   */
  record Case(String fixture, int status, boolean overTcp, String reason) {
    @Override
    public String toString() {
      return fixture + " -> " + (status == DROPPED ? "dropped" : status);
    }
  }

  static final int DROPPED = 0;

  static Stream<Case> cases() {
    return Stream.of(
        new Case("valid-options.sip", 200, true, null),
        new Case("tortuous-valid-options.sip", 200, true, null),
        new Case("utf8-garbage-in-display-name.sip", 486, true, null),
        new Case("huge-header.sip", 200, true, null),
        new Case("garbage.bin", DROPPED, true, null),
        new Case("no-via.sip", DROPPED, true, null),
        new Case("malformed-via.sip", DROPPED, true, null),
        new Case("missing-call-id.sip", 400, true, "Missing Call-ID"),
        new Case("missing-from-to-call-id.sip", 400, true, "Missing Call-ID"),
        new Case("truncated-invite.sip", 400, false, "Truncated"),
        new Case("bad-content-length.sip", 400, false, "Content-Length"),
        new Case("negative-content-length.sip", 400, true, "Content-Length"),
        new Case("duplicate-content-length.sip", 400, true, "Duplicate Content-Length"),
        new Case("duplicate-call-id.sip", 400, true, "Duplicate Call-ID"),
        new Case("cseq-method-mismatch.sip", 400, true, null),
        new Case("unknown-method-cseq-mismatch.sip", 400, true, null),
        new Case("overlarge-cseq.sip", DROPPED, true, null),
        new Case("bad-sip-version.sip", 505, true, null),
        new Case("unterminated-quote-in-display-name.sip", 400, true, "From"),
        new Case("request-uri-in-angle-brackets.sip", 400, true, "Request-Line"),
        new Case("invalid-request-uri.sip", 400, true, "Request-Line"),
        new Case("unknown-uri-scheme.sip", 416, true, null),
        new Case("bye-unknown-dialog.sip", 481, true, null),
        new Case("ack-bad-cseq.sip", DROPPED, true, null),
        new Case("malformed-status-line.sip", DROPPED, true, null),
        new Case("response-broadcast-via.sip", DROPPED, true, null));
  }

  static Stream<Case> tcpCases() {
    return cases().filter(Case::overTcp);
  }

  @AfterEach
  void stillServing() throws Exception {
    try (SipWire probe = SipWire.udp(UAS)) {
      ask(probe, "valid-options.sip", "bob", 200);
    }
    Response info =
        uac.send(call.createRequest(Request.INFO), call).finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(info.getStatusCode()).as("INFO in the call set up before").isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void overUdp(Case c) {
    try (SipWire wire = SipWire.udp(UAS)) {
      check(wire, c);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpCases")
  void overTcp(Case c) {
    try (SipWire wire = SipWire.tcp(UAS)) {
      check(wire, c);
    }
  }

  private void check(SipWire wire, Case c) {
    RawMessage message = wire.message(c.fixture(), "bob");
    wire.send(message);
    if (c.status() == DROPPED) {
      assertDropped(wire, message);
    } else {
      WireResponse response = assertAnswered(wire, message, c.status());
      if (c.reason() != null) {
        assertThat(response.reason()).as("reason phrase").contains(c.reason());
      }
    }
  }

  @Test
  void aBurstOfJunkLeavesTheEndpointAnswering() {
    List<String> junk =
        List.of(
            "garbage.bin",
            "no-via.sip",
            "malformed-via.sip",
            "ack-bad-cseq.sip",
            "malformed-status-line.sip",
            "response-broadcast-via.sip");
    try (SipWire wire = SipWire.udp(UAS)) {
      for (int i = 0; i < 500; i++) {
        wire.send(wire.message(junk.get(i % junk.size()), "bob"));
      }
      ask(wire, "valid-options.sip", "bob", 200);
      assertThat(wire.responses()).hasSize(1);
    }
  }

  @Test
  void aHandlerThatOverflowsItsStackCostsNoStackThread() {
    try (SipWire wire = SipWire.udp(UAS)) {
      for (int i = 0; i < THREADS * 2; i++) {
        ask(wire, "valid-options.sip", "overflow", 500);
      }
    }
  }

  /** Sends a fixture and checks the final response's status. */
  private static WireResponse ask(SipWire wire, String fixture, String user, int status) {
    RawMessage message = wire.message(fixture, user);
    wire.send(message);
    return assertAnswered(wire, message, status);
  }

  private static WireResponse assertAnswered(SipWire wire, RawMessage message, int status) {
    Optional<WireResponse> response = wire.awaitFinal(message.branch(), SipWire.WAIT);
    assertThat(response).as("answer to " + message).isPresent();
    assertThat(response.get().status())
        .as(message + " answered " + response.get())
        .isEqualTo(status);
    return response.get();
  }

  /**
   * Nothing comes back for {@code message}: a valid request sent after it is answered (over UDP
   * from the same socket; over TCP on a new connection, since the element may close one that
   * carried junk), and nothing else ever arrives.
   */
  private void assertDropped(SipWire wire, RawMessage message) {
    int before = reachedHandler.size();
    try (SipWire probe = "UDP".equals(wire.transport()) ? null : SipWire.tcp(UAS)) {
      SipWire on = probe == null ? wire : probe;
      RawMessage options = on.message("valid-options.sip", "bob");
      on.send(options);
      assertAnswered(on, options, 200);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(1))
          .until(() -> wire.responsesTo(message.branch()).isEmpty());
      assertThat(wire.responses())
          .as("responses to " + message)
          .allMatch(r -> r.answers(options.branch()));
      assertThat(reachedHandler).as("requests that reached the handler").hasSize(before + 1);
    }
  }
}
