package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static io.baton.transfer.TransferFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.registry.Call;
import io.baton.registry.LegState;
import io.baton.sip.InboundRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end: the API that sets them, and a receiver on a real socket that checks every
 * delivery's signature, sees every transition in order, fails some and outlives a server restart.
 */
class WebhookTest {
  private static final String SECRET = "acme-webhook-secret-0123";
  private static TransferFixture lab;
  private static WebhookReceiver receiver;

  @BeforeAll
  static void start() throws Exception {
    lab = TransferFixture.start("webhooks", 15460, 15461, 18085);
    receiver = new WebhookReceiver(18086);
  }

  @AfterAll
  static void stop() {
    receiver.close();
    lab.close();
  }

  @AfterEach
  void noWebhook() throws Exception {
    lab.delete("/v1/webhook", ACME_KEY);
    receiver.answerOtherwise(200);
    receiver.refuseBodiesWith(null);
    receiver.forget();
  }

  private static JsonNode put(String body, int status) throws Exception {
    HttpResponse<String> r = lab.put("/v1/webhook", ACME_KEY, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return lab.json(r);
  }

  private static void setWebhook() throws Exception {
    put("{\"url\": \"" + receiver.url() + "\", \"secret\": \"" + SECRET + "\"}", 200);
  }

  // ---- the API

  @Test
  void aTenantSetsReadsAndDeletesItsWebhook() throws Exception {
    JsonNode set =
        put("{\"url\": \"" + receiver.url() + "\", \"secret\": \"" + SECRET + "\"}", 200);
    assertThat(fieldNames(set)).containsExactly("url");
    assertThat(set.get("url").asText()).isEqualTo(receiver.url());
    JsonNode read = lab.json(lab.get("/v1/webhook", ACME_KEY));
    assertThat(fieldNames(read)).containsExactly("url");

    JsonNode generated = put("{\"url\": \"https://93.184.216.34/hook\"}", 200);
    assertThat(generated.get("secret").asText()).matches("whsec_[0-9a-f]{48}");
    assertThat(lab.get("/v1/webhook", ACME_KEY).body())
        .contains("https://93.184.216.34/hook")
        .doesNotContain(generated.get("secret").asText());

    assertThat(lab.delete("/v1/webhook", ACME_KEY).statusCode()).isEqualTo(204);
    HttpResponse<String> gone = lab.get("/v1/webhook", ACME_KEY);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(lab.json(gone).get("type").asText()).isEqualTo(ProblemType.WEBHOOK_NOT_FOUND.uri());
    assertThat(lab.delete("/v1/webhook", ACME_KEY).statusCode()).isEqualTo(404);
  }

  @Test
  void badWebhooksAre400NamingTheFieldAndAdminsHaveNone() throws Exception {
    assertThat(put("{\"url\": \"ftp://example.com/x\"}", 400).get("detail").asText())
        .isEqualTo("url: 'ftp://example.com/x' is not an absolute http:// or https:// URL");
    assertThat(put("{}", 400).get("detail").asText()).isEqualTo("url: missing");
    assertThat(put("{\"url\": 42}", 400).get("detail").asText()).isEqualTo("url: must be a string");
    assertThat(
            put("{\"url\": \"" + receiver.url() + "\", \"secret\": \"too-short\"}", 400)
                .get("detail")
                .asText())
        .isEqualTo("secret: must be 16 to 200 characters long");
    assertThat(
            put("{\"url\": \"" + receiver.url() + "\", \"colour\": \"red\"}", 400)
                .get("detail")
                .asText())
        .isEqualTo("colour: unknown field (expected url, secret)");
    assertThat(put("[]", 400).get("type").asText()).isEqualTo(ProblemType.MALFORMED_BODY.uri());

    HttpResponse<String> admin =
        lab.put("/v1/webhook", ADMIN_KEY, "{\"url\": \"http://example.com/x\"}");
    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(lab.json(admin).get("type").asText()).isEqualTo(ProblemType.TENANT_REQUIRED.uri());
    assertThat(lab.get("/v1/webhook", ACME_KEY).statusCode()).isEqualTo(404);
  }

  // ---- deliveries

  @Test
  void everyTransitionArrivesInOrderSignedAndAFailedDeliveryIsRetried() throws Exception {
    setWebhook();
    receiver.answerNext(500, 500);
    Call call = lab.answeredCall();
    String id = lab.transfer(call, "{\"to\": \"+16465550111\"}").get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");
    lab.proxy.notify(refer, 1, 1, 100, "Trying", null);
    lab.proxy.notify(refer, 2, 1, 180, "Ringing", null);
    lab.proxy.notify(refer, 3, 1, 200, "OK", null);
    lab.proxy.notify(refer, 4, 1, 200, "OK", "completed");

    List<WebhookReceiver.Delivery> all = awaitAccepted(id, "completed");
    all.forEach(WebhookTest::checkSignature);
    WebhookReceiver.Delivery first = all.getFirst();
    assertThat(all.subList(0, 3))
        .as("the first event, refused twice, then taken")
        .extracting(WebhookReceiver.Delivery::body, WebhookReceiver.Delivery::answered)
        .containsExactly(
            tuple(first.body(), 500), tuple(first.body(), 500), tuple(first.body(), 200));
    JsonNode firstEvent = lab.json.readTree(first.body());
    assertThat(firstEvent.get("type").asText()).isEqualTo("call.updated");
    assertThat(firstEvent.get("data").get("id").asText()).isEqualTo(call.id());

    List<JsonNode> accepted = accepted(all);
    assertThat(accepted).extracting(e -> e.get("id").asLong()).isSorted().doesNotHaveDuplicates();
    assertThat(transferStates(accepted, id))
        .containsExactly("requested", "routing", "dialing", "ringing", "answered", "completed");
    JsonNode completed = accepted.getLast();
    assertThat(fieldNames(completed)).containsExactly("id", "type", "at", "data");
    assertThat(completed.get("data").get("history")).hasSize(6);
    assertThat(Instant.parse(completed.get("at").asText())).isBeforeOrEqualTo(Instant.now());
  }

  @Test
  void eventsLeftUndeliveredByAStoppedServerGoOutAfterItsRestart() throws Exception {
    setWebhook();
    receiver.answerOtherwise(503);
    String id = lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}").get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");
    lab.proxy.notify(refer, 1, 1, 100, "Trying", null);
    lab.awaitTransfer(id, "dialing");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !receiver.deliveries().isEmpty());

    lab.restart();
    receiver.answerOtherwise(200);

    List<JsonNode> accepted = accepted(awaitAccepted(id, "failed"));
    assertThat(transferStates(accepted, id))
        .containsExactly("requested", "routing", "dialing", "failed");
    assertThat(accepted.getLast().get("data").get("reason").asText())
        .as("no new leg in the registry, the old path up")
        .isEqualTo(
            "transfer server restarted; no new destination answered; the caller stays on the"
                + " first destination");
    assertThat(accepted).extracting(e -> e.get("id").asLong()).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void deletingTheWebhookDropsWhatWaitsForIt() throws Exception {
    setWebhook();
    Call old = lab.call(TransferFixture.ACME_DID, LegState.RINGING, true);
    receiver.refuseBodiesWith(old.id());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !receiver.deliveries().isEmpty());

    assertThat(lab.delete("/v1/webhook", ACME_KEY).statusCode()).isEqualTo(204);
    setWebhook();
    String id = lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}").get("id").asText();
    lab.proxy.nextRefer();

    // Had the old call's event stayed queued, its refusals would hold every later event back.
    List<JsonNode> accepted = accepted(awaitAccepted(id, "routing"));
    assertThat(accepted).noneMatch(e -> e.toString().contains(old.id()));
    assertThat(transferStates(accepted, id)).containsExactly("requested", "routing");
  }

  // ---- helpers

  /** Waits until the receiver took the event of transfer {@code id} entering {@code state}. */
  private static List<WebhookReceiver.Delivery> awaitAccepted(String id, String state) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(receiver::deliveries, ds -> transferStates(accepted(ds), id).contains(state));
  }

  private static List<JsonNode> accepted(List<WebhookReceiver.Delivery> deliveries) {
    List<JsonNode> out = new ArrayList<>();
    for (WebhookReceiver.Delivery d : deliveries) {
      if (d.answered() == 200) {
        try {
          out.add(lab.json.readTree(d.body()));
        } catch (Exception e) {
          throw new AssertionError(d.body(), e);
        }
      }
    }
    return out;
  }

  private static List<String> transferStates(List<JsonNode> events, String id) {
    return events.stream()
        .filter(e -> e.get("type").asText().equals("transfer.updated"))
        .filter(e -> e.get("data").get("id").asText().equals(id))
        .map(e -> e.get("data").get("state").asText())
        .toList();
  }

  /** Checks the delivery's headers as a receiver would, with its own HMAC. */
  private static void checkSignature(WebhookReceiver.Delivery d) {
    String signature = d.header("Baton-Signature");
    assertThat(signature).matches("t=\\d+,v1=[0-9a-f]{64}");
    long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));
    String v1 = signature.substring(signature.indexOf("v1=") + 3);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal((t + "." + d.body()).getBytes(StandardCharsets.UTF_8));
      assertThat(v1).isEqualTo(HexFormat.of().formatHex(expected));
      assertThat(Math.abs(Instant.now().getEpochSecond() - t)).isLessThanOrEqualTo(300);
      assertThat(d.header("Baton-Event-Id"))
          .isEqualTo(lab.json.readTree(d.body()).get("id").asText());
      assertThat(d.header("Content-Type")).isEqualTo("application/json");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
