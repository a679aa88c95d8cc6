package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.sip.HostPort;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.TargetDialog;
import io.baton.ua.UaCall;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

/**
 * Only trusted transfer servers may move calls through the proxy (docs/design.md, transfer step 6).
 */
class OutOfBandTrustTest extends LabTest {

  @Test
  void anUntrustedOutOfDialogReferGets403AndMovesNothing() throws Exception {
    UaCall ua = call("+18005550100");
    JsonNode call = callOf(ua);
    JsonNode proxyLeg = null;
    for (JsonNode leg : call.get("legs")) {
      if (leg.get("element").asText().equals("proxy")) {
        proxyLeg = leg;
      }
    }
    assertThat(proxyLeg).isNotNull();
    var registryLeg =
        lab.callRegistry().orElseThrow().find(call.get("id").asText()).orElseThrow().legs().stream()
            .filter(l -> l.element().equals("proxy"))
            .findFirst()
            .orElseThrow();
    TargetDialog dialog =
        new TargetDialog(registryLeg.sipCallId(), registryLeg.uasTag(), registryLeg.uacTag());

    try (SipEndpoint intruder =
        SipEndpoint.start(
            "intruder",
            StackMode.TRANSACTIONS_ONLY,
            SipConfig.at(new HostPort("127.0.0.1", 16070)),
            request -> request.respond(405))) {
      Request refer =
          intruder
              .request(
                  Request.REFER, intruder.messages().uri(null, HostPort.parse("127.0.0.1:5080")))
              .header(TargetDialog.NAME, dialog.value())
              .header("Refer-To", "<sip:attacker@127.0.0.1:16071>")
              .header("Event", "refer")
              .build();
      Response response = intruder.send(refer).finalResponse().get(10, TimeUnit.SECONDS);
      assertThat(response.getStatusCode()).isEqualTo(403);
    }

    assertThat(ua.state().name()).isEqualTo("CONFIRMED");
    assertThat(ua.inDialogRequests()).isEmpty();
    assertThat(callOf(ua).get("transfers")).isEmpty();
    assertThat(legStates(callOf(ua)))
        .containsEntry("sbc-edge->proxy", "active")
        .doesNotContainKey("sbc-edge->127.0.0.1:16071");
    assertReceiving(ua.rtp(), "caller after the rejected REFER");
    ua.hangUp();
  }
}
