package io.baton.proxy;

import static io.baton.sip.TrustPolicy.Permission.INVITE;
import static io.baton.sip.TrustPolicy.Permission.IN_DIALOG;
import static io.baton.sip.TrustPolicy.Permission.OPTIONS;
import static io.baton.sip.TrustPolicy.Permission.REFER;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.RequestBuilder;
import io.baton.sip.TrustPolicy;
import io.baton.sip.TrustPolicy.Peer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sip.Dialog;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** Setting up calls between two {@link TestUa}s through the proxy. */
final class Calls {
  private Calls() {}

  /** A call answered and acknowledged end to end, with both sides' dialogs. */
  record Established(
      Dialog callerDialog,
      Dialog calleeDialog,
      String sipCallId,
      String callerTag,
      String calleeTag,
      Response ok,
      InboundRequest calleeInvite) {}

  /**
   * The proxy's neighbours in these tests: the caller plays SBC-edge, the callee SBC-dest, and
   * {@code transfers} may move calls.
   */
  static TrustPolicy neighbours(TestUa caller, TestUa callee, TestUa... transfers) {
    TrustPolicy policy =
        new TrustPolicy(
            List.of(
                new Peer("sbc-edge", caller.address().toString(), INVITE, IN_DIALOG, OPTIONS),
                new Peer("sbc-dest", callee.address().toString(), IN_DIALOG, OPTIONS)),
            null);
    for (TestUa transfer : transfers) {
      policy = policy.withPeer(new Peer("transfer", transfer.address().toString(), REFER));
    }
    return policy;
  }

  static RequestBuilder invite(TestUa caller, HostPort proxy, String user) {
    return caller.endpoint.request(Request.INVITE, caller.endpoint.messages().uri(user, proxy));
  }

  /** INVITE → 180/200 → ACK through the proxy; returns once the callee has the ACK. */
  static Established establish(TestUa caller, TestUa callee, Request invite) throws Exception {
    OutboundTransaction tx = caller.endpoint.send(invite);
    Response ok = tx.finalResponse().get(TestUa.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(ok.getStatusCode()).isEqualTo(Response.OK);
    InboundRequest calleeInvite = callee.awaitRequest(Request.INVITE);
    caller.endpoint.ack(tx.dialog(), ok);
    InboundRequest ack = callee.awaitRequest(Request.ACK);
    assertThat(ack.dialog()).isSameAs(calleeInvite.dialog());
    return new Established(
        tx.dialog(),
        calleeInvite.dialog(),
        Messages.callId(ok),
        Messages.fromTag(ok),
        Messages.toTag(ok),
        ok,
        calleeInvite);
  }
}
