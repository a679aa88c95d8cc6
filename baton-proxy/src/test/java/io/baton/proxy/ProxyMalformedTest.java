package io.baton.proxy;

import static io.baton.sip.TrustPolicy.Permission.INVITE;
import static io.baton.sip.TrustPolicy.Permission.IN_DIALOG;
import static io.baton.sip.TrustPolicy.Permission.OPTIONS;
import static io.baton.sip.TrustPolicy.Permission.OTHER;
import static io.baton.sip.TrustPolicy.Permission.REFER;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import io.baton.sip.wire.MalformedCases;
import io.baton.sip.wire.SipWire;
import io.baton.sip.wire.WireCase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import javax.sip.header.CSeqHeader;
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
 * The proxy fed malformed SIP on the real wire (raw UDP and TCP): the right answer or none, nothing
 * relayed that should not be, and a call set up through it before the junk still carries in-dialog
 * requests afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyMalformedTest {
  private static final HostPort PROXY = new HostPort("127.0.0.1", 15250);
  private static final String NUMBER = "+13125550100";

  private ScheduledExecutorService scheduler;
  private ProxyServer proxy;
  private TestUa caller;
  private TestUa callee;
  private Calls.Established call;

  @BeforeAll
  void start() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    caller = TestUa.start("sbc-edge", 15251);
    callee = TestUa.start("sbc-dest", 15252);
    proxy =
        ProxyServer.start(
            "proxy",
            new ProxyConfig(
                SipConfig.at(PROXY),
                List.of(new PrefixRoute("+1312555", callee.address())),
                // The raw sockets send from ephemeral loopback ports, over UDP and TCP.
                new TrustPolicy(
                    List.of(
                        new Peer("wire", "127.0.0.1", INVITE, IN_DIALOG, OPTIONS, REFER, OTHER)),
                    null),
                null),
            new RecordingRegistry(),
            new PeerNames(Map.of("sbc-dest", callee.address())),
            Clock.systemUTC(),
            scheduler);
    call = Calls.establish(caller, callee, Calls.invite(caller, PROXY, NUMBER).build());
    callee.reset();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Response byeOk =
          caller.sendAndWait(call.callerDialog().createRequest(Request.BYE), call.callerDialog());
      assertThat(byeOk.getStatusCode()).as("BYE of the call set up before").isEqualTo(200);
    } finally {
      proxy.close();
      caller.close();
      callee.close();
      scheduler.shutdownNow();
    }
  }

  static Stream<WireCase> cases() {
    return Stream.concat(
        MalformedCases.common(),
        Stream.of(
            WireCase.answered("invite-max-forwards-zero.sip", 483),
            WireCase.answered("bye-unknown-dialog.sip", 481)));
  }

  static Stream<WireCase> tcpCases() {
    return cases().filter(WireCase::overTcp);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void overUdp(WireCase c) {
    try (SipWire wire = SipWire.udp(PROXY)) {
      c.check(wire, NUMBER);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpCases")
  void overTcp(WireCase c) {
    try (SipWire wire = SipWire.tcp(PROXY)) {
      c.check(wire, NUMBER);
    }
  }

  /**
   * Proxies forward methods they do not know (RFC 3261 §16.6): the callee's stack, a user agent,
   * answers it 501 (§8.2.1), and the proxy relays that.
   */
  @Test
  void anUnknownMethodIsForwardedAndAnsweredByTheCallee() {
    try (SipWire wire = SipWire.udp(PROXY)) {
      WireCase.ask(wire, "unknown-method.sip", NUMBER, 501);
    }
  }

  /** A request without Max-Forwards is forwarded with one the proxy adds: 70 (§16.6 step 3). */
  @Test
  void aRequestWithoutMaxForwardsIsForwardedWithSeventy() {
    try (SipWire wire = SipWire.udp(PROXY)) {
      WireCase.ask(wire, "options-no-max-forwards.sip", NUMBER, 200);
    }
    assertThat(Messages.headerValue(callee.awaitRequest(Request.OPTIONS).request(), "Max-Forwards"))
        .isEqualTo("70");
  }

  /** An escaped user part routes as its unescaped self (RFC 3261 §19.1.2, §19.1.4). */
  @Test
  void anEscapedNumberRoutesLikeTheNumber() {
    try (SipWire wire = SipWire.udp(PROXY)) {
      WireCase.ask(wire, "valid-options.sip", NUMBER.replace("+", "%2B"), 200);
    }
    assertThat(callee.awaitRequest(Request.OPTIONS)).isNotNull();
  }

  @Test
  void aBurstOfJunkLeavesTheProxyRouting() {
    List<String> junk =
        List.of("garbage.bin", "no-via.sip", "malformed-via.sip", "response-broadcast-via.sip");
    try (SipWire wire = SipWire.udp(PROXY)) {
      for (int i = 0; i < 500; i++) {
        wire.send(wire.message(junk.get(i % junk.size()), NUMBER));
      }
      WireCase.ask(wire, "valid-options.sip", NUMBER, 200);
    }
  }

  /**
   * Junk never reaches the callee side (the valid OPTIONS probes are the only requests it sees, and
   * no stray response is relayed), and the call from before still carries requests.
   */
  @AfterEach
  void nothingLost() throws Exception {
    WireCase.assertServing(PROXY, NUMBER);
    Response info =
        caller.sendAndWait(call.callerDialog().createRequest(Request.INFO), call.callerDialog());
    assertThat(info.getStatusCode()).as("INFO in the call set up before").isEqualTo(200);
    assertThat(callee.methods())
        .as("requests forwarded to the callee side")
        .allMatch(m -> List.of(Request.OPTIONS, Request.INFO, "FROBNICATE").contains(m));
    assertThat(callee.strays()).isEmpty();
    assertThat(caller.strays()).filteredOn(r -> !isRetransmitted2xx(r)).isEmpty();
    caller.strays().clear();
    callee.reset();
  }

  /**
   * The callee retransmits the 2xx of the call set up before until the ACK reaches it (RFC 3261
   * §13.3.1.4): on a loaded machine a copy arrives after the caller's dialog took the first one.
   * That is the proxy relaying a real response, not junk getting through.
   */
  private boolean isRetransmitted2xx(Response r) {
    return r.getStatusCode() / 100 == 2
        && Request.INVITE.equals(((CSeqHeader) r.getHeader(CSeqHeader.NAME)).getMethod())
        && call.callerDialog().getCallId().getCallId().equals(Messages.callId(r));
  }
}
