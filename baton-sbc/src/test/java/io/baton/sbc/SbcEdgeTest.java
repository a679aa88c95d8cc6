package io.baton.sbc;

import static io.baton.sbc.Lab.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.media.RelaySide;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.SipConfig;
import io.baton.sip.sdp.SessionDescription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** SBC-edge call setup and release over real SIP and RTP on loopback (docs "Call setup"). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbcEdgeTest {
  private static final HostPort EDGE = at(15300);
  private static final HostPort REDIRECT = at(15301);
  private static final HostPort QUICK_EDGE = at(15306);
  private static final HostPort CAPPED_EDGE = at(15307);
  private static final String DID = "+18005550100";

  private Lab lab;
  private Sbc edge;
  private Sbc quickEdge;
  private Sbc cappedEdge;
  private TestRedirect redirect;
  private TestPhone caller;
  private TestPhone agent;
  private TestPhone stranger;
  private TestPhone failing;

  @BeforeAll
  void start() throws Exception {
    lab = new Lab("42200-42399");
    redirect = lab.redirect(15301);
    caller = lab.phone("caller", 15302);
    agent = lab.phone("agent", 15303);
    stranger = lab.phone("stranger", 15304);
    failing = lab.phone("failing", 15305);
    Map<String, HostPort> network = Map.of("sbc-edge", EDGE, "agent", agent.address());
    edge = lab.sbc("sbc-edge", edge(EDGE, "42000-42099", Duration.ofSeconds(30)), network);
    quickEdge =
        lab.sbc("sbc-quick", edge(QUICK_EDGE, "42100-42199", Duration.ofSeconds(1)), network);
    SbcConfig capped = edge(CAPPED_EDGE, "41900-41999", Duration.ofSeconds(30)).withMaxCalls(1);
    cappedEdge = lab.sbc("sbc-capped", capped, network);
  }

  private SbcConfig edge(HostPort listen, String ports, Duration noAnswer) {
    return new SbcConfig(
        Role.EDGE,
        SipConfig.at(listen),
        REDIRECT,
        null,
        Lab.edgeTrust(agent),
        new MediaConfig(true, "127.0.0.1", ports),
        noAnswer,
        null);
  }

  @AfterAll
  void stop() throws Exception {
    lab.close();
  }

  @BeforeEach
  void reset() {
    List.of(caller, agent, stranger, failing).forEach(TestPhone::reset);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                edge.activeCalls() == 0
                    && quickEdge.activeCalls() == 0
                    && cappedEdge.activeCalls() == 0);
    redirect.received.clear();
    redirect.route(DID, agent.uri("+13125550100").toString());
  }

  private TestPhone.PhoneCall dialEdge(Map<String, String> headers) throws Exception {
    return caller.dial(edgeUri(EDGE), headers);
  }

  private static SipURI edgeUri(HostPort at) {
    return Messages.get().uri(DID, at);
  }

  private static void awaitStatus(TestPhone.PhoneCall call, int status) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> call.finalResponse != null && call.finalResponse.getStatusCode() == status);
  }

  private void awaitAllReleased(Sbc sbc) {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> sbc.activeCalls() == 0 && sbc.relay().portsInUse() == 0);
  }

  @Test
  void pastMaxCallsANewCallGets503WithRetryAfterBeforeItIsRoutedOrAnchored() throws Exception {
    agent.answering(TestPhone.Answer.ringThenAnswer(200));
    TestPhone.PhoneCall held = caller.dial(edgeUri(CAPPED_EDGE), Map.of());
    awaitStatus(held, 200);
    int queries = redirect.received.size();
    int ports = cappedEdge.relay().portsInUse();

    TestPhone.PhoneCall refused = caller.dial(edgeUri(CAPPED_EDGE), Map.of());
    awaitStatus(refused, 503);
    assertThat(refused.finalResponse.getHeader("Retry-After").toString()).contains("5");
    assertThat(redirect.received).hasSize(queries);
    assertThat(cappedEdge.activeCalls()).isEqualTo(1);
    assertThat(cappedEdge.relay().portsInUse()).isEqualTo(ports);

    // The cap counts calls held, not calls ever made: once one ends, the next gets through.
    held.hangUp();
    awaitAllReleased(cappedEdge);
    TestPhone.PhoneCall next = caller.dial(edgeUri(CAPPED_EDGE), Map.of());
    awaitStatus(next, 200);
    next.hangUp();
    awaitAllReleased(cappedEdge);
  }

  @Test
  void aNationalNumberDialledIsTheCallsDidInE164() throws Exception {
    agent.answering(TestPhone.Answer.ringThenAnswer(200));
    redirect.route("800-555-0100", agent.uri("+13125550100").toString());
    TestPhone.PhoneCall call = caller.dial(Messages.get().uri("800-555-0100", EDGE), Map.of());
    awaitStatus(call, 200);

    assertThat(lab.call(call.sipCallId).did()).isEqualTo(DID);
    call.hangUp();
    awaitAllReleased(edge);
  }

  @Test
  void callIsAnchoredAtTheRelayAndMediaFlowsBothWays() throws Exception {
    agent.answering(TestPhone.Answer.ringThenAnswer(200));
    TestPhone.PhoneCall call = dialEdge(Map.of());
    awaitStatus(call, 200);
    TestPhone.PhoneCall answered = agent.calls().get(0);

    // Both sides see the relay, never each other.
    SessionDescription toCaller = call.remoteSdp();
    SessionDescription toAgent = answered.remoteSdp();
    assertThat(toCaller.audioPort()).isBetween(42000, 42099);
    assertThat(toAgent.audioPort()).isBetween(42000, 42099).isNotEqualTo(toCaller.audioPort());
    assertThat(call.provisional).contains(180);

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> call.rtp.packetsReceived() > 10 && answered.rtp.packetsReceived() > 10);
    assertThat(call.rtp.lastSource().getPort()).isEqualTo(toCaller.audioPort());
    assertThat(answered.rtp.lastSource().getPort()).isEqualTo(toAgent.audioPort());
    List<RelaySide> sides = edge.relay().sessions().get(0).sides();
    assertThat(sides).hasSize(2).allSatisfy(s -> assertThat(s.packetsIn()).isGreaterThan(10));
    assertThat(sides).allSatisfy(s -> assertThat(s.packetsOut()).isGreaterThan(10));

    // The registry knows the call by the caller's Call-ID, with both legs active.
    Call registered = lab.call(call.sipCallId);
    assertThat(registered.id()).matches("c-[0-9a-f]{16}");
    assertThat(registered.did()).isEqualTo(DID);
    Leg callerLeg = lab.leg(call.sipCallId);
    assertThat(callerLeg.element()).isEqualTo("caller");
    assertThat(callerLeg.peer()).isEqualTo("sbc-edge");
    assertThat(callerLeg.state()).isEqualTo(LegState.ACTIVE);
    assertThat(callerLeg.holder()).isEqualTo(EDGE.toString());
    assertThat(callerLeg.uacTag()).isEqualTo(Messages.fromTag(call.outgoing.request()));
    assertThat(callerLeg.uasTag()).isEqualTo(Messages.toTag(call.finalResponse));
    Leg leg1 = lab.leg(answered.sipCallId);
    assertThat(leg1.id()).matches("l-[0-9a-f]{16}");
    assertThat(leg1.element()).isEqualTo("sbc-edge");
    assertThat(leg1.peer()).isEqualTo("agent");
    assertThat(leg1.state()).isEqualTo(LegState.ACTIVE);
    assertThat(leg1.uacTag()).isEqualTo(Messages.fromTag(answered.invite.request()));
    assertThat(leg1.uasTag()).isEqualTo(answered.invite.localTag());

    // The trusted agent and the redirect server get the call id; the caller ID is kept.
    assertThat(answered.invite.header(BatonHeaders.CALL_ID)).isEqualTo(registered.id());
    assertThat(Messages.headerValue(redirect.received.get(0), BatonHeaders.CALL_ID))
        .isEqualTo(registered.id());
    assertThat(Messages.body(redirect.received.get(0))).isEmpty();
    assertThat(answered.invite.request().getHeader("From").toString()).contains("alice@");

    call.hangUp();
    await().atMost(Duration.ofSeconds(5)).until(() -> answered.byeReceived);
    awaitAllReleased(edge);
    assertThat(lab.leg(call.sipCallId).state()).isEqualTo(LegState.RELEASED);
    assertThat(lab.leg(answered.sipCallId).state()).isEqualTo(LegState.RELEASED);
    assertThat(lab.leg(answered.sipCallId).endedAt()).isNotNull();
  }

  @Test
  void byeFromTheCalleeHangsUpTheCaller() throws Exception {
    TestPhone.PhoneCall call = dialEdge(Map.of());
    awaitStatus(call, 200);
    TestPhone.PhoneCall answered = agent.calls().get(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> !agent.received(Request.ACK).isEmpty());

    answered.hangUp();

    await().atMost(Duration.ofSeconds(5)).until(() -> call.byeReceived);
    awaitAllReleased(edge);
    assertThat(lab.leg(call.sipCallId).state()).isEqualTo(LegState.RELEASED);
    assertThat(lab.leg(answered.sipCallId).state()).isEqualTo(LegState.RELEASED);
  }

  @Test
  void crankbackTriesTheNextContactAfter503() throws Exception {
    failing.answering(TestPhone.Answer.reject(503));
    redirect.route(
        DID, failing.uri("+13125550100").toString(), agent.uri("+13125550100").toString());

    TestPhone.PhoneCall call = dialEdge(Map.of());
    awaitStatus(call, 200);

    TestPhone.PhoneCall refused = failing.calls().get(0);
    Leg failed = lab.leg(refused.sipCallId);
    assertThat(failed.state()).isEqualTo(LegState.FAILED);
    assertThat(failed.sipStatus()).isEqualTo(503);
    assertThat(lab.leg(agent.calls().get(0).sipCallId).state()).isEqualTo(LegState.ACTIVE);
    call.hangUp();
    awaitAllReleased(edge);
  }

  @Test
  void busyIsRelayedToTheCallerWithoutTryingFurther() throws Exception {
    stranger.answering(TestPhone.Answer.reject(486));
    redirect.route(
        DID, stranger.uri("+13125550100").toString(), agent.uri("+13125550100").toString());

    TestPhone.PhoneCall call = dialEdge(Map.of());
    awaitStatus(call, 486);

    assertThat(agent.received(Request.INVITE)).isEmpty();
    Leg callerLeg = lab.leg(call.sipCallId);
    assertThat(callerLeg.state()).isEqualTo(LegState.FAILED);
    assertThat(callerLeg.sipStatus()).isEqualTo(486);
    assertThat(lab.leg(stranger.calls().get(0).sipCallId).sipStatus()).isEqualTo(486);
    awaitAllReleased(edge);
  }

  @Test
  void aRefusalFromTheRedirectServerIsRelayed() throws Exception {
    redirect.refuse(DID, 404);
    TestPhone.PhoneCall call = dialEdge(Map.of());
    awaitStatus(call, 404);
    awaitAllReleased(edge);
    // Routing comes first: a call with nowhere to go was never recorded.
    assertThat(lab.registry.findBySipCallId(call.sipCallId)).isEmpty();
  }

  @Test
  void callerCancelReachesTheCalleeAndEndsWith487() throws Exception {
    agent.answering(TestPhone.Answer.ringForever());
    TestPhone.PhoneCall call = dialEdge(Map.of());
    await().atMost(Duration.ofSeconds(5)).until(() -> call.provisional.contains(180));

    call.cancel();

    await().atMost(Duration.ofSeconds(5)).until(() -> !agent.received(Request.CANCEL).isEmpty());
    awaitStatus(call, 487);
    awaitAllReleased(edge);
    assertThat(lab.leg(call.sipCallId).state()).isEqualTo(LegState.FAILED);
    assertThat(lab.leg(agent.calls().get(0).sipCallId).sipStatus()).isEqualTo(487);
  }

  @Test
  void noAnswerCancelsTheLegAndAnswers408() throws Exception {
    agent.answering(TestPhone.Answer.ringForever());
    TestPhone.PhoneCall call = caller.dial(edgeUri(QUICK_EDGE), Map.of());

    awaitStatus(call, 408);
    await().atMost(Duration.ofSeconds(5)).until(() -> !agent.received(Request.CANCEL).isEmpty());
    awaitAllReleased(quickEdge);
  }

  @Test
  void batonHeadersNeverReachUntrustedPeersAndCallersCannotForgeThem() throws Exception {
    redirect.route(DID, stranger.uri("+13125550100").toString());
    TestPhone.PhoneCall call =
        dialEdge(
            Map.of(
                "X-Baton-Call-Id", "c-0000000000000bad",
                "X-Baton-Transfer-Id", "t-1",
                "Diversion", "<sip:+15550000000@example.com>;reason=unknown"));
    awaitStatus(call, 200);

    Request atStranger = stranger.received(Request.INVITE).get(0);
    assertThat(Messages.batonHeaderNames(atStranger)).isEmpty();
    assertThat(atStranger.getHeader("Diversion")).isNull(); // SBC-edge passes nothing a caller sent
    assertThat(Messages.batonHeaderNames(call.finalResponse)).isEmpty();
    assertThat(lab.call(call.sipCallId).id()).isNotEqualTo("c-0000000000000bad");
    call.hangUp();
    awaitAllReleased(edge);
  }

  @Test
  void requestsTheSbcCannotServeGetTheRightError() throws Exception {
    TestPhone.PhoneCall reliable = dialEdge(Map.of("Require", "100rel"));
    awaitStatus(reliable, 420);
    assertThat(Messages.headerValue(reliable.finalResponse, "Unsupported")).isEqualTo("100rel");

    TestPhone.PhoneCall looping = dialEdge(Map.of("Max-Forwards", "0"));
    awaitStatus(looping, 483);

    assertThat(agent.received(Request.INVITE)).isEmpty();
    assertThat(edge.activeCalls()).isZero();
  }

  @Test
  void reInvitesFromEitherSideAreAnsweredLocally() throws Exception {
    TestPhone.PhoneCall call = dialEdge(Map.of());
    awaitStatus(call, 200);
    TestPhone.PhoneCall answered = agent.calls().get(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> !agent.received(Request.ACK).isEmpty());

    var fromCaller = call.request(Request.INVITE, Map.of(), call.offer);
    assertThat(fromCaller.getStatusCode()).isEqualTo(200);
    assertThat(Messages.body(fromCaller)).isEqualTo(call.answer);

    var fromAgent = answered.request(Request.INVITE, Map.of(), answered.answer);
    assertThat(fromAgent.getStatusCode()).isEqualTo(200);
    assertThat(Messages.body(fromAgent)).isEqualTo(answered.offer);

    assertThat(agent.received(Request.INVITE)).hasSize(1);
    assertThat(caller.received(Request.INVITE)).isEmpty();
    long before = call.rtp.packetsReceived();
    await().atMost(Duration.ofSeconds(5)).until(() -> call.rtp.packetsReceived() > before + 10);
    call.hangUp();
    awaitAllReleased(edge);
  }
}
