package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md's "The transfer, step by step", end to end: a call crosses the chain, then is
 * rerouted by an API transfer.
 */
class CallAndTransferTest extends LabTest {

  @Test
  void callCrossesEdgeProxyDestToTheCallCenterWithItsLegsVisible() throws Exception {
    UaCall ua = call("+18005550100");
    JsonNode call = callOf(ua);

    assertThat(call.get("id").asText()).startsWith("c-");
    assertThat(call.get("tenant").asText()).isEqualTo("acme");
    assertThat(call.get("state").asText()).isEqualTo("active");
    assertThat(call.get("did").asText()).isEqualTo("+18005550100");
    for (String field : List.of("from", "to", "startedAt", "legs", "transfers")) {
      assertThat(call.has(field)).as(field).isTrue();
    }
    assertThat(legStates(call))
        .containsEntry("caller->sbc-edge", "active")
        .containsEntry("sbc-edge->proxy", "active")
        .containsEntry("proxy->sbc-dest", "active")
        .containsEntry("sbc-dest->callcenter", "active");
    for (JsonNode leg : call.get("legs")) {
      for (String field :
          List.of("id", "element", "peer", "sipCallId", "state", "startedAt", "endedAt")) {
        assertThat(leg.has(field)).as("leg %s", field).isTrue();
      }
    }
    // The destination server got the call with its correlation id, and audio flows both ways.
    var atCallCenter = callcenter().call(call.get("id").asText()).orElseThrow();
    assertReceiving(ua.rtp(), "caller");
    assertReceiving(atCallCenter.rtp(), "call center");
    // The call center's menu is speech, with pauses between words: wait for a spoken frame.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(ua.rtp().lastLevel())
                    .as("caller hears the menu, not silence")
                    .isGreaterThan(1000));

    ua.hangUp();
    await().atMost(WAIT).until(() -> callOf(ua).get("state").asText().equals("ended"));
    assertThat(legStates(callOf(ua)).values()).allMatch(s -> s.equals("released"));
  }

  @Test
  void transferToSalesCompletesMovesTheMediaAndKeepsTheCallersDialog() throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    var atCallCenter = callcenter().call(callId).orElseThrow();
    UserAgent sales = endpoint("pstn-sales");
    int salesCallsBefore = sales.calls().size();

    String transferId = transfer(callId, "{\"to\":\"target:sales\"}");
    JsonNode transfer = awaitTransfer(transferId, "completed");

    assertThat(transfer.get("callId").asText()).isEqualTo(callId);
    assertThat(transfer.get("mode").asText()).isEqualTo("make-before-break");
    List<String> states = new ArrayList<>();
    transfer.get("history").forEach(h -> states.add(h.get("state").asText()));
    assertThat(states).startsWith("requested").endsWith("completed");
    // The first destination was released; the second one has the caller.
    atCallCenter.awaitEnded(WAIT);
    assertThat(atCallCenter.endedByRemote()).as("call center received BYE").isTrue();
    await().atMost(WAIT).until(() -> sales.calls().size() > salesCallsBefore);
    UaCall atSales = sales.calls().get(sales.calls().size() - 1);
    assertThat(atSales.state().name()).isEqualTo("CONFIRMED");
    // The caller's own dialog is the one it started: never re-INVITEd, never hung up.
    assertThat(ua.state().name()).isEqualTo("CONFIRMED");
    assertThat(ua.inDialogRequests()).doesNotContain("INVITE", "BYE");
    // RTP flows both ways between caller and second destination (counted, not assumed).
    assertReceiving(atSales.rtp(), "second destination");
    assertReceiving(ua.rtp(), "caller after transfer");
    // With energy, not just packets: the caller's tone reaches sales, and sales's the caller.
    assertHearing(atSales.rtp(), "second destination");
    assertHearing(ua.rtp(), "caller after transfer");
    assertSilent(atCallCenter.rtp(), "released call center");

    JsonNode call = callOf(ua);
    assertThat(legStates(call))
        .containsEntry("caller->sbc-edge", "active")
        .containsEntry("sbc-edge->proxy", "released")
        .containsEntry("proxy->sbc-dest", "released")
        .containsEntry("sbc-dest->callcenter", "released")
        .containsEntry("sbc-edge->sbc-carrier", "active")
        .containsEntry("sbc-carrier->pstn-sales", "active");
    assertThat(call.get("transfers").get(0).get("state").asText()).isEqualTo("completed");

    ua.hangUp();
    atSales.awaitEnded(WAIT);
  }

  @Test
  void blindTransferToASipTargetCompletes() throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    UserAgent support = endpoint("support");
    int before = support.calls().size();

    String transferId =
        transfer(callId, "{\"to\":\"target:support\",\"mode\":\"blind\",\"timeoutSeconds\":10}");
    JsonNode transfer = awaitTransfer(transferId, "completed");

    assertThat(transfer.get("mode").asText()).isEqualTo("blind");
    await().atMost(WAIT).until(() -> support.calls().size() > before);
    UaCall atSupport = support.calls().get(support.calls().size() - 1);
    assertReceiving(atSupport.rtp(), "support");
    assertReceiving(ua.rtp(), "caller after blind transfer");
    assertThat(ua.inDialogRequests()).doesNotContain("INVITE", "BYE");
    ua.hangUp();
    atSupport.awaitEnded(WAIT);
  }
}
