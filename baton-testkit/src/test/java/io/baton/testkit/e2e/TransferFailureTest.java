package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.Api;
import io.baton.testkit.LabFixture;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failed transfer never drops the caller: busy, no answer, unreachable targets end the transfer
 * {@code failed} with the SIP status while the caller stays with the first destination, audio still
 * flowing. Bad API requests get RFC 9457 problems with the right status.
 */
class TransferFailureTest extends LabTest {
  static UserAgent busy;
  static UserAgent silent;

  @BeforeAll
  static void targets() throws Exception {
    if (busy == null) {
      busy = agent("busy", 16010, new Answer(486, Duration.ZERO, 440));
      silent = agent("silent", 16011, new Answer(0, Duration.ZERO, 440));
    }
  }

  /** Transfers to {@code to}, expects {@code failed} with {@code status}, and the caller intact. */
  private JsonNode failedTransferKeepsTheCaller(String to, int timeoutSeconds, int status)
      throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    var atCallCenter = callcenter().call(callId).orElseThrow();

    String id =
        transfer(callId, "{\"to\":\"" + to + "\",\"timeoutSeconds\":" + timeoutSeconds + "}");
    JsonNode transfer = awaitTransfer(id, "failed");

    assertThat(transfer.get("sipStatus").asInt()).isEqualTo(status);
    assertThat(transfer.get("reason").asText()).isNotBlank();
    assertThat(ua.state().name()).as("caller still connected").isEqualTo("CONFIRMED");
    assertThat(atCallCenter.state().name()).as("first destination kept").isEqualTo("CONFIRMED");
    assertReceiving(ua.rtp(), "caller after a failed transfer");
    assertReceiving(atCallCenter.rtp(), "call center after a failed transfer");
    assertThat(legStates(callOf(ua)))
        .containsEntry("sbc-edge->proxy", "active")
        .containsEntry("proxy->sbc-dest", "active")
        .containsEntry("sbc-dest->callcenter", "active");
    ua.hangUp();
    atCallCenter.awaitEnded(WAIT);
    return transfer;
  }

  @Test
  void busyTargetFailsWith486AndTheCallerStays() throws Exception {
    failedTransferKeepsTheCaller("sip:busy@127.0.0.1:16010", 10, 486);
  }

  @Test
  void unansweredTargetIsCancelledAfterTheTimeoutAndTheCallerStays() throws Exception {
    int before = silent.calls().size();
    failedTransferKeepsTheCaller("sip:silent@127.0.0.1:16011", 2, 408);
    UaCall atSilent = silent.calls().get(before);
    atSilent.awaitEnded(WAIT);
    assertThat(atSilent.finalStatus()).as("the target was cancelled").isEqualTo(487);
  }

  @Test
  void unreachableTargetFailsAndTheCallerStays() throws Exception {
    // Nothing listens on TCP 16099: the connection is refused, the leg fails at once.
    failedTransferKeepsTheCaller("sip:nobody@127.0.0.1:16099;transport=tcp", 5, 503);
  }

  @Test
  void aSecondTransferWhileOneIsInFlightIsAConflict() throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    String first = transfer(callId, "{\"to\":\"sip:silent@127.0.0.1:16011\",\"timeoutSeconds\":3}");

    Api.Reply second = acme.post("/v1/calls/" + callId + "/transfer", "{\"to\":\"target:sales\"}");
    assertProblem(second, 409);

    awaitTransfer(first, "failed");
    assertThat(ua.state().name()).isEqualTo("CONFIRMED");
    ua.hangUp();
  }

  @Test
  void endedCallIsAConflict() throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();
    ua.hangUp();
    ua.awaitEnded(WAIT);
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(() -> callOf(ua).get("state").asText().equals("ended"));
    assertProblem(acme.post("/v1/calls/" + callId + "/transfer", "{\"to\":\"target:sales\"}"), 409);
  }

  @Test
  void badRequestsGetProblemsAndMoveNothing() throws Exception {
    UaCall ua = call("+18005550100");
    String path = "/v1/calls/" + callOf(ua).get("id").asText() + "/transfer";
    Api nobody = new Api(LabFixture.apiBase(), null);
    Api wrongKey = new Api(LabFixture.apiBase(), "not-a-key");

    assertProblem(nobody.post(path, "{\"to\":\"target:sales\"}"), 401);
    assertProblem(wrongKey.post(path, "{\"to\":\"target:sales\"}"), 401);
    assertProblem(
        acme.post("/v1/calls/c-0000000000000000/transfer", "{\"to\":\"target:sales\"}"), 404);
    assertProblem(globex.post(path, "{\"to\":\"target:sales\"}"), 404); // another tenant's call
    assertProblem(acme.post(path, "{\"to\":"), 400);
    assertProblem(acme.post(path, "{\"to\":\"12ab\"}"), 400);
    assertProblem(acme.post(path, "{\"to\":\"+1646555\"}"), 400);
    assertProblem(acme.post(path, "{\"to\":\"target:sales\",\"mode\":\"sideways\"}"), 400);
    assertProblem(acme.post(path, "{\"to\":\"target:nowhere\"}"), 403);

    assertThat(callOf(ua).get("transfers")).isEmpty();
    assertThat(legStates(callOf(ua))).containsEntry("sbc-dest->callcenter", "active");
    ua.hangUp();
  }

  private static void assertProblem(Api.Reply reply, int status) {
    assertThat(reply.status()).as("status of %s", reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    assertThat(reply.body().get("status").asInt()).isEqualTo(status);
    assertThat(reply.body().has("title")).isTrue();
    assertThat(reply.body().has("type")).isTrue();
  }
}
