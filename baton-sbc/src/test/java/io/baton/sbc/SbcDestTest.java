package io.baton.sbc;

import static io.baton.sbc.Lab.at;
import static io.baton.sip.TrustPolicy.Permission.INVITE;
import static io.baton.sip.TrustPolicy.Permission.IN_DIALOG;
import static io.baton.sip.TrustPolicy.Permission.OPTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SBC-dest (docs "Call setup" step 5): routes by prefix, passes the call id on between trusted
 * peers, and without anchoring lets SDP through untouched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbcDestTest {
  private static final HostPort DEST = at(15340);
  private static final String CALL_ID = "c-00000000000000aa";

  private Lab lab;
  private Sbc dest;
  private TestPhone proxy;
  private TestPhone callcenter;
  private TestPhone stranger;

  @BeforeAll
  void start() throws Exception {
    lab = new Lab("42800-42899");
    proxy = lab.phone("proxy", 15341);
    callcenter = lab.phone("callcenter", 15342);
    stranger = lab.phone("stranger", 15343);
    SbcConfig config =
        new SbcConfig(
            Role.DEST,
            SipConfig.at(DEST),
            null,
            List.of(
                new PrefixRoute("+1312", callcenter.address()),
                new PrefixRoute("+1646", stranger.address())),
            new TrustPolicy(
                List.of(
                    new Peer("proxy", proxy.address().toString(), INVITE, IN_DIALOG, OPTIONS),
                    new Peer("callcenter", callcenter.address().toString(), IN_DIALOG, OPTIONS)),
                new TrustPolicy.PublicAccess(List.of(IN_DIALOG))),
            null,
            null,
            null);
    dest = lab.sbc("sbc-dest", config, Map.of("callcenter", callcenter.address()));
  }

  @AfterAll
  void stop() throws Exception {
    lab.close();
  }

  @BeforeEach
  void reset() {
    List.of(proxy, callcenter, stranger).forEach(TestPhone::reset);
    await().atMost(Duration.ofSeconds(5)).until(() -> dest.activeCalls() == 0);
  }

  private TestPhone.PhoneCall dial(TestPhone from, String user, Map<String, String> headers)
      throws Exception {
    TestPhone.PhoneCall call = from.dial(Messages.get().uri(user, DEST), headers);
    await().atMost(Duration.ofSeconds(5)).until(() -> call.finalResponse != null);
    return call;
  }

  private void hangUp(TestPhone.PhoneCall call, TestPhone.PhoneCall far) throws Exception {
    call.hangUp();
    await().atMost(Duration.ofSeconds(5)).until(() -> far.byeReceived && dest.activeCalls() == 0);
  }

  @Test
  void aPeersCallIdIsPassedOnAndSdpCrossesWithOnlyItsOriginChanged() throws Exception {
    TestPhone.PhoneCall call = dial(proxy, "+13125550100", Map.of(BatonHeaders.CALL_ID, CALL_ID));
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(200);
    TestPhone.PhoneCall answered = callcenter.calls().get(0);

    assertThat(answered.invite.header(BatonHeaders.CALL_ID)).isEqualTo(CALL_ID);
    // SDP crosses untouched but for the origin: SBC-dest's own on each side (RFC 8866 §5.2).
    assertThat(withoutOrigin(answered.offer)).isEqualTo(withoutOrigin(call.offer));
    assertThat(withoutOrigin(call.answer)).isEqualTo(withoutOrigin(answered.answer));
    assertThat(originOf(answered.offer)).startsWith("o=- ").isNotEqualTo(originOf(call.offer));
    assertThat(originOf(call.answer)).startsWith("o=- ").isNotEqualTo(originOf(answered.answer));
    assertThat(dest.relay()).isNull();

    Call registered = lab.registry.find(CALL_ID).orElseThrow();
    // SBC-dest publishes only the legs it opens (other tests' calls share this call id).
    assertThat(registered.legs()).allMatch(l -> l.element().equals("sbc-dest"));
    Leg leg3 =
        registered.legs().stream()
            .filter(l -> l.sipCallId().equals(answered.sipCallId))
            .findFirst()
            .orElseThrow();
    assertThat(leg3.element()).isEqualTo("sbc-dest");
    assertThat(leg3.peer()).isEqualTo("callcenter");
    assertThat(leg3.sipCallId()).isEqualTo(answered.sipCallId);
    assertThat(leg3.state()).isEqualTo(LegState.ACTIVE);

    await().atMost(Duration.ofSeconds(5)).until(() -> !callcenter.received(Request.ACK).isEmpty());
    hangUp(call, answered);
    assertThat(lab.leg(answered.sipCallId).state()).isEqualTo(LegState.RELEASED);
  }

  private static String originOf(String sdp) {
    return sdp.lines().filter(l -> l.startsWith("o=")).findFirst().orElseThrow();
  }

  private static String withoutOrigin(String sdp) {
    return String.join("\n", sdp.lines().filter(l -> !l.startsWith("o=")).toList());
  }

  @Test
  void infoIsRelayedEndToEndBothWaysWithItsBodyAndTheFarEndsStatus() throws Exception {
    TestPhone.PhoneCall call = dial(proxy, "+13125550100", Map.of(BatonHeaders.CALL_ID, CALL_ID));
    TestPhone.PhoneCall answered = callcenter.calls().get(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> !callcenter.received(Request.ACK).isEmpty());

    // SIP INFO DTMF (application/dtmf-relay) towards the call center, as a caller's phone sends it.
    assertThat(
            call.info("application", "dtmf-relay", "Signal=1\r\nDuration=160\r\n").getStatusCode())
        .isEqualTo(200);
    Request relayed = callcenter.received(Request.INFO).getLast();
    assertThat(Messages.body(relayed)).isEqualTo("Signal=1\r\nDuration=160\r\n");
    assertThat(Messages.hasBody(relayed, "application", "dtmf-relay")).isTrue();
    assertThat(Messages.callId(relayed)).isEqualTo(answered.sipCallId);

    // and back: the far end's INFO reaches the caller's side in its own dialog.
    assertThat(answered.info("application", "dtmf-relay", "Signal=#\r\n").getStatusCode())
        .isEqualTo(200);
    assertThat(Messages.body(proxy.received(Request.INFO).getLast())).isEqualTo("Signal=#\r\n");
    hangUp(call, answered);
  }

  @Test
  void aCallFromAnythingButTheProxyIsForbiddenAndLeavesNothingBehind() throws Exception {
    TestPhone.PhoneCall call =
        dial(stranger, "+13125550100", Map.of(BatonHeaders.CALL_ID, "c-0000000000000bad"));
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(403);
    assertThat(call.finalResponse.getReasonPhrase()).isEqualTo("Forbidden");

    assertThat(callcenter.received(Request.INVITE)).isEmpty();
    assertThat(lab.registry.find("c-0000000000000bad")).isEmpty();
    assertThat(lab.registry.findBySipCallId(call.sipCallId)).isEmpty();
    assertThat(dest.activeCalls()).isZero();
  }

  @Test
  void batonHeadersStopAtAnUntrustedNextHop() throws Exception {
    TestPhone.PhoneCall call = dial(proxy, "+16465550111", Map.of(BatonHeaders.CALL_ID, CALL_ID));
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(200);
    TestPhone.PhoneCall answered = stranger.calls().get(0);

    assertThat(Messages.batonHeaderNames(answered.invite.request())).isEmpty();
    hangUp(call, answered);
  }

  @Test
  void theCustomersHeadersAndRedirectHistoryGoOnToTheDestination() throws Exception {
    TestPhone.PhoneCall call =
        dial(
            proxy,
            "+16465550111",
            Map.of(
                "X-Agent-Id",
                "42",
                "User-to-User",
                "56a390f3d2b7310023a2;encoding=hex",
                "Diversion",
                "<sip:+18005550100@127.0.0.1:5060>;reason=deflection;counter=1",
                "History-Info",
                "<sip:+18005550100@127.0.0.1:5060>;index=1",
                "Subject",
                "not carried",
                BatonHeaders.CALL_ID,
                CALL_ID));
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(200);
    Request onward = stranger.calls().get(0).invite.request();

    for (String carried : List.of("X-Agent-Id", "User-to-User", "Diversion", "History-Info")) {
      assertThat(Messages.headerValue(onward, carried))
          .isEqualTo(Messages.headerValue(call.outgoing.request(), carried));
    }
    assertThat(onward.getHeader("Subject")).isNull();
    assertThat(Messages.batonHeaderNames(onward)).isEmpty();
    hangUp(call, stranger.calls().get(0));
  }

  @Test
  void aNumberWithoutRouteGets404() throws Exception {
    TestPhone.PhoneCall call = dial(proxy, "+442071234567", Map.of());
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(5)).until(() -> dest.activeCalls() == 0);
  }
}
