package io.baton.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.contract.ReferKeys;
import io.baton.contract.ReferSigningConfig;
import io.baton.contract.ReferVerifier;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.PeerNames;
import io.baton.sip.PrefixRoute;
import io.baton.sip.SignedRefers;
import io.baton.sip.SipConfig;
import io.baton.sip.TargetDialog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.Dialog;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The proxy with {@code referSigning} keys (docs/security.md, "Signed REFERs"): its trusted
 * transfer server's REFER moves a call only with a valid signature, and the in-dialog REFER it
 * sends the caller side carries that signature, which verifies there over the dialog it arrives in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedReferTest {
  private static final HostPort PROXY = new HostPort("127.0.0.1", 15260);
  private static final String NUMBER = "+13125550100";
  private static final ReferSigningConfig SIGNING =
      new ReferSigningConfig(
          List.of(new ReferSigningConfig.Key("k1", "proxy-test-refer-key-0123456789abcdef")),
          null,
          null,
          0);

  private ScheduledExecutorService scheduler;
  private ProxyServer proxy;
  private TestUa caller;
  private TestUa callee;
  private TestUa transfer;
  private ReferKeys keys;

  @BeforeAll
  void start() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    caller = TestUa.start("sbc-edge", 15261);
    callee = TestUa.start("sbc-dest", 15262);
    transfer = TestUa.start("transfer", 15263);
    keys = SIGNING.keyRing("test").orElseThrow();
    ProxyConfig config =
        new ProxyConfig(
            SipConfig.at(PROXY),
            List.of(new PrefixRoute("+1312555", callee.address())),
            Calls.neighbours(caller, callee, transfer),
            null,
            SIGNING);
    proxy =
        ProxyServer.start(
            "proxy",
            config,
            new RecordingRegistry(),
            PeerNames.none(),
            Clock.systemUTC(),
            scheduler);
  }

  @AfterAll
  void stop() {
    proxy.close();
    for (TestUa ua : List.of(caller, callee, transfer)) {
      ua.close();
    }
    scheduler.shutdownNow();
  }

  @Test
  void onlyASignedReferMovesTheCallAndItsSignatureGoesOnToTheCallerSide() throws Exception {
    Calls.Established call =
        Calls.establish(caller, callee, Calls.invite(caller, PROXY, NUMBER).build());
    caller.reset();
    TargetDialog dialog = new TargetDialog(call.sipCallId(), call.calleeTag(), call.callerTag());

    Request unsigned = refer(dialog);
    assertThat(transfer.sendAndWait(unsigned).getStatusCode()).isEqualTo(403);
    Request otherDialog = refer(dialog);
    SignedRefers.sign(
        otherDialog,
        new TargetDialog(call.sipCallId(), call.callerTag(), call.calleeTag()),
        keys,
        Instant.now());
    Response refused = transfer.sendAndWait(otherDialog);
    assertThat(refused.getStatusCode()).isEqualTo(403);
    assertThat(refused.getReasonPhrase()).isEqualTo("Forbidden");
    assertThat(proxy.refersRelayed()).isZero();
    assertThat(caller.methods()).isEmpty();

    Request signed = refer(dialog);
    SignedRefers.sign(signed, dialog, keys, Instant.now());
    var referTx = transfer.endpoint.send(signed);
    InboundRequest inDialog = caller.awaitRequest(Request.REFER);
    assertThat(Messages.headerValue(inDialog.request(), BatonHeaders.SIGNATURE))
        .isEqualTo(Messages.headerValue(signed, BatonHeaders.SIGNATURE));
    ReferVerifier edge = SIGNING.verifier("test", Clock.systemUTC()).orElseThrow();
    assertThat(SignedRefers.verifyInDialog(edge, inDialog.request()))
        .isEqualTo(ReferVerifier.Verdict.VALID);
    inDialog.respond(Response.ACCEPTED);
    assertThat(referTx.finalResponse().get(5, TimeUnit.SECONDS).getStatusCode()).isEqualTo(202);

    // the same REFER again, as an attacker who captured it would send it
    Request replayed = refer(dialog);
    replayed.addHeader((javax.sip.header.Header) signed.getHeader(BatonHeaders.SIGNATURE));
    assertThat(transfer.sendAndWait(replayed).getStatusCode()).isEqualTo(403);
    assertThat(proxy.refersRelayed()).isEqualTo(1);

    Dialog callerDialog = call.callerDialog();
    callerDialog.terminateOnBye(false);
    assertThat(
            caller
                .sendAndWait(callerDialog.createRequest(Request.BYE), callerDialog)
                .getStatusCode())
        .isEqualTo(200);
    await().atMost(TestUa.WAIT).until(() -> proxy.dialogs() <= 1);
  }

  private Request refer(TargetDialog dialog) {
    return transfer
        .endpoint
        .request(Request.REFER, transfer.endpoint.messages().uri(null, PROXY))
        .from(transfer.endpoint.contact("transfer"))
        .header("Event", "refer")
        .header("Require", "tdialog")
        .header(TargetDialog.NAME, dialog.value())
        .header("Refer-To", "<tel:+16465550111>")
        .build();
  }
}
