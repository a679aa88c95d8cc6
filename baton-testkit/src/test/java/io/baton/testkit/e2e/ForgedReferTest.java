package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.contract.BatonHeaders;
import io.baton.contract.ReferKeys;
import io.baton.contract.ReferSignature;
import io.baton.registry.Leg;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SignedRefers;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.StackMode;
import io.baton.sip.TargetDialog;
import io.baton.testkit.LabFixture;
import io.baton.ua.UaCall;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A source the proxy trusts to move calls is not enough: an out-of-band REFER must carry the
 * transfer server's signature over this call's dialog and this Refer-To, fresh and never used
 * (docs/security.md, "Signed REFERs"). The REFERs come from {@link LabFixture#FORGER_HOST}, which
 * the proxy trusts as a transfer server (what a forger on the transfer server's address looks like)
 * and which holds no key; the replay uses a signature the lab's transfer server key really made.
 */
class ForgedReferTest extends LabTest {
  private static final String ELSEWHERE = "<sip:attacker@127.0.0.1:16079>";

  @ParameterizedTest
  @ValueSource(strings = {"udp", "tcp"})
  void forgedOrReplayedRefersGet403AndMoveNothing(String transport) throws Exception {
    UaCall ua = call("+18005550100");
    Map<String, String> legsBefore = legStates(callOf(ua));
    TargetDialog dialog = proxyDialogOf(ua);
    ReferKeys labKeys =
        lab.config().transfer().referSigning().keyRing("transfer.referSigning").orElseThrow();
    ReferKeys wrongSecret =
        new ReferKeys(
            Map.of(
                labKeys.signWith(),
                "a-guess-at-the-lab-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8)),
            labKeys.signWith());

    try (SipEndpoint forger =
        SipEndpoint.start(
            "forger",
            StackMode.TRANSACTIONS_ONLY,
            SipConfig.at(new HostPort(LabFixture.FORGER_HOST, 16078)),
            request -> request.respond(405))) {
      // no signature at all
      assertThat(send(forger, refer(forger, transport, dialog, ELSEWHERE).build())).isEqualTo(403);

      // a signature under a guessed secret for the lab's key id
      Request guessed = refer(forger, transport, dialog, ELSEWHERE).build();
      SignedRefers.sign(guessed, dialog, wrongSecret, Instant.now());
      assertThat(send(forger, guessed)).isEqualTo(403);

      // a genuine signature for another destination, its Refer-To changed
      Request genuine = refer(forger, transport, dialog, "<sip:support@127.0.0.1:5131>").build();
      SignedRefers.sign(genuine, dialog, labKeys, Instant.now());
      Request retargeted = refer(forger, transport, dialog, ELSEWHERE).build();
      retargeted.addHeader((javax.sip.header.Header) genuine.getHeader(BatonHeaders.SIGNATURE));
      assertThat(send(forger, retargeted)).isEqualTo(403);

      // a genuine signature whose REFER went through once (SBC-edge refused its bad timeout with
      // 400, nothing moved), sent again as it was captured but with a timeout that would work
      Request once =
          refer(forger, transport, dialog, ELSEWHERE)
              .header(BatonHeaders.TRANSFER_TIMEOUT, "soon")
              .build();
      SignedRefers.sign(once, dialog, labKeys, Instant.now());
      String captured = Messages.headerValue(once, BatonHeaders.SIGNATURE);
      assertThat(ReferSignature.parse(captured).keyId()).isEqualTo(labKeys.signWith());
      assertThat(send(forger, once)).isEqualTo(400);
      Request replayed =
          refer(forger, transport, dialog, ELSEWHERE)
              .header(BatonHeaders.TRANSFER_TIMEOUT, "20")
              .header(BatonHeaders.SIGNATURE, captured)
              .build();
      assertThat(send(forger, replayed)).isEqualTo(403);
    }

    assertThat(ua.state().name()).isEqualTo("CONFIRMED");
    assertThat(ua.inDialogRequests()).isEmpty();
    assertThat(callOf(ua).get("transfers")).isEmpty();
    assertThat(legStates(callOf(ua))).isEqualTo(legsBefore);
    assertReceiving(ua.rtp(), "caller after the forged REFERs");

    // the transfer server's own REFERs still move calls
    String callId = callOf(ua).get("id").asText();
    JsonNode transfer = awaitTransfer(transfer(callId, "{\"to\":\"target:support\"}"), "completed");
    assertThat(transfer.get("sipStatus").asInt()).isEqualTo(200);
    assertReceiving(ua.rtp(), "caller after the transfer");
    ua.hangUp();
    assertNothingLeaked(callId);
  }

  /** The call's dialog at the proxy, as the transfer server names it (RFC 4538). */
  private static TargetDialog proxyDialogOf(UaCall ua) {
    String callId = callOf(ua).get("id").asText();
    Leg leg =
        lab.callRegistry().orElseThrow().find(callId).orElseThrow().legs().stream()
            .filter(l -> l.element().equals("proxy"))
            .findFirst()
            .orElseThrow();
    return new TargetDialog(leg.sipCallId(), leg.uasTag(), leg.uacTag());
  }

  /** An out-of-band REFER as the transfer server writes it, to the proxy over {@code transport}. */
  private static RequestBuilder refer(
      SipEndpoint from, String transport, TargetDialog dialog, String referTo) throws Exception {
    String proxy = "sip:127.0.0.1:5080" + (transport.equals("tcp") ? ";transport=tcp" : "");
    return from.request(Request.REFER, from.messages().parseUri(proxy))
        .header("Event", "refer")
        .header("Require", "tdialog")
        .header(TargetDialog.NAME, dialog.value())
        .header("Refer-To", referTo);
  }

  private static int send(SipEndpoint from, Request refer) throws Exception {
    return from.send(refer).finalResponse().get(WAIT.toSeconds(), TimeUnit.SECONDS).getStatusCode();
  }
}
