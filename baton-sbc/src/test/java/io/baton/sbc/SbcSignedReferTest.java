package io.baton.sbc;

import static io.baton.sbc.Lab.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.contract.BatonHeaders;
import io.baton.contract.ReferKeys;
import io.baton.contract.ReferSignature;
import io.baton.contract.ReferSigningConfig;
import io.baton.sip.HostPort;
import io.baton.sip.Messages;
import io.baton.sip.NextHop;
import io.baton.sip.SipConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sip.Dialog;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SBC-edge with {@code referSigning} keys (docs/security.md, "Signed REFERs"): its trusted proxy
 * (played by the callee of leg 1) relays REFERs, and only those carrying the transfer server's
 * signature over this dialog, fresh and unused, move the call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbcSignedReferTest {
  private static final HostPort EDGE = at(15350);
  private static final String DID = "+18005550100";
  private static final String SECRET = "sbc-test-refer-key-0123456789abcdef";

  private Lab lab;
  private Sbc edge;
  private TestRedirect redirect;
  private TestPhone caller;
  private TestPhone agent;
  private TestPhone target;
  private ReferKeys keys;

  @BeforeAll
  void start() throws Exception {
    lab = new Lab("44100-44199");
    redirect = lab.redirect(15351);
    caller = lab.phone("caller", 15352);
    agent = lab.phone("agent", 15353);
    target = lab.phone("target", 15354);
    ReferSigningConfig signing =
        new ReferSigningConfig(List.of(new ReferSigningConfig.Key("k1", SECRET)), null, null, 0);
    keys = signing.keyRing("sbcs.sbc-edge.referSigning").orElseThrow();
    SbcConfig config =
        new SbcConfig(
            Role.EDGE,
            SipConfig.at(EDGE),
            new NextHop(at(15351)),
            null,
            Lab.edgeTrust(agent),
            new MediaConfig(true, "127.0.0.1", "44200-44299"),
            null,
            null,
            null,
            null,
            null,
            signing);
    edge = lab.sbc("sbc-edge", config, Map.of("agent", agent.address()));
    redirect.route(DID, agent.uri("+13125550100").toString());
  }

  @AfterAll
  void stop() throws Exception {
    lab.close();
  }

  @Test
  void onlyAFreshSignatureOverThisDialogMovesTheCall() throws Exception {
    TestPhone.PhoneCall call = caller.dial(Messages.get().uri(DID, EDGE), Map.of());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> call.finalResponse != null && !agent.received(Request.ACK).isEmpty());
    TestPhone.PhoneCall leg1 = agent.calls().get(0);
    String referTo = "<" + target.uri("sales") + ">";
    ReferSignature.Fields thisDialog = fieldsOf(leg1.dialog, referTo);

    // the proxy relays what it got: nothing, a signature for the other direction of this dialog,
    // one for another destination
    assertThat(leg1.refer(referTo, Map.of()).getStatusCode()).isEqualTo(403);
    ReferSignature.Fields swapped =
        new ReferSignature.Fields(
            thisDialog.callId(), thisDialog.remoteTag(), thisDialog.localTag(), referTo);
    assertThat(leg1.refer(referTo, signed(swapped, Map.of())).getStatusCode()).isEqualTo(403);
    ReferSignature.Fields elsewhere =
        new ReferSignature.Fields(
            thisDialog.callId(), thisDialog.localTag(), thisDialog.remoteTag(), "<sip:x@h>");
    assertThat(leg1.refer(referTo, signed(elsewhere, Map.of())).getStatusCode()).isEqualTo(403);

    // a genuine signature is used once (a bad timeout: 400, nothing moved), then replayed
    Map<String, String> once = signed(thisDialog, Map.of(BatonHeaders.TRANSFER_TIMEOUT, "soon"));
    assertThat(leg1.refer(referTo, once).getStatusCode()).isEqualTo(400);
    Map<String, String> replayed = Map.of(BatonHeaders.SIGNATURE, once.get(BatonHeaders.SIGNATURE));
    assertThat(leg1.refer(referTo, replayed).getStatusCode()).isEqualTo(403);
    assertThat(target.received(Request.INVITE)).isEmpty();
    assertThat(leg1.notifies).isEmpty();

    // the transfer server's fresh signature over this dialog moves it
    assertThat(leg1.refer(referTo, signed(thisDialog, Map.of())).getStatusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() -> !target.received(Request.INVITE).isEmpty());
    target.calls().get(0).hangUp();
    call.hangUp();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> edge.activeCalls() == 0 && edge.relay().portsInUse() == 0);
  }

  /** Target-Dialog as the transfer server names leg 1: the agent's tag local, SBC-edge's remote. */
  private static ReferSignature.Fields fieldsOf(Dialog leg1, String referTo) {
    return new ReferSignature.Fields(
        leg1.getCallId().getCallId(), leg1.getLocalTag(), leg1.getRemoteTag(), referTo);
  }

  private Map<String, String> signed(ReferSignature.Fields fields, Map<String, String> headers) {
    Map<String, String> out = new java.util.LinkedHashMap<>(headers);
    out.put(BatonHeaders.SIGNATURE, keys.sign(fields, Instant.now()).format());
    return out;
  }
}
