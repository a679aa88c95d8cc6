package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.Api;
import io.baton.testkit.LabFixture;
import io.baton.ua.Answer;
import io.baton.ua.UaCall;
import io.baton.ua.UserAgent;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The toll-fraud guard on the real lab (issue 10, item 2): acme's transfers to a premium number, to
 * a country its policy leaves out, to an element of the network by SIP URI, over its rate ceiling
 * and past its caps are each refused {@code 403 transfer-policy} naming the rule; nothing moves (no
 * transfer, no REFER, the caller still with the call center, audio flowing); then an ordinary
 * transfer completes.
 */
class TransferPolicyTest extends LabTest {
  private static final String POLICY = "/v1/admin/tenants/acme/transfer-policy";
  static UserAgent silent;

  private final Api admin = new Api(LabFixture.apiBase(), "admin-demo-key");
  private String labPolicy;

  @BeforeEach
  void keepTheLabsPolicy() throws Exception {
    if (silent == null) {
      silent = agent("silent-policy", 16030, new Answer(0, Duration.ZERO, 440));
    }
    Api.Reply r = admin.get(POLICY);
    assertThat(r.status()).isEqualTo(200);
    labPolicy = r.body().toString();
  }

  @AfterEach
  void restoreTheLabsPolicy() {
    assertThat(admin.put(POLICY, labPolicy).status()).isEqualTo(200);
  }

  /** acme's lab policy with {@code field} set to {@code value} (JSON). */
  private void policyWith(String field, String value) {
    String changed =
        labPolicy.replaceFirst("\"" + field + "\":[^,}]*", "\"" + field + "\":" + value);
    Api.Reply r = admin.put(POLICY, changed);
    assertThat(r.status()).as("PUT %s: %s", changed, r.body()).isEqualTo(200);
  }

  /**
   * Asks to move {@code callId} to {@code to}: refused by {@code rule}; returns the problem's
   * detail.
   */
  private static String refusedBy(String callId, String to, String rule) {
    Api.Reply r = acme.post("/v1/calls/" + callId + "/transfer", "{\"to\":\"" + to + "\"}");
    assertThat(r.status()).as("%s: %s", to, r.body()).isEqualTo(403);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.body().get("type").asText())
        .isEqualTo("https://baton.dev/problems/transfer-policy");
    assertThat(r.body().get("rule").asText()).as(to).isEqualTo(rule);
    return r.body().get("detail").asText();
  }

  private static void refused(String callId, String to, String rule, String detail) {
    assertThat(refusedBy(callId, to, rule)).as(to).isEqualTo(detail);
  }

  /** The call is where it was: no transfer, no REFER on its ladder, the caller hearing the IVR. */
  private static void nothingMoved(UaCall ua) {
    JsonNode call = callOf(ua);
    assertThat(call.get("transfers")).isEmpty();
    assertThat(legStates(call))
        .containsEntry("sbc-edge->proxy", "active")
        .containsEntry("proxy->sbc-dest", "active")
        .containsEntry("sbc-dest->callcenter", "active");
    JsonNode messages = acme.get("/v1/calls/" + call.get("id").asText() + "/messages").body();
    for (JsonNode m : messages.get("items")) {
      assertThat(m.get("method").asText()).as(m.get("firstLine").asText()).isNotEqualTo("REFER");
    }
    assertThat(ua.state().name()).isEqualTo("CONFIRMED");
    assertReceiving(ua.rtp(), "the caller, after a refused transfer");
  }

  @Test
  void forbiddenDestinationsAre403AndNothingMovesThenANormalTransferCompletes() throws Exception {
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();

    refused(
        callId,
        "+19005550000",
        "number-type",
        "to: +19005550000 is PREMIUM_RATE, not allowed for tenant acme");
    refused(
        callId,
        "+442079460000",
        "allowed-numbers",
        "to: +442079460000 is in GB, not among the allowed numbers of tenant acme");
    refused(
        callId,
        "sip:+19005550000@127.0.0.1:5130",
        "network-element",
        "to: sip:+19005550000@127.0.0.1:5130, which reaches pstn-sales (127.0.0.1:5130), an"
            + " element of Baton's network");
    refused(
        callId,
        "sip:+19005550000@127.0.0.1:5120",
        "network-element",
        "to: sip:+19005550000@127.0.0.1:5120, which reaches sbc-carrier (127.0.0.1:5120), an"
            + " element of Baton's network");
    refused(
        callId,
        "sip:+19005550000@localhost:5130",
        "sip-domain",
        "to: sip:+19005550000@localhost:5130: localhost is not an allowed SIP domain of tenant"
            + " acme");
    policyWith("maxRatePerMinute", "0.003");
    refused(
        callId,
        "+16465550111",
        "max-rate",
        "to: +16465550111: its cheapest route (cheapnet) costs 0.004/min, over the ceiling of"
            + " 0.003/min of tenant acme");
    nothingMoved(ua);

    admin.put(POLICY, labPolicy);
    String id = transfer(callId, "{\"to\":\"+16465550111\"}");
    JsonNode done = awaitTransfer(id, "completed");
    assertThat(done.get("destination").asText()).isEqualTo("tel:+16465550111");
    assertThat(legStates(callOf(ua))).containsEntry("sbc-edge->sbc-carrier", "active");
    assertReceiving(ua.rtp(), "the caller, moved to sales");
    ua.hangUp();
  }

  @Test
  void pastItsCapsATenantsTransfersAre403() throws Exception {
    UaCall busy = call("+18005550100");
    String ringing =
        transfer(callOf(busy).get("id").asText(), "{\"to\":\"sip:silent-policy@127.0.0.1:16030\"}");
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();

    // acme has just started one transfer, which still rings (others' may count too)
    policyWith("maxTransfersPerMinute", "1");
    assertThat(refusedBy(callId, "target:sales", "transfers-per-minute"))
        .matches(
            "tenant acme started [1-9][0-9]* transfers in the last minute, its"
                + " maxTransfersPerMinute");
    admin.put(POLICY, labPolicy);
    policyWith("maxTransfersInFlight", "1");
    assertThat(refusedBy(callId, "target:sales", "transfers-in-flight"))
        .matches("tenant acme has [1-9][0-9]* transfers in flight, its maxTransfersInFlight");
    nothingMoved(ua);

    admin.put(POLICY, labPolicy);
    busy.hangUp(); // the ringing transfer ends with its caller
    awaitTransfer(ringing, "cancelled");
    String id = transfer(callId, "{\"to\":\"target:sales\"}");
    awaitTransfer(id, "completed");
    assertReceiving(ua.rtp(), "the caller, moved to sales");
    ua.hangUp();
  }
}
