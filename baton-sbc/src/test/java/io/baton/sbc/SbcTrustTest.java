package io.baton.sbc;

import static io.baton.sbc.Lab.at;
import static io.baton.sip.TrustPolicy.Permission.INVITE;
import static io.baton.sip.TrustPolicy.Permission.IN_DIALOG;
import static io.baton.sip.TrustPolicy.Permission.OPTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SipConfig;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
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

/**
 * Who SBC-edge and SBC-carrier take calls from, and what the caller and the carrier see of what is
 * behind them (docs/security.md), over real SIP and RTP on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbcTrustTest {
  private static final HostPort EDGE = at(15390);
  private static final HostPort REDIRECT = at(15391);
  private static final HostPort CARRIER = at(15395);
  private static final String DID = "+18005550100";
  private static final String PSTN = "+16465550111";

  private Lab lab;
  private TestRedirect redirect;
  private Sbc edge;
  private Sbc carrier;
  private TestPhone caller;
  private TestPhone agent;
  private TestPhone stranger;
  private TestPhone pstn;

  @BeforeAll
  void start() throws Exception {
    lab = new Lab("43100-43299");
    redirect = lab.redirect(15391);
    caller = lab.phone("caller", 15392);
    agent = lab.phone("agent", 15393);
    stranger = lab.phone("stranger", 15394);
    pstn = lab.phone("pstn", 15396);
    Map<String, HostPort> network =
        Map.of("sbc-edge", EDGE, "sbc-carrier", CARRIER, "agent", agent.address());
    edge =
        lab.sbc(
            "sbc-edge",
            new SbcConfig(
                Role.EDGE,
                SipConfig.at(EDGE),
                REDIRECT,
                null,
                Lab.edgeTrust(agent)
                    .withPeer(new Peer("sbc-carrier", CARRIER.toString(), IN_DIALOG, OPTIONS)),
                new MediaConfig(true, "127.0.0.1", "43000-43099"),
                Duration.ofSeconds(30),
                null),
            network);
    carrier =
        lab.sbc(
            "sbc-carrier",
            new SbcConfig(
                Role.CARRIER,
                SipConfig.at(CARRIER),
                null,
                List.of(new PrefixRoute("+1646", pstn.address())),
                new TrustPolicy(
                    List.of(new Peer("sbc-edge", EDGE.toString(), INVITE, IN_DIALOG, OPTIONS)),
                    new TrustPolicy.PublicAccess(List.of(IN_DIALOG))),
                null,
                null,
                null),
            network);
  }

  @AfterAll
  void stop() throws Exception {
    lab.close();
  }

  @BeforeEach
  void reset() {
    List.of(caller, agent, stranger, pstn).forEach(TestPhone::reset);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> edge.activeCalls() == 0 && carrier.activeCalls() == 0);
    redirect.received.clear();
    redirect.delay(Duration.ZERO);
    redirect.route(DID, agent.uri("+13125550100").toString());
    redirect.refuse(PSTN, 403); // what the redirect server says to a public caller's toll fraud
  }

  private static void awaitFinal(TestPhone.PhoneCall call) {
    await().atMost(Duration.ofSeconds(5)).until(() -> call.finalResponse != null);
  }

  private void assertNothingLeft(TestPhone.PhoneCall call) {
    assertThat(lab.registry.findBySipCallId(call.sipCallId)).isEmpty();
    assertThat(edge.activeCalls()).isZero();
    assertThat(edge.relay().portsInUse()).isZero();
    assertThat(edge.relay().sessions()).isEmpty();
  }

  @Test
  void aCallerIsRoutedToDidsOnlyAndAnyOtherNumberLeavesNothingBehind() throws Exception {
    TestPhone.PhoneCall fraud = caller.dial(Messages.get().uri(PSTN, EDGE), Map.of());
    awaitFinal(fraud);

    assertThat(fraud.finalResponse.getStatusCode()).isEqualTo(403);
    assertThat(fraud.finalResponse.getReasonPhrase()).isEqualTo("Forbidden");
    Request query = redirect.received.get(0);
    assertThat(Messages.headerValue(query, BatonHeaders.ORIGIN)).isEqualTo("public");
    assertThat(agent.received(Request.INVITE)).isEmpty();
    assertThat(pstn.received(Request.INVITE)).isEmpty();
    assertNothingLeft(fraud);
  }

  @Test
  void aCallerCancellingWhileItsCallIsRoutedGets487AndLeavesNothingBehind() throws Exception {
    redirect.delay(Duration.ofMillis(600));
    TestPhone.PhoneCall call = caller.dial(Messages.get().uri(DID, EDGE), Map.of());
    await().atMost(Duration.ofSeconds(5)).until(() -> call.provisional.contains(100));

    call.cancel();
    awaitFinal(call);
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(487);

    Thread.sleep(1000); // the redirect server's answer comes in, after the caller left
    assertThat(agent.received(Request.INVITE)).isEmpty();
    assertNothingLeft(call);
  }

  @Test
  void theCallerSeesStandardPhrasesAndThisSbcsOwnSdpOrigin() throws Exception {
    // rings first, answers later: a 180 relayed just before the 200 may reach the caller after it
    // (and be dropped by its transaction, RFC 3261 §17.1.1.2)
    agent.answering(TestPhone.Answer.ringThenAnswer(300).saying("agent-7 on desk@10.2.3.4"));
    TestPhone.PhoneCall call = caller.dial(Messages.get().uri(DID, EDGE), Map.of());
    awaitFinal(call);

    assertThat(call.finalResponse.getStatusCode()).isEqualTo(200);
    assertThat(call.finalResponse.getReasonPhrase()).isEqualTo("OK");
    assertThat(call.provisionalPhrases).contains("180 Ringing").noneMatch(p -> p.contains("desk"));
    assertThat(call.answer).doesNotContain("o=phone").contains("o=- ").contains("s=-");
    assertThat(call.finalResponse.toString()).doesNotContain("10.2.3.4").doesNotContain("agent-7");
    call.hangUp();
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.activeCalls() == 0);

    agent.answering(TestPhone.Answer.reject(488).saying("no PCMU or PCMA"));
    TestPhone.PhoneCall refused = caller.dial(Messages.get().uri(DID, EDGE), Map.of());
    awaitFinal(refused);
    assertThat(refused.finalResponse.getStatusCode()).isEqualTo(488);
    assertThat(refused.finalResponse.getReasonPhrase()).isEqualTo("Not Acceptable Here");
  }

  @Test
  void theCarrierTakesCallsFromSbcEdgeOnlyAndSeesNothingOfWhatIsBehindIt() throws Exception {
    // A stranger asking SBC-carrier directly, over UDP and TCP: 403, nothing reaches the PSTN.
    SipURI direct = Messages.get().uri(PSTN, CARRIER);
    SipURI directTcp = (SipURI) direct.clone();
    directTcp.setTransportParam("tcp");
    for (SipURI target : List.of(direct, directTcp)) {
      TestPhone.PhoneCall fraud = stranger.dial(target, Map.of());
      awaitFinal(fraud);
      assertThat(fraud.finalResponse.getStatusCode()).as(target.toString()).isEqualTo(403);
    }
    assertThat(pstn.received(Request.INVITE)).isEmpty();
    assertThat(carrier.activeCalls()).isZero();

    // A call SBC-edge routes there (as for a transfer): the carrier's side sees SBC-carrier only.
    redirect.route(DID, "sip:" + PSTN + "@" + CARRIER);
    TestPhone.PhoneCall call = caller.dial(Messages.get().uri(DID, EDGE), Map.of());
    awaitFinal(call);
    assertThat(call.finalResponse.getStatusCode()).isEqualTo(200);
    TestPhone.PhoneCall atPstn = pstn.calls().get(0);
    Request invite = atPstn.invite.request();
    assertThat(Messages.batonHeaderNames(invite)).isEmpty();
    assertThat(atPstn.offer).doesNotContain("o=phone").contains("o=- ");
    assertThat(call.answer).doesNotContain("o=phone").contains("o=- ");

    // The carrier hangs up from the public side of SBC-carrier: in-dialog requests get through.
    await().atMost(Duration.ofSeconds(5)).until(() -> atPstn.dialog != null);
    atPstn.hangUp();
    await().atMost(Duration.ofSeconds(5)).until(() -> call.byeReceived);
  }
}
