package io.baton.sbc;

import static io.baton.sbc.Lab.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.SipConfig;
import io.baton.sip.wire.MalformedCases;
import io.baton.sip.wire.SipWire;
import io.baton.sip.wire.WireCase;
import io.baton.sip.wire.WireResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SBC-edge, the element callers reach first, fed malformed SIP on the real wire (raw UDP and TCP):
 * every message gets the answer RFC 3261 asks for or none, and a call set up before the junk stays
 * up through all of it, and new calls still connect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbcMalformedTest {
  private static final HostPort EDGE = at(15360);
  private static final String DID = "+18005550100";

  private Lab lab;
  private Sbc edge;
  private TestPhone caller;
  private TestPhone agent;
  private TestPhone.PhoneCall call;

  /** INVITEs the agent should have had: junk must never reach it. */
  private int agentInvites;

  @BeforeAll
  void start() throws Exception {
    lab = new Lab("42450-42499");
    TestRedirect redirect = lab.redirect(15361);
    caller = lab.phone("caller", 15362);
    agent = lab.phone("agent", 15363);
    redirect.route(DID, agent.uri("+13125550100").toString());
    edge =
        lab.sbc(
            "sbc-edge",
            new SbcConfig(
                Role.EDGE,
                SipConfig.at(EDGE),
                at(15361),
                null,
                Lab.edgeTrust(agent),
                new MediaConfig(true, "127.0.0.1", "42400-42449"),
                Duration.ofSeconds(30),
                null),
            Map.of("agent", agent.address()));
    call = connect();
  }

  private TestPhone.PhoneCall connect() {
    return connect(DID);
  }

  private TestPhone.PhoneCall connect(String dialled) {
    TestPhone.PhoneCall placed;
    try {
      placed = caller.dial(Messages.get().uri(dialled, EDGE), Map.of());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> placed.finalResponse != null && placed.dialog != null);
    assertThat(placed.finalResponse.getStatusCode()).isEqualTo(200);
    agentInvites++;
    return placed;
  }

  /** The call set up before any junk is hung up last, and its BYE crosses the SBC. */
  @AfterAll
  void stop() throws Exception {
    try {
      TestPhone.PhoneCall answered = agent.calls().get(0);
      call.hangUp();
      await().atMost(Duration.ofSeconds(5)).until(() -> answered.byeReceived);
      await().atMost(Duration.ofSeconds(5)).until(() -> edge.activeCalls() == 0);
    } finally {
      lab.close();
    }
  }

  static Stream<WireCase> cases() {
    return Stream.concat(
        MalformedCases.common(),
        Stream.of(
            WireCase.answered("bye-unknown-dialog.sip", 481),
            WireCase.answered("invite-max-forwards-zero.sip", 483),
            WireCase.answered("invite-unknown-content-type.sip", 415),
            WireCase.answered("invite-unusable-sdp.sip", 488),
            WireCase.answered("invite-rejected-sdp.sip", 488)));
  }

  static Stream<WireCase> tcpCases() {
    return cases().filter(WireCase::overTcp);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void overUdp(WireCase c) {
    try (SipWire wire = SipWire.udp(EDGE)) {
      checkAnswer(c, c.check(wire, DID));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tcpCases")
  void overTcp(WireCase c) {
    try (SipWire wire = SipWire.tcp(EDGE)) {
      checkAnswer(c, c.check(wire, DID));
    }
  }

  private static void checkAnswer(WireCase c, WireResponse response) {
    if (c.status() == 405) {
      assertThat(response.header("Allow")).contains("INVITE");
    }
    if (c.status() == 415) {
      assertThat(response.header("Accept")).isEqualTo("application/sdp");
    }
  }

  /** Nothing the junk did is left behind, and the call from before still has its media path. */
  @AfterEach
  void nothingLost() throws Exception {
    WireCase.assertServing(EDGE, DID);
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.activeCalls() == 1);
    var reinvite = call.request(Request.INVITE, Map.of(), call.offer);
    assertThat(reinvite.getStatusCode()).as("re-INVITE in the call set up before").isEqualTo(200);
    assertThat(agent.received(Request.INVITE)).hasSize(agentInvites);
  }

  @Test
  void aCallWithGarbageInTheCallerNameStillConnects() throws Exception {
    try (SipWire wire = SipWire.udp(EDGE)) {
      agent.answering(TestPhone.Answer.reject(486));
      WireCase.ask(wire, "utf8-garbage-in-display-name.sip", DID, 486);
      agentInvites++;
      List<Request> invites = agent.received(Request.INVITE);
      assertThat(Messages.headerValue(invites.get(invites.size() - 1), "From"))
          .contains("<sip:caller@");
    } finally {
      agent.answering(TestPhone.Answer.ok());
    }
  }

  /** An escaped DID is the DID (RFC 3261 §19.1.2, §19.1.4): the call connects. */
  @Test
  void aCallToAnEscapedNumberConnects() throws Exception {
    TestPhone.PhoneCall escaped = connect(DID.replace("+", "%2B"));
    TestPhone.PhoneCall answered = agent.calls().get(agent.calls().size() - 1);
    escaped.hangUp();
    await().atMost(Duration.ofSeconds(5)).until(() -> answered.byeReceived);
  }

  @Test
  void aBurstOfJunkLeavesCallsConnecting() throws Exception {
    List<String> junk =
        List.of("garbage.bin", "no-via.sip", "malformed-via.sip", "response-broadcast-via.sip");
    try (SipWire wire = SipWire.udp(EDGE)) {
      for (int i = 0; i < 500; i++) {
        wire.send(wire.message(junk.get(i % junk.size()), DID));
      }
      WireCase.ask(wire, "valid-options.sip", DID, 200);
    }
    TestPhone.PhoneCall second = connect();
    TestPhone.PhoneCall answered = agent.calls().get(agent.calls().size() - 1);
    second.hangUp();
    await().atMost(Duration.ofSeconds(5)).until(() -> answered.byeReceived);
  }
}
