package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.app.Main;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.TargetDialog;
import io.baton.testkit.LabFixture;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

/**
 * The destination platform's three transfer triggers (DESIGN §1), each through the real elements
 * and ending with the transfer {@code completed} and audio counted both ways between the caller and
 * the new destination: on arrival (+18005550101), after an IVR choice (+18005550100, DTMF as RFC
 * 4733 events and as SIP INFO), and when an agent asks ({@code bin/baton agent transfer}). The call
 * center itself cannot transfer: a REFER gets 405.
 */
class CallCenterTriggersTest extends LabTest {

  /** The call center's side of the caller's call, once its IVR runs the menu's gather. */
  private static UaCall atCallCenterGathering(UaCall ua) {
    String callId = callOf(ua).get("id").asText();
    UaCall atCenter = callcenter().call(callId).orElseThrow();
    await()
        .atMost(WAIT)
        .until(() -> callcenter().ivr(atCenter).orElse("").contains("state=GATHERING"));
    return atCenter;
  }

  /** Waits for the call's transfer (the call center asked for it) to be completed. */
  private static JsonNode awaitCompletedTransfer(UaCall ua) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode transfers = callOf(ua).get("transfers");
              return !transfers.isEmpty()
                  && transfers.get(0).get("state").asText().equals("completed");
            });
    return callOf(ua).get("transfers").get(0);
  }

  /** The newest call of {@code endpoint}, once it has more than {@code before}. */
  private static UaCall newCallAt(UserAgent endpoint, int before) {
    await().atMost(WAIT).until(() -> endpoint.calls().size() > before);
    return endpoint.calls().getLast();
  }

  /** Caller and new destination hear each other; the call center is out of the path. */
  private static void assertTwoWayAudio(UaCall ua, UaCall atTarget, UaCall atCenter)
      throws Exception {
    assertThat(atTarget.state().name()).isEqualTo("CONFIRMED");
    assertReceiving(atTarget.rtp(), "new destination");
    assertReceiving(ua.rtp(), "caller after the transfer");
    await().atMost(WAIT).until(() -> atTarget.rtp().lastLevel() > 1000);
    await().atMost(WAIT).until(() -> ua.rtp().lastLevel() > 1000);
    atCenter.awaitEnded(WAIT);
    assertSilent(atCenter.rtp(), "released call center");
    assertThat(ua.state().name()).isEqualTo("CONFIRMED");
    assertThat(ua.inDialogRequests()).doesNotContain("INVITE", "BYE");
  }

  @Test
  void onArrivalTheCallCenterTransfersPlus18005550101ToSupport() throws Exception {
    UserAgent support = endpoint("support");
    int before = support.calls().size();

    UaCall ua = call("+18005550101");

    JsonNode transfer = awaitCompletedTransfer(ua);
    assertThat(transfer.get("to").toString()).contains("target:support");
    UaCall atCenter = callcenter().call(callOf(ua).get("id").asText()).orElseThrow();
    assertTwoWayAudio(ua, newCallAt(support, before), atCenter);
    ua.hangUp();
  }

  @Test
  void pressing1AsAnRfc4733EventTransfersToSales() throws Exception {
    UserAgent sales = endpoint("pstn-sales");
    int before = sales.calls().size();
    UaCall ua = call("+18005550100");
    UaCall atCenter = atCallCenterGathering(ua);

    ua.sendDigits("1");

    JsonNode transfer = awaitCompletedTransfer(ua);
    assertThat(transfer.get("to").toString()).contains("target:sales");
    assertThat(atCenter.digits()).containsExactly('1');
    assertTwoWayAudio(ua, newCallAt(sales, before), atCenter);
    assertThat(legStates(callOf(ua))).containsEntry("sbc-carrier->pstn-sales", "active");
    ua.hangUp();
  }

  @Test
  void pressing2AsSipInfoTransfersToSupport() throws Exception {
    UserAgent support = endpoint("support");
    int before = support.calls().size();
    UaCall ua = call("+18005550100");
    UaCall atCenter = atCallCenterGathering(ua);

    // SIP INFO crosses SBC-edge, the proxy and SBC-dest in the dialog to the call center.
    assertThat(ua.sendInfoDigits("2", WAIT)).containsExactly(200);

    JsonNode transfer = awaitCompletedTransfer(ua);
    assertThat(transfer.get("to").toString()).contains("target:support");
    assertThat(atCenter.digits()).containsExactly('2');
    assertTwoWayAudio(ua, newCallAt(support, before), atCenter);
    ua.hangUp();
  }

  @Test
  void anAgentAsksWithTheCliAndTheCallerGoesToSupport() throws Exception {
    UserAgent support = endpoint("support");
    int before = support.calls().size();
    UaCall ua = call("+18005550100");
    UaCall atCenter = atCallCenterGathering(ua);

    ua.sendDigits("0");

    await()
        .atMost(WAIT)
        .until(() -> callcenter().ivr(atCenter).orElse("").contains("state=WITH_AGENT"));
    String agent = callcenter().ivr(atCenter).orElseThrow().replaceAll(".*agent=", "");
    UaCall atAgent = callcenter().agent(agent).orElseThrow().calls().getLast();
    // The caller talks to the agent: the caller's tone reaches the agent, the agent's voice back.
    await().atMost(WAIT).until(() -> atAgent.rtp().lastLevel() > 1000);
    assertReceiving(ua.rtp(), "caller talking to " + agent);

    int status =
        Main.run(
            "agent",
            "transfer",
            "--agent",
            agent,
            "--to",
            "target:support",
            "--config",
            LabFixture.labConfig().toString());

    assertThat(status).as("bin/baton agent transfer exit status").isZero();
    awaitCompletedTransfer(ua);
    assertTwoWayAudio(ua, newCallAt(support, before), atCenter);
    atAgent.awaitEnded(WAIT);
    assertThat(atAgent.endedByRemote()).as("the agent's call released").isTrue();
    ua.hangUp();
  }

  @Test
  void theCallCenterAnswersReferWith405AndKeepsTheCall() throws Exception {
    UaCall ua = call("+18005550100");
    JsonNode call = callOf(ua);
    var leg =
        lab.callRegistry().orElseThrow().find(call.get("id").asText()).orElseThrow().legs().stream()
            .filter(l -> l.element().equals("sbc-dest"))
            .findFirst()
            .orElseThrow();
    try (SipEndpoint peer =
        SipEndpoint.start(
            "referrer",
            StackMode.TRANSACTIONS_ONLY,
            SipConfig.at(new HostPort("127.0.0.1", 16090)),
            request -> request.respond(405))) {
      Request refer =
          peer.request(Request.REFER, peer.messages().uri(null, callcenter().address()))
              .header(
                  TargetDialog.NAME,
                  new TargetDialog(leg.sipCallId(), leg.uasTag(), leg.uacTag()).value())
              .header("Refer-To", "<sip:support@127.0.0.1:5131>")
              .header("Event", "refer")
              .build();
      Response response = peer.send(refer).finalResponse().get(10, TimeUnit.SECONDS);
      assertThat(response.getStatusCode()).isEqualTo(405);
      assertThat(response.getHeader("Allow").toString()).doesNotContain("REFER");
    }
    assertThat(callOf(ua).get("transfers")).isEmpty();
    assertReceiving(ua.rtp(), "caller after the refused REFER");
    ua.hangUp();
  }
}
