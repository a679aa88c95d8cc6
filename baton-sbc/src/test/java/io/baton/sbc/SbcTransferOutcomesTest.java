package io.baton.sbc;

import static io.baton.sbc.Lab.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.SipCapture;
import io.baton.sip.SipConfig;
import io.baton.sip.SipFrag;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Transfers that always finish (docs "Transfers that always finish"): SBC-edge runs a REFER's whole
 * target list, reports every attempt and the outcome in its NOTIFYs, presents the call as each
 * route says, and ends in a clean state whatever races it. The callee of leg 1 plays the proxy's
 * part and sends the REFER itself; every peer is a real SIP phone with RTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbcTransferOutcomesTest {
  private static final HostPort EDGE = at(15380);
  private static final String DID = "+18005550100";
  private static final String DID_URI = "sip:" + DID + "@" + EDGE;
  private static final String SALES = "+16465550111";
  private static final String SUPPORT = "+16465550122";

  private Lab lab;
  private Sbc edge;
  private TestRedirect redirect;
  private TestPhone caller;
  private TestPhone agent;
  private TestPhone busy;
  private TestPhone failing;
  private TestPhone slow;
  private TestPhone target;
  private TestPhone spare;

  /** The call under test: the caller's dialog with SBC-edge and leg 1 as the agent sees it. */
  private record Connected(TestPhone.PhoneCall caller, TestPhone.PhoneCall leg1) {}

  @BeforeAll
  void start() throws Exception {
    lab = new Lab("43600-43799");
    redirect = lab.redirect(15381);
    caller = lab.phone("caller", 15382);
    agent = lab.phone("agent", 15383);
    busy = lab.phone("busy", 15384);
    failing = lab.phone("failing", 15385);
    slow = lab.phone("slow", 15386);
    target = lab.phone("target", 15387);
    spare = lab.phone("spare", 15388);
    SbcConfig config =
        new SbcConfig(
            Role.EDGE,
            SipConfig.at(EDGE),
            at(15381),
            null,
            Lab.edgeTrust(agent),
            new MediaConfig(true, "127.0.0.1", "42900-42999"),
            null,
            new TransferConfig(null, null, CallerId.KEEP, RedirectInfo.HISTORY_INFO));
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
    List.of(caller, agent, busy, failing, slow, target, spare).forEach(TestPhone::reset);
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.activeCalls() == 0);
    redirect.route(DID, agent.uri("+13125550100").toString());
    // Least-cost order: a carrier that is down (503), one whose callee is busy (486), a third.
    redirect.route(
        SALES,
        failing.uri(SALES) + ";carrier=cheapnet",
        busy.uri(SALES) + ";carrier=pricey",
        spare.uri(SALES) + ";carrier=third");
    redirect.route(SUPPORT, busy.uri(SUPPORT) + ";carrier=cheapnet;cid=did;ri=diversion");
    failing.answering(TestPhone.Answer.reject(503));
    busy.answering(TestPhone.Answer.reject(486));
    slow.answering(TestPhone.Answer.ringForever());
    target.answering(TestPhone.Answer.ringThenAnswer(300));
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

  private static void refer(TestPhone.PhoneCall leg1, String referTo, String... headers)
      throws Exception {
    List<Map.Entry<String, String>> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < headers.length; i += 2) {
      pairs.add(Map.entry(headers[i], headers[i + 1]));
    }
    assertThat(leg1.refer(referTo, pairs).getStatusCode()).isEqualTo(202);
  }

  /** Waits for the NOTIFY ending the subscription and returns every NOTIFY in CSeq order. */
  private static List<String> awaitOutcome(TestPhone.PhoneCall leg1) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !leg1.notifies.isEmpty()
                    && Messages.headerValue(leg1.lastNotify(), "Subscription-State")
                        .startsWith("terminated"));
    return leg1.notifyLog();
  }

  /** Where the first request {@code phone} received that matches comes in its arrival order. */
  private static int arrival(TestPhone phone, Predicate<Request> which) {
    List<Request> all = List.copyOf(phone.received);
    for (int i = 0; i < all.size(); i++) {
      if (which.test(all.get(i))) {
        return i;
      }
    }
    throw new AssertionError("not received");
  }

  private static Predicate<Request> notifyOf(int status, String subscriptionState) {
    return r ->
        Request.NOTIFY.equals(r.getMethod())
            && SipFrag.status(Messages.body(r)).orElse(0) == status
            && Messages.headerValue(r, "Subscription-State").startsWith(subscriptionState);
  }

  private static String fromUri(Request request) {
    return ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI().toString();
  }

  private void hangUpAndAwaitRelease(TestPhone.PhoneCall call) throws Exception {
    call.hangUp();
    awaitNothingLeft();
  }

  private void awaitNothingLeft() {
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> edge.activeCalls() == 0 && edge.relay().portsInUse() == 0);
  }

  @Test
  void everyTargetInTurnEachWithItsOwnTimeoutUntilOneAnswers() throws Exception {
    Connected call = connect();

    refer(
        call.leg1(),
        "<tel:" + SALES + ">",
        "X-Baton-Transfer-Timeout",
        "5",
        "X-Baton-Transfer-Fallback",
        "<" + slow.uri("slow") + ">;timeout=1, <" + target.uri("support") + ">;timeout=10");

    // Failures carry the callee's own reason phrase (the test phones' stack writes "Busy here").
    assertThat(awaitOutcome(call.leg1()))
        .containsExactly(
            "1: SIP/2.0 100 Trying | active",
            "1: SIP/2.0 486 Busy here | active",
            "2: SIP/2.0 100 Trying | active",
            "2: SIP/2.0 180 Ringing | active",
            "2: SIP/2.0 408 Request Timeout | active",
            "3: SIP/2.0 100 Trying | active",
            "3: SIP/2.0 180 Ringing | active",
            "3: SIP/2.0 200 OK | active",
            "3: SIP/2.0 200 OK | terminated completed");
    // Target 1: the 503 cranked back to the next carrier; the 486 ended the target there.
    assertThat(failing.received(Request.INVITE)).hasSize(1);
    assertThat(busy.received(Request.INVITE)).hasSize(1);
    assertThat(spare.received(Request.INVITE)).isEmpty();
    // Target 2 rang out its own second and was cancelled.
    assertThat(slow.received(Request.CANCEL)).hasSize(1);
    // Answered (200 active), then leg 1 released, and only then completed.
    assertThat(arrival(agent, notifyOf(200, "active")))
        .isLessThan(arrival(agent, r -> Request.BYE.equals(r.getMethod())));
    assertThat(arrival(agent, r -> Request.BYE.equals(r.getMethod())))
        .isLessThan(arrival(agent, notifyOf(200, "terminated")));

    TestPhone.PhoneCall newLeg = target.calls().get(0);
    awaitMedia(call.caller(), newLeg);
    assertThat(call.caller().byeReceived).isFalse();
    assertThat(lab.leg(failing.calls().get(0).sipCallId).sipStatus()).isEqualTo(503);
    assertThat(lab.leg(busy.calls().get(0).sipCallId).sipStatus()).isEqualTo(486);
    assertThat(lab.leg(slow.calls().get(0).sipCallId).state()).isEqualTo(LegState.FAILED);
    assertThat(lab.leg(newLeg.sipCallId).state()).isEqualTo(LegState.ACTIVE);
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.RELEASED);
    assertThat(edge.relay().portsInUse()).isEqualTo(2);
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void whenEveryTargetFailsTheCallerStaysWithTheFirstDestination() throws Exception {
    Connected call = connect();

    refer(
        call.leg1(),
        "<" + busy.uri("sales") + ">",
        "X-Baton-Transfer-Fallback",
        "<" + failing.uri("support") + ">");

    assertThat(awaitOutcome(call.leg1()))
        .containsExactly(
            "1: SIP/2.0 100 Trying | active",
            "1: SIP/2.0 486 Busy here | active",
            "2: SIP/2.0 100 Trying | active",
            "2: SIP/2.0 503 Service unavailable | terminated failed");
    awaitMedia(call.caller(), call.leg1());
    assertThat(call.leg1().byeReceived).isFalse();
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.ACTIVE);
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.relay().portsInUse() == 2);
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void onFailHangupReleasesTheCallerAfterTheLastFailure() throws Exception {
    Connected call = connect();

    refer(call.leg1(), "<" + busy.uri("sales") + ">", "X-Baton-On-Fail", "hangup");

    assertThat(awaitOutcome(call.leg1()))
        .containsExactly(
            "1: SIP/2.0 100 Trying | active", "1: SIP/2.0 486 Busy here | terminated failed");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> call.caller().byeReceived && call.leg1().byeReceived);
    assertThat(arrival(agent, r -> Request.BYE.equals(r.getMethod())))
        .isLessThan(arrival(agent, notifyOf(486, "terminated")));
    awaitNothingLeft();
    assertThat(lab.leg(call.caller().sipCallId).state()).isEqualTo(LegState.RELEASED);
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.RELEASED);
  }

  @Test
  void eachNewLegCarriesThePassedHeadersAndTheCallerIdentityItsRouteAsksFor() throws Exception {
    Connected call = connect();

    refer(
        call.leg1(),
        "<tel:" + SUPPORT + ">",
        "X-Baton-Transfer-Fallback",
        "<" + target.uri("support") + ">",
        "X-Baton-Pass",
        "X-Agent-Id=42",
        "X-Baton-Pass",
        "User-to-User=56a390f3d2b7310023a2;encoding=hex",
        "X-Baton-Pass",
        "X-Note=caf%C3%A9%2C%20s%27il%20vous%20pla%C3%AEt",
        "X-Baton-Pass",
        "X-Baton-Call-Id=c-0000000000000bad",
        "X-Baton-Pass",
        "Max-Forwards=1");

    assertThat(awaitOutcome(call.leg1()))
        .last()
        .isEqualTo("2: SIP/2.0 200 OK | terminated completed");
    // Target 1, a number whose carrier presents the DID with a Diversion (cid=did;ri=diversion).
    Request viaCarrier = busy.received(Request.INVITE).get(0);
    assertThat(viaCarrier.getRequestURI().toString())
        .isEqualTo(busy.uri(SUPPORT) + ";carrier=cheapnet");
    assertThat(fromUri(viaCarrier)).isEqualTo(DID_URI);
    assertThat(Messages.headerValue(viaCarrier, "Diversion"))
        .isEqualTo("<" + DID_URI + ">;reason=deflection;counter=1");
    assertThat(viaCarrier.getHeader("History-Info")).isNull();
    // Target 2, a SIP URI: the SBC's transfer.callerId (keep) and redirectInfo (history-info).
    Request direct = target.received(Request.INVITE).get(0);
    assertThat(fromUri(direct)).isEqualTo(fromUri(call.caller().outgoing.request()));
    assertThat(Messages.headerValue(direct, "History-Info"))
        .isEqualTo("<" + DID_URI + ">;index=1, <" + target.uri("support") + ">;index=1.1;mp=1");
    assertThat(direct.getHeader("Diversion")).isNull();
    for (Request invite : List.of(viaCarrier, direct)) {
      assertThat(Messages.headerValue(invite, "X-Agent-Id")).isEqualTo("42");
      assertThat(Messages.headerValue(invite, "User-to-User"))
          .isEqualTo("56a390f3d2b7310023a2;encoding=hex");
      assertThat(Messages.headerValue(invite, "X-Note")).isEqualTo("café, s'il vous plaît");
      assertThat(Messages.headerValue(invite, "Max-Forwards")).isEqualTo("69");
      assertThat(Messages.batonHeaderNames(invite)).isEmpty(); // neither is a trusted peer
    }
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void theCallerHangingUpStopsTheTransferAndLeavesNothingBehind() throws Exception {
    Connected call = connect();
    refer(call.leg1(), "<" + slow.uri("sales") + ">");
    await().atMost(Duration.ofSeconds(5)).until(() -> !slow.received(Request.INVITE).isEmpty());

    call.caller().hangUp();

    assertThat(awaitOutcome(call.leg1()))
        .containsExactly(
            "1: SIP/2.0 100 Trying | active",
            "1: SIP/2.0 180 Ringing | active",
            "1: SIP/2.0 487 Request Terminated | terminated cancelled");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !slow.received(Request.CANCEL).isEmpty() && call.leg1().byeReceived);
    awaitNothingLeft();
    assertThat(lab.leg(slow.calls().get(0).sipCallId).state()).isEqualTo(LegState.FAILED);
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.RELEASED);
    assertThat(lab.leg(call.caller().sipCallId).state()).isEqualTo(LegState.RELEASED);
  }

  @Test
  void theFirstDestinationHangingUpParksTheCallerAndAFailureRoutesItBack() throws Exception {
    Connected call = connect();
    refer(call.leg1(), "<" + slow.uri("sales") + ">", "X-Baton-Transfer-Timeout", "2");
    await().atMost(Duration.ofSeconds(5)).until(() -> !slow.received(Request.INVITE).isEmpty());

    call.leg1().hangUp();

    assertThat(awaitOutcome(call.leg1()))
        .containsExactly(
            "1: SIP/2.0 100 Trying | active",
            "1: SIP/2.0 180 Ringing | active",
            "1: SIP/2.0 408 Request Timeout | terminated rolled_back");
    TestPhone.PhoneCall back = agent.calls().get(1);
    awaitMedia(call.caller(), back);
    assertThat(call.caller().byeReceived).isFalse();
    assertThat(lab.leg(back.sipCallId).state()).isEqualTo(LegState.ACTIVE);
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.RELEASED);
    hangUpAndAwaitRelease(call.caller());
  }

  @Test
  void anAnswerAfterTheTimeoutIsHungUpAndTheCallerStaysWhereItWas() throws Exception {
    Connected call = connect();
    slow.answering(TestPhone.Answer.answerLate(1500));
    // What SBC-edge puts on the wire: ACK then BYE leave back to back, and the phone's stack may
    // handle the BYE first and then drop the ACK of a dialog already ended, so count them here.
    List<String> sentToSlow = new CopyOnWriteArrayList<>();
    SipCapture.Listener capture =
        m -> {
          if (m.sent() && m.isRequest() && m.destination().port() == 15386) {
            sentToSlow.add(m.method());
          }
        };
    SipCapture.addListener(capture);
    try {
      refer(call.leg1(), "<" + slow.uri("sales") + ">", "X-Baton-Transfer-Timeout", "1");

      assertThat(awaitOutcome(call.leg1()))
          .last()
          .isEqualTo("1: SIP/2.0 408 Request Timeout | terminated failed");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> sentToSlow.contains(Request.BYE) && slow.calls().get(0).byeReceived);
    } finally {
      SipCapture.removeListener(capture);
    }
    assertThat(sentToSlow).containsSubsequence(Request.ACK, Request.BYE);
    assertThat(slow.received(Request.CANCEL)).hasSize(1);
    awaitMedia(call.caller(), call.leg1());
    assertThat(call.caller().byeReceived).isFalse();
    assertThat(lab.leg(slow.calls().get(0).sipCallId).state()).isEqualTo(LegState.FAILED);
    assertThat(lab.leg(call.leg1().sipCallId).state()).isEqualTo(LegState.ACTIVE);
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.relay().portsInUse() == 2);
    hangUpAndAwaitRelease(call.caller());
  }
}
