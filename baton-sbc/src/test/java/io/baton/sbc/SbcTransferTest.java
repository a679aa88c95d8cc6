package io.baton.sbc;

import static io.baton.sbc.Lab.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.SipConfig;
import io.baton.sip.SipFrag;
import io.baton.sip.sdp.SessionDescription;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SBC-edge executing in-dialog REFERs (docs "The transfer" step 4): the callee of leg 1 plays the
 * proxy's part and sends the REFER itself, over real SIP, with RTP flowing throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbcTransferTest {
  private static final HostPort EDGE = at(15320);
  private static final HostPort CLOSED = at(15339);
  private static final String DID = "+18005550100";
  private static final String SALES = "+16465550111";

  private Lab lab;
  private Sbc edge;
  private TestRedirect redirect;
  private TestPhone caller;
  private TestPhone agent;
  private TestPhone target;
  private TestPhone failing;
  private TestPhone stranger;

  /** The call under test: the caller's dialog with SBC-edge and leg 1 as the agent sees it. */
  private record Connected(TestPhone.PhoneCall caller, TestPhone.PhoneCall leg1) {}

  @BeforeAll
  void start() throws Exception {
    lab = new Lab("42600-42799");
    redirect = lab.redirect(15321);
    caller = lab.phone("caller", 15322);
    agent = lab.phone("agent", 15323);
    target = lab.phone("target", 15324);
    failing = lab.phone("failing", 15325);
    stranger = lab.phone("stranger", 15326);
    SbcConfig config =
        new SbcConfig(
            Role.EDGE,
            SipConfig.at(EDGE),
            at(15321),
            null,
            Lab.edgeTrust(agent),
            new MediaConfig(true, "127.0.0.1", "42500-42599"),
            null,
            null);
    edge =
        lab.sbc(
            "sbc-edge", config, Map.of("agent", agent.address(), "pstn-sales", target.address()));
  }

  @AfterAll
  void stop() throws Exception {
    lab.close();
  }

  @BeforeEach
  void reset() {
    List.of(caller, agent, target, failing, stranger).forEach(TestPhone::reset);
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.activeCalls() == 0);
    redirect.received.clear();
    redirect.route(DID, agent.uri("+13125550100").toString());
    redirect.route(
        SALES, failing.uri(SALES) + ";carrier=pricey", target.uri(SALES) + ";carrier=cheapnet");
    failing.answering(TestPhone.Answer.reject(503));
  }

  private Connected connect() throws Exception {
    TestPhone.PhoneCall call = caller.dial(Messages.get().uri(DID, EDGE), Map.of());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> call.finalResponse != null && !agent.received(Request.ACK).isEmpty());
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(200);
    TestPhone.PhoneCall leg1 = agent.calls().get(0);
    awaitMedia(call, leg1);
    return new Connected(call, leg1);
  }

  /** Both phones receive fresh RTP from each other. */
  private static void awaitMedia(TestPhone.PhoneCall a, TestPhone.PhoneCall b) {
    long aBefore = a.rtp.packetsReceived();
    long bBefore = b.rtp.packetsReceived();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> a.rtp.packetsReceived() > aBefore + 10 && b.rtp.packetsReceived() > bBefore + 10);
  }

  private static Response refer(
      TestPhone.PhoneCall leg1, String referTo, Map<String, String> headers) throws Exception {
    return leg1.refer(referTo, headers);
  }

  /**
   * Waits for the NOTIFY ending the subscription, which must report {@code status} and {@code
   * outcome}.
   */
  private static void awaitFinalNotify(TestPhone.PhoneCall leg1, int status, String outcome) {
    await()
        .atMost(Duration.ofSeconds(8))
        .until(
            () ->
                !leg1.notifies.isEmpty()
                    && Messages.headerValue(leg1.lastNotify(), "Subscription-State")
                        .startsWith("terminated"));
    Request last = leg1.lastNotify();
    assertThat(SipFrag.status(Messages.body(last))).hasValue(status);
    assertThat(Messages.headerValue(last, "Subscription-State"))
        .isEqualTo("terminated;reason=noresource");
    assertThat(Messages.headerValue(last, "X-Baton-Transfer-Outcome")).isEqualTo(outcome);
  }

  private void hangUpAndAwaitRelease(TestPhone.PhoneCall call) throws Exception {
    call.hangUp();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> edge.activeCalls() == 0 && edge.relay().portsInUse() == 0);
  }

  @Test
  void makeBeforeBreakMovesTheCallerToTheNewTargetWithoutTouchingItsDialog() throws Exception {
    Connected call = connect();
    target.answering(TestPhone.Answer.ringThenAnswer(300));
    int callerPort = call.caller().remoteSdp().audioPort();

    Response accepted =
        refer(call.leg1(), "<tel:" + SALES + ">", Map.of("X-Baton-Transfer-Id", "t-1"));

    assertThat(accepted.getStatusCode()).isEqualTo(202);
    awaitFinalNotify(call.leg1(), 200, "completed");
    assertThat(call.leg1().notifyLog())
        .containsExactly(
            "1: SIP/2.0 100 Trying | active",
            "1: SIP/2.0 180 Ringing | active",
            "1: SIP/2.0 200 OK | active",
            "1: SIP/2.0 200 OK | terminated completed");
    Request first =
        call.leg1().notifies.stream().min(Comparator.comparingLong(Messages::cseq)).orElseThrow();
    long referCSeq = Messages.cseq(accepted); // a response carries its request's CSeq
    assertThat(Messages.headerValue(first, "Event")).isEqualTo("refer;id=" + referCSeq);
    assertThat(Messages.headerValue(first, "Subscription-State")).isEqualTo("active;expires=60");
    assertThat(Messages.headerValue(first, "Content-Type")).isEqualTo("message/sipfrag");

    // The first carrier failed (crankback); the new leg offered only the caller's codec.
    TestPhone.PhoneCall newLeg = target.calls().get(0);
    SessionDescription offered = newLeg.remoteSdp();
    assertThat(offered.payloadTypes()).containsExactly(0, 101);
    assertThat(Messages.batonHeaderNames(newLeg.invite.request())).isEmpty();
    assertThat(failing.received(Request.INVITE)).hasSize(1);
    // The caller's own call was routed to DIDs only; a transfer goes anywhere (least cost).
    assertThat(redirect.received)
        .extracting(
            q -> Messages.userOf(q.getRequestURI()),
            q -> Messages.headerValue(q, BatonHeaders.ORIGIN))
        .containsExactly(tuple(DID, "public"), tuple(SALES, null));

    // Caller ↔ new target both ways, on the caller's unchanged relay port; leg 1 is released.
    awaitMedia(call.caller(), newLeg);
    assertThat(call.caller().rtp.lastSource().getPort()).isEqualTo(callerPort);
    assertThat(newLeg.rtp.lastSource().getPort()).isEqualTo(offered.audioPort());
    await().atMost(Duration.ofSeconds(5)).until(() -> call.leg1().byeReceived);
    assertThat(caller.received(Request.INVITE)).isEmpty();
    assertThat(call.caller().byeReceived).isFalse();

    Leg moved = lab.leg(newLeg.sipCallId);
    assertThat(moved.element()).isEqualTo("sbc-edge");
    assertThat(moved.peer()).isEqualTo("pstn-sales");
    assertThat(moved.carrier()).isEqualTo("cheapnet");
    assertThat(moved.state()).isEqualTo(LegState.ACTIVE);
    assertThat(lab.leg(failing.calls().get(0).sipCallId).sipStatus()).isEqualTo(503);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> lab.leg(call.leg1().sipCallId).state() == LegState.RELEASED);
    assertThat(edge.relay().portsInUse()).isEqualTo(2);

    hangUpAndAwaitRelease(call.caller());
    await().atMost(Duration.ofSeconds(5)).until(() -> newLeg.byeReceived);
  }

  @Test
  void aRateCeilingOnTheReferGoesToTheRedirectServerWithTheTransfersQueryOnly() throws Exception {
    Connected call = connect();
    target.answering(TestPhone.Answer.ringThenAnswer(0));
    assertThat(redirect.received)
        .as("the call's own query")
        .allMatch(q -> Messages.headerValue(q, BatonHeaders.MAX_RATE) == null);
    int before = redirect.received.size();

    assertThat(
            refer(call.leg1(), "<tel:" + SALES + ">", Map.of(BatonHeaders.MAX_RATE, "0.0150"))
                .getStatusCode())
        .isEqualTo(202);
    awaitFinalNotify(call.leg1(), 200, "completed");

    List<Request> queries = redirect.received.subList(before, redirect.received.size());
    assertThat(queries).hasSize(1);
    assertThat(Messages.userOf(queries.get(0).getRequestURI())).isEqualTo(SALES);
    assertThat(Messages.headerValue(queries.get(0), BatonHeaders.MAX_RATE)).isEqualTo("0.015");
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void aReferWithABadRateCeilingIsABadRequest() throws Exception {
    Connected call = connect();

    Response refused =
        refer(call.leg1(), "<tel:" + SALES + ">", Map.of(BatonHeaders.MAX_RATE, "-1"));

    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(refused.getReasonPhrase())
        .isEqualTo("Bad " + BatonHeaders.MAX_RATE + " (a rate per minute, e.g. 0.015)");
    assertThat(target.received(Request.INVITE)).isEmpty();
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void aBusyTargetLeavesTheCallerWithTheFirstDestination() throws Exception {
    Connected call = connect();
    target.answering(TestPhone.Answer.reject(486));

    assertThat(refer(call.leg1(), "<" + target.uri("sales") + ">", Map.of()).getStatusCode())
        .isEqualTo(202);

    awaitFinalNotify(call.leg1(), 486, "failed");
    awaitMedia(call.caller(), call.leg1());
    assertThat(call.leg1().byeReceived).isFalse();
    assertThat(lab.leg(target.calls().get(0).sipCallId).sipStatus()).isEqualTo(486);
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.ACTIVE);
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.relay().portsInUse() == 2);
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void noAnswerWithinTheTransferTimeoutCancelsTheNewLeg() throws Exception {
    Connected call = connect();
    target.answering(TestPhone.Answer.ringForever());

    Response accepted =
        refer(
            call.leg1(), "<" + target.uri("sales") + ">", Map.of("X-Baton-Transfer-Timeout", "1"));
    assertThat(accepted.getStatusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> !target.received(Request.INVITE).isEmpty());
    Response second = refer(call.leg1(), "<" + target.uri("support") + ">", Map.of());
    assertThat(second.getStatusCode()).isEqualTo(491);

    awaitFinalNotify(call.leg1(), 408, "failed");
    assertThat(target.received(Request.CANCEL)).hasSize(1);
    assertThat(call.leg1().notifyStatuses()).contains("SIP/2.0 180 Ringing");
    awaitMedia(call.caller(), call.leg1());
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void anUnreachableTargetFailsWith503() throws Exception {
    Connected call = connect();

    String closed = "<sip:nobody@" + CLOSED + ";transport=tcp>";
    assertThat(refer(call.leg1(), closed, Map.of()).getStatusCode()).isEqualTo(202);

    awaitFinalNotify(call.leg1(), 503, "failed");
    awaitMedia(call.caller(), call.leg1());
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void legOneHangingUpDuringTheTransferDoesNotDropTheCaller() throws Exception {
    Connected call = connect();
    target.answering(TestPhone.Answer.ringThenAnswer(1500));
    refer(call.leg1(), "<" + target.uri("sales") + ">", Map.of());
    await().atMost(Duration.ofSeconds(5)).until(() -> !target.received(Request.INVITE).isEmpty());

    call.leg1().hangUp();

    awaitFinalNotify(call.leg1(), 200, "completed");
    TestPhone.PhoneCall newLeg = target.calls().get(0);
    awaitMedia(call.caller(), newLeg);
    assertThat(call.caller().byeReceived).isFalse();
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.RELEASED);
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void blindTransferReleasesLegOneFirstThenConnectsTheTarget() throws Exception {
    Connected call = connect();
    target.answering(TestPhone.Answer.ringThenAnswer(300));

    Response accepted =
        refer(
            call.leg1(),
            "<" + target.uri("support") + ">",
            Map.of("X-Baton-Transfer-Mode", "blind"));

    assertThat(accepted.getStatusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> call.leg1().byeReceived);
    awaitFinalNotify(call.leg1(), 200, "completed");
    assertThat(call.leg1().notifyLog())
        .containsExactly(
            "1: SIP/2.0 100 Trying | active",
            "1: SIP/2.0 180 Ringing | active",
            "1: SIP/2.0 200 OK | active",
            "1: SIP/2.0 200 OK | terminated completed");
    TestPhone.PhoneCall newLeg = target.calls().get(0);
    awaitMedia(call.caller(), newLeg);
    assertThat(caller.received(Request.INVITE)).isEmpty();
    assertThat(lab.leg(newLeg.sipCallId).state()).isEqualTo(LegState.ACTIVE);
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.RELEASED);
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void aFailedBlindTransferRoutesTheCallerBackToItsDestination() throws Exception {
    Connected call = connect();
    target.answering(TestPhone.Answer.reject(486));

    refer(call.leg1(), "<" + target.uri("support") + ">", Map.of("X-Baton-Transfer-Mode", "blind"));

    await().atMost(Duration.ofSeconds(5)).until(() -> agent.calls().size() == 2);
    awaitFinalNotify(call.leg1(), 486, "rolled_back");
    assertThat(call.leg1().notifyLog())
        .containsExactly(
            "1: SIP/2.0 100 Trying | active", "1: SIP/2.0 486 Busy here | terminated rolled_back");
    TestPhone.PhoneCall back = agent.calls().get(1);
    awaitMedia(call.caller(), back);
    assertThat(call.caller().byeReceived).isFalse();
    assertThat(lab.leg(back.sipCallId).state()).isEqualTo(LegState.ACTIVE);
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void referFromAnUntrustedSourceIsForbidden() throws Exception {
    redirect.route(DID, stranger.uri("+13125550100").toString());
    TestPhone.PhoneCall call = caller.dial(Messages.get().uri(DID, EDGE), Map.of());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> call.finalResponse != null && !stranger.received(Request.ACK).isEmpty());
    TestPhone.PhoneCall leg1 = stranger.calls().get(0);

    assertThat(refer(leg1, "<" + target.uri("sales") + ">", Map.of()).getStatusCode())
        .isEqualTo(403);

    assertThat(target.received(Request.INVITE)).isEmpty();
    assertThat(leg1.notifies).isEmpty();
    hangUpAndAwaitRelease(call);
  }

  @Test
  void referToSomethingNotCallableIsRejected() throws Exception {
    Connected call = connect();

    assertThat(refer(call.leg1(), "<mailto:sales@example.com>", Map.of()).getStatusCode())
        .isEqualTo(400);
    assertThat(
            refer(
                    call.leg1(),
                    "<" + target.uri("x") + ">",
                    Map.of("X-Baton-Transfer-Mode", "later"))
                .getStatusCode())
        .isEqualTo(400);

    assertThat(target.received(Request.INVITE)).isEmpty();
    awaitMedia(call.caller(), call.leg1());
    hangUpAndAwaitRelease(call.caller());
  }
}
