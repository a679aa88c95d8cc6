package io.baton.sip;

import static io.baton.sip.wire.WireCase.ask;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sip.wire.MalformedCases;
import io.baton.sip.wire.SipWire;
import io.baton.sip.wire.WireCase;
import java.util.List;
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

  static Stream<WireCase> cases() {
    return Stream.concat(
        MalformedCases.common(),
        Stream.of(
            WireCase.answered("utf8-garbage-in-display-name.sip", 486),
            WireCase.answered("bye-unknown-dialog.sip", 481)));
  }

  static Stream<WireCase> tcpCases() {
    return cases().filter(WireCase::overTcp);
  }

  @AfterEach
  void stillServing() throws Exception {
    WireCase.assertServing(UAS, "bob");
    Response info =
        uac.send(call.createRequest(Request.INFO), call).finalResponse().get(5, TimeUnit.SECONDS);
    assertThat(info.getStatusCode()).as("INFO in the call set up before").isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void overUdp(WireCase c) {
    try (SipWire wire = SipWire.udp(UAS)) {
      check(wire, c);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpCases")
  void overTcp(WireCase c) {
    try (SipWire wire = SipWire.tcp(UAS)) {
      check(wire, c);
    }
  }

  private void check(SipWire wire, WireCase c) {
    int before = reachedHandler.size();
    c.check(wire, "bob");
    if (c.status() == WireCase.DROPPED) {
      assertThat(reachedHandler).as("requests that reached the handler").hasSize(before + 1);
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
}
