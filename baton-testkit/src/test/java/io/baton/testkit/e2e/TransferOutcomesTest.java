package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's matrix through the whole lab: every transfer ends in its documented terminal state, the
 * caller is still connected where it should be (RTP counted), and once the calls end no leg, relay
 * port or live call is left.
 */
class TransferOutcomesTest extends LabTest {
  static UserAgent busy;
  static UserAgent silent;
  static UserAgent slow;

  @BeforeAll
  static void targets() throws Exception {
    if (busy == null) {
      busy = agent("busy3", 16020, new Answer(486, Duration.ZERO, 440));
      silent = agent("silent3", 16021, new Answer(0, Duration.ZERO, 440));
      slow = agent("slow3", 16022, new Answer(200, Duration.ofSeconds(3), 440));
    }
  }

  private record Started(UaCall caller, String callId, UaCall atCallCenter) {}

  private static Started callIn() throws Exception {
    UaCall ua = call("+18005550100");
    String id = callOf(ua).get("id").asText();
    return new Started(ua, id, callcenter().call(id).orElseThrow());
  }

  @Test
  void fallbackMovesFromABusyTargetToTheNextAndCompletes() throws Exception {
    Started s = callIn();
    UserAgent sales = endpoint("pstn-sales");
    int before = sales.calls().size();

    String id = transfer(s.callId(), "{\"to\": [\"sip:busy3@127.0.0.1:16020\", \"target:sales\"]}");
    JsonNode t = awaitTransfer(id, "completed");

    // no "routing" when SBC-edge's first NOTIFY overtakes its 202 (RFC 3515 §2.4.4 allows it)
    assertThat(states(t))
        .containsSubsequence("requested", "dialing", "dialing", "answered", "completed");
    List<String> causes = new ArrayList<>();
    t.get("history").forEach(h -> causes.add(h.get("cause").asText()));
    assertThat(causes).anyMatch(c -> c.contains("486") && c.contains("attempt 1"));
    assertThat(t.get("attempt").asInt()).isEqualTo(2);
    assertThat(t.get("targets")).hasSize(2);
    await().atMost(WAIT).until(() -> sales.calls().size() > before);
    UaCall atSales = sales.calls().get(sales.calls().size() - 1);
    assertReceiving(atSales.rtp(), "sales after the fallback");
    assertReceiving(s.caller().rtp(), "caller after the fallback");
    s.caller().hangUp();
    assertNothingLeaked(s.callId());
  }

  @Test
  void aBusyNumberIsNotRungAgainThroughTheNextCarrier() throws Exception {
    Started s = callIn();

    JsonNode t = awaitTransfer(transfer(s.callId(), "{\"to\": \"+16465550486\"}"), "failed");

    assertThat(t.get("sipStatus").asInt()).isEqualTo(486);
    List<JsonNode> carrierLegs = new ArrayList<>();
    callOf(s.caller())
        .get("legs")
        .forEach(
            l -> {
              if (l.get("peer").asText().equals("sbc-carrier")) {
                carrierLegs.add(l);
              }
            });
    assertThat(carrierLegs).as("one carrier tried, the cheapest").hasSize(1);
    assertThat(carrierLegs.get(0).get("carrier").asText()).isEqualTo("cheapnet");
    assertThat(carrierLegs.get(0).get("sipStatus").asInt()).isEqualTo(486);
    assertReceiving(s.caller().rtp(), "caller after a busy number");
    assertReceiving(s.atCallCenter().rtp(), "call center after a busy number");
    s.caller().hangUp();
    assertNothingLeaked(s.callId());
  }

  @Test
  void aCheapestCarrierAnswering503IsCrankedBackToTheNextCheapest() throws Exception {
    Started s = callIn();
    UserAgent sales = endpoint("pstn-sales");
    int before = sales.calls().size();

    // flakytel (0.0010/min, gateway 5133 answering 503) first, then cheapnet (0.0040/min)
    JsonNode t = awaitTransfer(transfer(s.callId(), "{\"to\": \"+16465550503\"}"), "completed");

    assertThat(t.get("sipStatus").asInt()).isEqualTo(200);
    List<String> carrierLegs = new ArrayList<>();
    callOf(s.caller())
        .get("legs")
        .forEach(
            l -> {
              if (!l.path("carrier").isNull() && !l.path("carrier").isMissingNode()) {
                carrierLegs.add(
                    l.get("carrier").asText()
                        + " "
                        + l.get("peer").asText()
                        + " "
                        + l.get("state").asText()
                        + " "
                        + l.path("sipStatus").asText());
              }
            });
    assertThat(carrierLegs)
        .as("crankback: the cheapest refused, the second cheapest carries the call")
        .containsExactly("flakytel flakytel-gw failed 503", "cheapnet sbc-carrier active null");
    await().atMost(WAIT).until(() -> sales.calls().size() > before);
    assertReceiving(sales.calls().get(sales.calls().size() - 1).rtp(), "sales after crankback");
    assertReceiving(s.caller().rtp(), "caller after crankback");
    s.caller().hangUp();
    assertNothingLeaked(s.callId());
  }

  @Test
  void onFailHangupReleasesTheCallerWhenEveryTargetFailed() throws Exception {
    Started s = callIn();

    JsonNode t =
        awaitTransfer(
            transfer(s.callId(), "{\"to\": \"sip:busy3@127.0.0.1:16020\", \"onFail\": \"hangup\"}"),
            "failed");

    assertThat(t.get("onFail").asText()).isEqualTo("hangup");
    s.caller().awaitEnded(WAIT);
    assertThat(s.caller().endedByRemote()).as("the caller was released").isTrue();
    assertNothingLeaked(s.callId());
  }

  @Test
  void theCallerHangingUpDuringTheTransferCancelsIt() throws Exception {
    Started s = callIn();
    int before = silent.calls().size();

    String id =
        transfer(s.callId(), "{\"to\": \"sip:silent3@127.0.0.1:16021\", \"timeoutSeconds\": 20}");
    await().atMost(WAIT).until(() -> silent.calls().size() > before);
    s.caller().hangUp();

    JsonNode t = awaitTransfer(id, "cancelled");
    assertThat(t.get("sipStatus").asInt()).isEqualTo(487);
    UaCall atSilent = silent.calls().get(before);
    atSilent.awaitEnded(WAIT);
    assertThat(atSilent.finalStatus()).as("the new destination was cancelled").isEqualTo(487);
    assertNothingLeaked(s.callId());
  }

  @Test
  void theFirstDestinationHangingUpDuringTheTransferDoesNotLoseTheCaller() throws Exception {
    Started s = callIn();
    int before = slow.calls().size();

    String id =
        transfer(s.callId(), "{\"to\": \"sip:slow3@127.0.0.1:16022\", \"timeoutSeconds\": 10}");
    await().atMost(WAIT).until(() -> slow.calls().size() > before);
    assertThat(callcenter().hangUp(s.callId())).isTrue();

    awaitTransfer(id, "completed");
    UaCall atSlow = slow.calls().get(before);
    assertReceiving(atSlow.rtp(), "new destination");
    assertReceiving(s.caller().rtp(), "caller whose first destination hung up");
    assertThat(s.caller().inDialogRequests()).doesNotContain("INVITE", "BYE");
    s.caller().hangUp();
    assertNothingLeaked(s.callId());
  }

  @Test
  void aNewDestinationTooSlowToAnswerIsCancelledAndTheCallerStays() throws Exception {
    Started s = callIn();
    int before = slow.calls().size();

    JsonNode t =
        awaitTransfer(
            transfer(s.callId(), "{\"to\": \"sip:slow3@127.0.0.1:16022\", \"timeoutSeconds\": 1}"),
            "failed");

    assertThat(t.get("sipStatus").asInt()).isEqualTo(408);
    UaCall atSlow = slow.calls().get(before);
    atSlow.awaitEnded(WAIT);
    assertThat(atSlow.finalStatus()).isEqualTo(487);
    assertReceiving(s.caller().rtp(), "caller after a too-slow target");
    assertReceiving(s.atCallCenter().rtp(), "call center after a too-slow target");
    s.caller().hangUp();
    assertNothingLeaked(s.callId());
  }

  @Test
  void aFailedBlindTransferRollsTheCallerBackToTheFirstDestination() throws Exception {
    Started s = callIn();
    int callCenterCalls = callcenter().calls().size();

    JsonNode t =
        awaitTransfer(
            transfer(s.callId(), "{\"to\": \"sip:busy3@127.0.0.1:16020\", \"mode\": \"blind\"}"),
            "rolled_back");

    assertThat(t.get("sipStatus").asInt()).isEqualTo(486);
    await().atMost(WAIT).until(() -> callcenter().calls().size() > callCenterCalls);
    assertReceiving(s.caller().rtp(), "caller routed back");
    assertThat(s.caller().state().name()).isEqualTo("CONFIRMED");
    s.caller().hangUp();
    assertNothingLeaked(s.callId());
  }

  @Test
  void callerIdentityAndPassThroughHeadersReachTheNewDestination() throws Exception {
    Started s = callIn();
    UserAgent sales = endpoint("pstn-sales");
    int before = sales.calls().size();

    awaitTransfer(
        transfer(
            s.callId(),
            "{\"to\": \"target:sales\", \"headers\": {\"X-Agent-Id\": \"42\","
                + " \"User-to-User\": \"56a390f3d2b7310023a2;encoding=hex\"}}"),
        "completed");

    await().atMost(WAIT).until(() -> sales.calls().size() > before);
    UaCall atSales = sales.calls().get(before);
    // cheapnet presents the DID and adds Diversion (lab seed: callerId did, redirectInfo diversion)
    assertThat(atSales.header("From")).contains("+18005550100");
    assertThat(atSales.header("Diversion")).contains("+18005550100").contains("reason=deflection");
    assertThat(atSales.header("X-Agent-Id")).isEqualTo("42");
    assertThat(atSales.header("User-to-User")).isEqualTo("56a390f3d2b7310023a2;encoding=hex");
    assertThat(atSales.header("X-Baton-Call-Id")).as("Baton's own headers stay inside").isNull();
    s.caller().hangUp();
    assertNothingLeaked(s.callId());
  }
}
