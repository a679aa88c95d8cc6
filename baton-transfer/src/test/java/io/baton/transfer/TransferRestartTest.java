package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.InboundRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A transfer server stopped in the middle of transfers and started again on the same database and
 * call registry (as with Redis): each transfer it left running ends as the call's legs show, or as
 * the NOTIFYs it follows again say, or at its own deadline; and its Idempotency-Key still answers
 * with it.
 */
class TransferRestartTest {
  private static final String TO_SALES = "{\"to\": \"+16465550111\"}";
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    lab = TransferFixture.start("restart", 15470, 15471, 18087);
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  @Test
  void aTransferThatCompletedWhileTheServerWasDownEndsCompletedAndItsKeyStillAnswers()
      throws Exception {
    Call call = lab.answeredCall();
    String key = UUID.randomUUID().toString();
    HttpResponse<String> first = lab.postTransfer(call, ACME_KEY, key, TO_SALES);
    assertThat(first.statusCode()).isEqualTo(202);
    String id = lab.json(first).get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");
    lab.proxy.notify(refer, 1, 1, 100, "Trying", null);
    lab.awaitTransfer(id, "dialing");

    lab.stop();
    // Meanwhile SBC-edge's new leg answered and it released the old path; the NOTIFYs saying so
    // found nobody.
    Instant now = lab.clock.instant();
    lab.registry.putLeg(newLeg(call, "sbc-carrier", LegState.ACTIVE, now));
    releaseOldPath(call, now);
    lab.startAgain();

    JsonNode done = lab.awaitTransfer(id, "completed");
    assertThat(states(done)).containsExactly("requested", "routing", "dialing", "completed");
    assertThat(done.get("history").get(3).get("cause").asText())
        .isEqualTo(
            "transfer server restarted; the call's legs show the new destination answered and the"
                + " old path was released");
    HttpResponse<String> again = lab.postTransfer(call, ACME_KEY, key, TO_SALES);
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.body()).as("the first answer, replayed").isEqualTo(first.body());
  }

  @Test
  void aTransferStillDiallingAtTheRestartFollowsItsNotifysToTheEnd() throws Exception {
    Call call = lab.answeredCall();
    String id = lab.transfer(call, TO_SALES).get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");

    lab.stop();
    lab.registry.putLeg(newLeg(call, "sbc-carrier", LegState.RINGING, lab.clock.instant()));
    lab.startAgain();

    HttpResponse<String> another =
        lab.post("/v1/calls/" + call.id() + "/transfer", ACME_KEY, TO_SALES);
    assertThat(another.statusCode()).as("the recovered transfer still runs").isEqualTo(409);
    assertThat(lab.proxy.notify(refer, 2, 1, 180, "Ringing", null)).isEqualTo(200);
    lab.awaitTransfer(id, "ringing");
    assertThat(lab.proxy.notify(refer, 3, 1, 200, "OK", "completed")).isEqualTo(200);
    JsonNode done = lab.awaitTransfer(id, "completed");
    assertThat(states(done)).containsExactly("requested", "routing", "ringing", "completed");
    assertThat(done.get("history").get(3).get("cause").asText())
        .isEqualTo("NOTIFY SIP/2.0 200 OK, outcome completed");
  }

  @Test
  void aTransferNothingDecidesFailsAtItsOwnDeadline() throws Exception {
    Call call = lab.answeredCall();
    String id =
        lab.transfer(call, "{\"to\": \"+16465550111\", \"timeoutSeconds\": 1}").get("id").asText();
    lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");

    lab.stop();
    lab.registry.putLeg(newLeg(call, "sbc-carrier", LegState.RINGING, lab.clock.instant()));
    lab.startAgain();

    JsonNode failed = lab.awaitTransfer(id, "failed");
    assertThat(failed.get("reason").asText()).isEqualTo("no final NOTIFY within 1.3 s");
  }

  /** A leg SBC-edge opened for the transfer at {@code at}. */
  private static Leg newLeg(Call call, String peer, LegState state, Instant at) {
    return new Leg(
        "l-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()),
        call.id(),
        "sbc-edge",
        peer,
        "new-" + call.id(),
        state,
        at,
        null,
        "127.0.0.1:5060",
        "uac-new",
        state == LegState.TRYING ? null : "uas-new",
        null,
        null);
  }

  /** SBC-edge's BYE on leg 1 went through: every leg of the first path is released. */
  private static void releaseOldPath(Call call, Instant at) {
    for (Leg l : call.legs()) {
      if (!l.element().equals("caller")) {
        lab.registry.putLeg(l.withState(LegState.RELEASED, at));
      }
    }
  }

  private static List<String> states(JsonNode transfer) {
    List<String> out = new ArrayList<>();
    transfer.get("history").forEach(h -> out.add(h.get("state").asText()));
    return out;
  }
}
