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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

/**
 * The destination platform's three transfer triggers (docs/design.md, "The network"), each through
 * the real elements and ending with the transfer {@code completed} and audio counted both ways
 * between the caller and the new destination: on arrival (+18005550101), after an IVR choice
 * (+18005550100, DTMF as RFC 4733 events and as SIP INFO), and when an agent asks ({@code bin/baton
 * agent transfer}). The call center itself cannot transfer: a REFER gets 405.
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

  /** The call's latest transfer (the call center asked for it); a missing node if none. */
  private static JsonNode lastTransfer(UaCall ua) {
    JsonNode transfers = callOf(ua).get("transfers");
    return transfers.isEmpty()
        ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
        : transfers.get(transfers.size() - 1);
  }

  /** Waits for the call's latest transfer to be completed. */
  private static JsonNode awaitCompletedTransfer(UaCall ua) {
    await().atMost(WAIT).until(() -> lastTransfer(ua).path("state").asText().equals("completed"));
    return lastTransfer(ua);
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
    assertHearing(atTarget.rtp(), "new destination");
    assertHearing(ua.rtp(), "caller after the transfer");
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

  /** The menu's choice of {@code key}, pressed by {@code press}, ends at {@code endpoint}. */
  private static UaCall choose(char key, KeyPress press, String target, String endpoint)
      throws Exception {
    UserAgent at = endpoint(endpoint);
    int before = at.calls().size();
    UaCall ua = call("+18005550100");
    UaCall atCenter = atCallCenterGathering(ua);

    press.send(ua, String.valueOf(key));

    JsonNode transfer = awaitCompletedTransfer(ua);
    assertThat(transfer.get("to").toString()).contains(target);
    assertThat(atCenter.digits()).containsExactly(key);
    assertTwoWayAudio(ua, newCallAt(at, before), atCenter);
    return ua;
  }

  /** How the caller presses keys. */
  private interface KeyPress {
    void send(UaCall call, String keys) throws Exception;
  }

  @Test
  void pressing1AsAnRfc4733EventTransfersToSales() throws Exception {
    UaCall ua = choose('1', UaCall::sendDigits, "target:sales", "pstn-sales");
    assertThat(legStates(callOf(ua))).containsEntry("sbc-carrier->pstn-sales", "active");
    ua.hangUp();
  }

  @Test
  void pressing2AsSipInfoTransfersToSupport() throws Exception {
    // SIP INFO crosses SBC-edge, the proxy and SBC-dest in the dialog to the call center.
    KeyPress info = (call, keys) -> assertThat(call.sendInfoDigits(keys, WAIT)).containsOnly(200);
    UaCall ua = choose('2', info, "target:support", "support");
    assertThat(legStates(callOf(ua))).containsEntry("sbc-edge->support", "active");
    ua.hangUp();
  }

  /** Presses 0 and waits until the caller talks to an agent: the agent's side of that call. */
  private static UaCall talkToAnAgent(UaCall ua, UaCall atCenter) {
    ua.sendDigits("0");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(callcenter().ivr(atCenter).orElse("")).contains("state=WITH_AGENT"));
    UaCall atAgent = callcenter().agent(agentOf(atCenter)).orElseThrow().calls().getLast();
    // The caller's tone reaches the agent, the agent's voice comes back.
    assertHearing(atAgent.rtp(), "the agent talking to the caller");
    assertHearing(ua.rtp(), "the caller talking to the agent");
    return atAgent;
  }

  private static String agentOf(UaCall atCenter) {
    return callcenter().ivr(atCenter).orElseThrow().replaceAll(".*agent=", "");
  }

  /** {@code bin/baton agent transfer --agent NAME --to TARGET}; its exit status. */
  private static int agentTransfer(String agent, String to) {
    return Main.run(
        "agent",
        "transfer",
        "--agent",
        agent,
        "--to",
        to,
        "--config",
        LabFixture.labConfig().toString());
  }

  @Test
  void theLabsAgentsEndpointAnswersOnlyWithItsKey() throws Exception {
    var at = LabFixture.lab().config().callcenter().http();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest.Builder agents =
        HttpRequest.newBuilder(URI.create("http://" + at.listen() + "/agents"));

    HttpResponse<String> without = http.send(agents.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.headers().firstValue("Content-Type")).contains("application/problem+json");
    HttpResponse<String> with =
        http.send(
            agents.header("Authorization", "Bearer " + at.key()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(with.statusCode()).isEqualTo(200);
    assertThat(with.body()).contains("\"alice\"");
  }

  @Test
  void anAgentAsksWithTheCliAndTheCallerGoesToSupport() throws Exception {
    UserAgent support = endpoint("support");
    int before = support.calls().size();
    UaCall ua = call("+18005550100");
    UaCall atCenter = atCallCenterGathering(ua);
    UaCall atAgent = talkToAnAgent(ua, atCenter);

    assertThat(agentTransfer(agentOf(atCenter), "target:support")).as("exit status").isZero();

    awaitCompletedTransfer(ua);
    assertTwoWayAudio(ua, newCallAt(support, before), atCenter);
    atAgent.awaitEnded(WAIT);
    assertThat(atAgent.endedByRemote()).as("the agent's call released").isTrue();
    ua.hangUp();
  }

  @Test
  void anAgentsTransferToABusyNumberFailsAndTheCallerStaysWithTheAgent() throws Exception {
    UaCall ua = call("+18005550100");
    UaCall atCenter = atCallCenterGathering(ua);
    UaCall atAgent = talkToAnAgent(ua, atCenter);

    // pstn-busy answers 486: Baton accepts the request (202), then the transfer fails.
    assertThat(agentTransfer(agentOf(atCenter), "+16465550486")).isZero();

    await().atMost(WAIT).until(() -> lastTransfer(ua).path("state").asText().equals("failed"));
    assertThat(lastTransfer(ua).get("sipStatus").asInt()).isEqualTo(486);
    await()
        .atMost(WAIT)
        .until(() -> callcenter().ivr(atCenter).orElse("").contains("state=WITH_AGENT"));
    assertThat(atAgent.state().name()).isEqualTo("CONFIRMED");
    assertHearing(ua.rtp(), "the caller still talking to the agent");
    assertHearing(atAgent.rtp(), "the agent still talking to the caller");
    ua.hangUp();
    atAgent.awaitEnded(WAIT);
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
