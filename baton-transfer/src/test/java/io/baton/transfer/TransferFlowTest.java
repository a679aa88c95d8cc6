package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.contract.BatonHeaders;
import io.baton.contract.ReferVerifier;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.SignedRefers;
import io.baton.sip.SipFrag;
import io.baton.sip.TargetDialog;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transfers end to end on real sockets: POST over HTTP, the REFER on the wire to a test proxy, its
 * NOTIFYs back, and the transfer's state and history over HTTP.
 */
class TransferFlowTest {
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    lab = TransferFixture.start("flow", 15410, 15411, 18080);
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  @AfterEach
  void refersAreAnsweredWith202Again() {
    lab.proxy.answerRefersWith(202);
  }

  @Test
  void referCarriesTheWireContractsHeaders() throws Exception {
    Call call = lab.answeredCall();
    Leg proxyLeg = TransferFixture.proxyLeg(call);

    HttpResponse<String> response =
        lab.post(
            "/v1/calls/" + call.id() + "/transfer",
            ACME_KEY,
            "{\"to\": \"+16465550111\", \"timeoutSeconds\": 45}");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode transfer = lab.json(response);
    String id = transfer.get("id").asText();
    assertThat(id).matches("t-[0-9a-f]{16}");
    assertThat(response.headers().firstValue("Location")).contains("/v1/transfers/" + id);
    assertThat(transfer.get("state").asText()).isEqualTo("requested");
    assertThat(transfer.get("callId").asText()).isEqualTo(call.id());
    assertThat(transfer.get("mode").asText()).isEqualTo("make-before-break");

    InboundRequest refer = lab.proxy.nextRefer();
    SipURI requestUri = (SipURI) refer.request().getRequestURI();
    assertThat(requestUri.getHost()).isEqualTo("127.0.0.1");
    assertThat(requestUri.getPort()).isEqualTo(lab.proxy.address().port());
    assertThat(requestUri.getUser()).isNull();
    assertThat(refer.header("Target-Dialog"))
        .isEqualTo(
            proxyLeg.sipCallId()
                + ";local-tag="
                + TransferFixture.CALLEE_TAG
                + ";remote-tag="
                + TransferFixture.CALLER_TAG);
    assertThat(refer.header("Refer-To")).isEqualTo("<tel:+16465550111>");
    assertThat(lab.server.sipAddress().toString()).isEqualTo("127.0.0.1:15410");
    assertThat(refer.header("Referred-By")).isEqualTo("<sip:transfer@127.0.0.1:15410>");
    assertThat(refer.header("Event")).isEqualTo("refer");
    assertThat(refer.header("Require")).isEqualTo("tdialog");
    assertThat(refer.header("From")).startsWith("<sip:transfer@127.0.0.1:15410>;tag=");
    assertThat(refer.header("To")).isEqualTo("<sip:127.0.0.1:15411>");
    assertThat(refer.header("Contact")).isEqualTo("<sip:127.0.0.1:15410>");
    assertThat(refer.header("X-Baton-Call-Id")).isEqualTo(call.id());
    assertThat(refer.header("X-Baton-Transfer-Id")).isEqualTo(id);
    assertThat(refer.header("X-Baton-Transfer-Mode")).isEqualTo("make-before-break");
    assertThat(refer.header("X-Baton-Transfer-Timeout")).isEqualTo("45");
    assertThat(refer.source().getPort())
        .as("sent from the transfer server's own port")
        .isEqualTo(15410);
    ReferVerifier proxyChecks =
        TransferFixture.REFER_SIGNING.verifier("proxy", Clock.systemUTC()).orElseThrow();
    assertThat(refer.header(BatonHeaders.SIGNATURE)).startsWith("kid=t1;ts=");
    assertThat(
            SignedRefers.verifyOutOfDialog(
                proxyChecks, refer.request(), TargetDialog.parse(refer.header("Target-Dialog"))))
        .isEqualTo(ReferVerifier.Verdict.VALID);

    JsonNode routing = lab.awaitTransfer(id, "routing");
    assertThat(routing.get("history").get(1).get("cause").asText())
        .isEqualTo("REFER answered 202 Accepted");
  }

  @Test
  void referCarriesTheFallbackListOnFailAndPassedHeaders() throws Exception {
    Call call = lab.answeredCall();
    JsonNode transfer =
        lab.transfer(
            call,
            """
            {"to": [{"to": "sip:b@127.0.0.1:5999", "timeoutSeconds": 20}, "target:sales",
                    {"to": "target:support", "timeoutSeconds": 5}],
             "timeoutSeconds": 30, "onFail": "hangup",
             "headers": {"X-Agent-Id": "42", "User-to-User": "56a390f3d2b7310023a2;encoding=hex",
                         "X-Note": "50% off, \\"now\\" + later"}}
            """);

    InboundRequest refer = lab.proxy.nextRefer();
    assertThat(refer.header("Refer-To")).isEqualTo("<sip:b@127.0.0.1:5999>");
    assertThat(refer.header("X-Baton-Transfer-Timeout")).isEqualTo("20");
    assertThat(refer.header("X-Baton-Transfer-Fallback"))
        .isEqualTo("<tel:+16465550111>;timeout=30, <sip:support@127.0.0.1:5131>;timeout=5");
    assertThat(refer.header("X-Baton-On-Fail")).isEqualTo("hangup");
    assertThat(headers(refer, "X-Baton-Pass"))
        .containsExactly(
            "X-Agent-Id=42",
            "User-to-User=56a390f3d2b7310023a2;encoding=hex",
            "X-Note=50%25%20off%2C%20%22now%22%20%2B%20later");

    assertThat(transfer.get("to").asText()).isEqualTo("sip:b@127.0.0.1:5999");
    assertThat(transfer.get("timeoutSeconds").asInt()).isEqualTo(20);
    assertThat(transfer.get("onFail").asText()).isEqualTo("hangup");
    assertThat(transfer.get("attempt").asInt()).isEqualTo(1);
    List<String> targets = new ArrayList<>();
    transfer
        .get("targets")
        .forEach(
            t ->
                targets.add(
                    t.get("to").asText()
                        + " "
                        + t.get("destination").asText()
                        + " "
                        + t.get("timeoutSeconds").asInt()));
    assertThat(targets)
        .containsExactly(
            "sip:b@127.0.0.1:5999 sip:b@127.0.0.1:5999 20",
            "target:sales tel:+16465550111 30",
            "target:support sip:support@127.0.0.1:5131 5");
  }

  @Test
  void oneTargetHasNoFallbackHeaderAndStaysByDefault() throws Exception {
    lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}");

    InboundRequest refer = lab.proxy.nextRefer();
    assertThat(refer.header("X-Baton-Transfer-Fallback")).isNull();
    assertThat(refer.header("X-Baton-On-Fail")).isEqualTo("stay");
    assertThat(headers(refer, "X-Baton-Pass")).isEmpty();
  }

  @Test
  void aNamedTargetOutsideTheTenantsAnywhereInTheListIs403() throws Exception {
    HttpResponse<String> r =
        lab.post(
            "/v1/calls/" + lab.answeredCall().id() + "/transfer",
            ACME_KEY,
            "{\"to\": [\"+16465550111\", \"target:billing\"]}");

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(lab.json(r).get("detail").asText())
        .isEqualTo("to[1]: target:billing is not one of your targets");
    assertThat(lab.proxy.noRefer(java.time.Duration.ofMillis(200))).isTrue();
  }

  @Test
  void sipUrisAndNamedTargetsBecomeReferTo() throws Exception {
    lab.transfer(lab.answeredCall(), "{\"to\": \"sip:agent@127.0.0.1:5999\", \"mode\": \"blind\"}");
    InboundRequest sip = lab.proxy.nextRefer();
    assertThat(sip.header("Refer-To")).isEqualTo("<sip:agent@127.0.0.1:5999>");
    assertThat(sip.header("X-Baton-Transfer-Mode")).isEqualTo("blind");
    assertThat(sip.header("X-Baton-Transfer-Timeout")).isEqualTo("30");

    JsonNode sales = lab.transfer(lab.answeredCall(), "{\"to\": \"target:sales\"}");
    assertThat(lab.proxy.nextRefer().header("Refer-To")).isEqualTo("<tel:+16465550111>");
    assertThat(sales.get("to").asText()).isEqualTo("target:sales");
    assertThat(sales.get("destination").asText()).isEqualTo("tel:+16465550111");

    lab.transfer(lab.answeredCall(), "{\"to\": \"target:support\"}");
    assertThat(lab.proxy.nextRefer().header("Refer-To")).isEqualTo("<sip:support@127.0.0.1:5131>");
  }

  @Test
  void notifiesTakeTheTransferToCompletedWithItsFullHistory() throws Exception {
    Call call = lab.answeredCall();
    String id = lab.transfer(call, "{\"to\": \"+16465550111\"}").get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");

    assertThat(lab.proxy.notify(refer, 1, 100, "Trying", false)).isEqualTo(200);
    assertThat(lab.proxy.notify(refer, 2, 180, "Ringing", false)).isEqualTo(200);
    assertThat(lab.proxy.notify(refer, 3, 200, "OK", true)).isEqualTo(200);

    JsonNode done = lab.awaitTransfer(id, "completed");
    assertThat(done.get("sipStatus").asInt()).isEqualTo(200);
    assertThat(done.get("reason").asText()).isEqualTo("OK");
    assertThat(states(done))
        .containsExactly("requested", "routing", "dialing", "ringing", "completed");
    assertThat(causes(done))
        .containsExactly(
            "requested by acme",
            "REFER answered 202 Accepted",
            "NOTIFY SIP/2.0 100 Trying",
            "NOTIFY SIP/2.0 180 Ringing",
            "NOTIFY SIP/2.0 200 OK");

    // A late NOTIFY is answered, and changes nothing.
    assertThat(lab.proxy.notify(refer, 4, 486, "Busy Here", true)).isEqualTo(200);
    JsonNode callView = lab.json(lab.get("/v1/calls/" + call.id(), ACME_KEY));
    assertThat(callView.get("transfers").get(0).get("state").asText()).isEqualTo("completed");
    assertThat(states(callView.get("transfers").get(0))).hasSize(5);
  }

  @Test
  void attemptsAnswerAndReleaseTakeTheTransferToCompleted() throws Exception {
    Call call = lab.answeredCall();
    String id =
        lab.transfer(call, "{\"to\": [\"+16465550111\", \"sip:b@127.0.0.1:5999\"]}")
            .get("id")
            .asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");

    lab.proxy.notify(refer, 1, 1, 100, "Trying", null);
    lab.proxy.notify(refer, 2, 1, 180, "Ringing", null);
    lab.proxy.notify(refer, 3, 1, 486, "Busy Here", null);
    lab.proxy.notify(refer, 4, 2, 100, "Trying", null);
    JsonNode dialing = lab.awaitTransfer(id, "dialing");
    assertThat(dialing.get("attempt").asInt()).isEqualTo(2);
    lab.proxy.notify(refer, 5, 2, 180, "Ringing", null);
    lab.proxy.notify(refer, 6, 2, 200, "OK", null);
    lab.awaitTransfer(id, "answered");
    assertThat(lab.proxy.notify(refer, 7, 2, 200, "OK", "completed")).isEqualTo(200);

    JsonNode done = lab.awaitTransfer(id, "completed");
    assertThat(states(done))
        .containsExactly(
            "requested",
            "routing",
            "dialing",
            "ringing",
            "ringing",
            "dialing",
            "ringing",
            "answered",
            "completed");
    assertThat(causes(done).get(4)).isEqualTo("NOTIFY SIP/2.0 486 Busy Here, attempt 1 failed");
    assertThat(causes(done).get(8)).isEqualTo("NOTIFY SIP/2.0 200 OK, outcome completed");
    assertThat(done.get("sipStatus").asInt()).isEqualTo(200);
    assertThat(done.get("attempt").asInt()).isEqualTo(2);

    // A NOTIFY after the final state is answered and changes nothing; the call may move again.
    assertThat(lab.proxy.notify(refer, 8, 2, 487, "Request Terminated", "cancelled"))
        .isEqualTo(200);
    assertThat(states(lab.awaitTransfer(id, "completed"))).hasSize(9);
    lab.transfer(call, "{\"to\": \"target:support\"}");
    lab.proxy.nextRefer();
  }

  @ParameterizedTest
  @CsvSource({
    "failed, 603, Decline",
    "rolled_back, 408, Request Timeout",
    "cancelled, 487, Request Terminated"
  })
  void theFinalNotifysOutcomeIsTheTerminalState(String outcome, int status, String reason)
      throws Exception {
    Call call = lab.answeredCall();
    String id = lab.transfer(call, "{\"to\": \"+16465550111\"}").get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.proxy.notify(refer, 1, 1, 100, "Trying", null);
    lab.proxy.notify(refer, 2, 1, status, reason, outcome);

    JsonNode ended = lab.awaitTransfer(id, outcome);
    assertThat(ended.get("sipStatus").asInt()).isEqualTo(status);
    assertThat(ended.get("reason").asText()).isEqualTo(reason);
    assertThat(causes(ended).getLast())
        .isEqualTo("NOTIFY SIP/2.0 " + status + " " + reason + ", outcome " + outcome);
    // terminal: the call is free again
    lab.transfer(call, "{\"to\": \"target:support\"}");
    lab.proxy.nextRefer();
  }

  @Test
  void anUnansweredReferFails408OnItsTimer() throws Exception {
    lab.proxy.answerRefersWith(0);
    String id = lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}").get("id").asText();
    lab.proxy.nextRefer();

    JsonNode failed = lab.awaitTransfer(id, "failed");
    assertThat(failed.get("sipStatus").asInt()).isEqualTo(408);
    assertThat(failed.get("reason").asText()).isEqualTo("REFER unanswered within 1 s");
    assertThat(states(failed)).containsExactly("requested", "failed");
  }

  @Test
  void silenceAfterTheAnswerFailsAfterEveryTargetsTimeoutAndTheGrace() throws Exception {
    String id =
        lab.transfer(
                lab.answeredCall(),
                "{\"to\": [{\"to\": \"+16465550111\", \"timeoutSeconds\": 1},"
                    + " {\"to\": \"sip:b@127.0.0.1:5999\", \"timeoutSeconds\": 1}]}")
            .get("id")
            .asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");
    lab.proxy.notify(refer, 1, 1, 200, "OK", null);
    lab.awaitTransfer(id, "answered");

    JsonNode failed = lab.awaitTransfer(id, "failed");
    assertThat(failed.get("reason").asText()).isEqualTo("no final NOTIFY within 2.3 s");
    assertThat(states(failed)).containsExactly("requested", "routing", "answered", "failed");
  }

  @Test
  void busyDestinationFailsTheTransferAndFreesTheCall() throws Exception {
    Call call = lab.answeredCall();
    String id = lab.transfer(call, "{\"to\": \"+16465550111\"}").get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");

    lab.proxy.notify(refer, 1, 100, "Trying", false);
    lab.proxy.notify(refer, 2, 486, "Busy Here", true);

    JsonNode failed = lab.awaitTransfer(id, "failed");
    assertThat(failed.get("sipStatus").asInt()).isEqualTo(486);
    assertThat(failed.get("reason").asText()).isEqualTo("Busy Here");
    assertThat(states(failed)).containsExactly("requested", "routing", "dialing", "failed");

    // The call stays up and may be transferred again.
    lab.transfer(call, "{\"to\": \"target:support\"}");
    lab.proxy.nextRefer();
  }

  @ParameterizedTest
  @ValueSource(ints = {403, 481})
  void refusedReferFailsTheTransferWithItsStatus(int status) throws Exception {
    lab.proxy.answerRefersWith(status);
    String id = lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}").get("id").asText();
    lab.proxy.nextRefer();

    JsonNode failed = lab.awaitTransfer(id, "failed");
    assertThat(failed.get("sipStatus").asInt()).isEqualTo(status);
    assertThat(states(failed)).containsExactly("requested", "failed");
  }

  @Test
  void noFinalNotifyFailsTheTransferAfterTimeoutAndGrace() throws Exception {
    String id =
        lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\", \"timeoutSeconds\": 1}")
            .get("id")
            .asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");
    lab.proxy.notify(refer, 1, 100, "Trying", false);

    JsonNode failed = lab.awaitTransfer(id, "failed");
    assertThat(failed.get("sipStatus").isNull()).isTrue();
    assertThat(failed.get("reason").asText()).isEqualTo("no final NOTIFY within 1.3 s");
    assertThat(states(failed)).containsExactly("requested", "routing", "dialing", "failed");
  }

  @Test
  void notifiesReorderedByUdpAreIgnored() throws Exception {
    String id = lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}").get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");

    assertThat(lab.proxy.notify(refer, 5, 180, "Ringing", false)).isEqualTo(200);
    assertThat(lab.proxy.notify(refer, 4, 100, "Trying", false)).isEqualTo(200);
    assertThat(lab.proxy.notify(refer, 5, 486, "Busy Here", true)).isEqualTo(200);
    assertThat(lab.json(lab.get("/v1/transfers/" + id, ACME_KEY)).get("state").asText())
        .isEqualTo("ringing");

    lab.proxy.notify(refer, 6, 200, "OK", true);
    JsonNode done = lab.awaitTransfer(id, "completed");
    assertThat(states(done)).containsExactly("requested", "routing", "ringing", "completed");
  }

  @Test
  void subscriptionEndedWithoutAFinalStatusFailsTheTransfer() throws Exception {
    String id = lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}").get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");

    lab.proxy.send(
        refer,
        Messages.callId(refer.request()),
        1,
        SipFrag.of(180, "Ringing"),
        "terminated;reason=timeout");

    JsonNode failed = lab.awaitTransfer(id, "failed");
    assertThat(failed.get("reason").asText())
        .isEqualTo("subscription terminated (timeout) without a final status");
  }

  @Test
  void notifyForNoTransferIsAnswered481() throws Exception {
    lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}");
    InboundRequest refer = lab.proxy.nextRefer();

    int status =
        lab.proxy.send(
            refer, "t-0000000000000000@127.0.0.1", 1, SipFrag.of(100, "Trying"), "active");

    assertThat(status).isEqualTo(481);
  }

  @Test
  void callWithoutAProxyLegFailsAtOnce() throws Exception {
    Call call = lab.call(TransferFixture.ACME_DID, io.baton.registry.LegState.ACTIVE, false);

    String id = lab.transfer(call, "{\"to\": \"+16465550111\"}").get("id").asText();

    JsonNode failed = lab.awaitTransfer(id, "failed");
    assertThat(failed.get("reason").asText()).isEqualTo("no proxy holds the call");
    assertThat(lab.proxy.noRefer(java.time.Duration.ofMillis(300))).isTrue();
  }

  @Test
  void callIsFoundByAnyLegsSipCallId() throws Exception {
    Call call = lab.answeredCall();
    Leg callerLeg = call.callerLeg().orElseThrow();

    JsonNode view = lab.json(lab.get("/v1/calls/" + callerLeg.sipCallId(), ACME_KEY));
    assertThat(view.get("id").asText()).isEqualTo(call.id());

    HttpResponse<String> r =
        lab.post(
            "/v1/calls/" + TransferFixture.proxyLeg(call).sipCallId() + "/transfer",
            ACME_KEY,
            "{\"to\": \"+16465550111\"}");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(lab.json(r).get("callId").asText()).isEqualTo(call.id());
    assertThat(lab.proxy.nextRefer().header("X-Baton-Call-Id")).isEqualTo(call.id());
  }

  @Test
  void requestsOtherThanNotifyAreRefused() throws Exception {
    assertThat(lab.proxy.request(Request.OPTIONS, lab.server.sipAddress()).getStatusCode())
        .isEqualTo(200);
    javax.sip.message.Response refused =
        lab.proxy.request(Request.MESSAGE, lab.server.sipAddress());
    assertThat(refused.getStatusCode()).isEqualTo(405);
    List<String> allowed = new ArrayList<>();
    refused.getHeaders("Allow").forEachRemaining(h -> allowed.add(h.toString().trim()));
    assertThat(allowed).containsExactly("Allow: NOTIFY", "Allow: OPTIONS");
  }

  private static List<String> headers(InboundRequest request, String name) {
    List<String> values = new ArrayList<>();
    request
        .request()
        .getHeaders(name)
        .forEachRemaining(h -> values.add(h.toString().substring(name.length() + 1).trim()));
    return values;
  }

  private static List<String> states(JsonNode transfer) {
    List<String> out = new ArrayList<>();
    transfer.get("history").forEach(h -> out.add(h.get("state").asText()));
    return out;
  }

  private static List<String> causes(JsonNode transfer) {
    List<String> out = new ArrayList<>();
    transfer.get("history").forEach(h -> out.add(h.get("cause").asText()));
    return out;
  }
}
