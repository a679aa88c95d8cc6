package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static io.baton.transfer.TransferFixture.ADMIN_KEY;
import static io.baton.transfer.TransferFixture.GLOBEX_DID;
import static io.baton.transfer.TransferFixture.GLOBEX_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.registry.Call;
import io.baton.registry.LegState;
import io.baton.sip.InboundRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key} over real HTTP, with the REFERs counted at a test proxy. */
class IdempotencyTest {
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    // 100 requests at once from one key: the rate limit is not what this test is about.
    lab =
        TransferFixture.start(
            "idempotency",
            15430,
            15431,
            18083,
            TransferFixture.Options.DEFAULT.rateLimit(
                new TransferServerConfig.RateLimit(1000, 1000)));
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  @Test
  void aHundredConcurrentDuplicatesMakeOneTransferOneReferAndOneAnswer() throws Exception {
    Call call = lab.answeredCall();
    String body = "{\"to\": [\"+16465550111\", \"target:support\"], \"onFail\": \"stay\"}";
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 100; i++) {
        sent.add(
            clients.submit(
                () -> {
                  go.await();
                  return lab.postTransfer(call, ACME_KEY, "order-4711", body);
                }));
      }
      go.countDown();
    }

    List<String> answers = new ArrayList<>();
    List<String> locations = new ArrayList<>();
    for (Future<HttpResponse<String>> f : sent) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      answers.add(r.body());
      locations.add(r.headers().firstValue("Location").orElseThrow());
    }
    assertThat(answers).hasSize(100).containsOnly(answers.getFirst());
    assertThat(locations).containsOnly(locations.getFirst());
    JsonNode transfer = lab.json.readTree(answers.getFirst());
    assertThat(transfer.get("state").asText()).isEqualTo("requested");

    InboundRequest refer = lab.proxy.nextRefer();
    assertThat(refer.header("X-Baton-Transfer-Id")).isEqualTo(transfer.get("id").asText());
    assertThat(lab.proxy.noRefer(Duration.ofMillis(500))).as("exactly one REFER").isTrue();
    JsonNode view = lab.json(lab.get("/v1/calls/" + call.id(), ACME_KEY));
    assertThat(view.get("transfers")).hasSize(1);
  }

  @Test
  void aRepeatGetsTheFirstAnswerEvenAfterTheTransferMovedOn() throws Exception {
    Call call = lab.answeredCall();
    String body = "{\"to\": \"+16465550111\"}";
    HttpResponse<String> first = lab.postTransfer(call, ACME_KEY, "k-moved-on", body);
    String id = lab.json(first).get("id").asText();
    lab.proxy.nextRefer();
    lab.awaitTransfer(id, "routing");

    // Written another way: same fields once defaults are filled in.
    HttpResponse<String> again =
        lab.postTransfer(
            call,
            ACME_KEY,
            "k-moved-on",
            "{\"timeoutSeconds\": 30, \"mode\": \"make-before-break\", \"to\": [\"+16465550111\"]}");

    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Location")).contains("/v1/transfers/" + id);
    assertThat(lab.proxy.noRefer(Duration.ofMillis(300))).isTrue();
  }

  @Test
  void theSameKeyWithAnotherBodyOrCallIs422() throws Exception {
    Call call = lab.answeredCall();
    lab.postTransfer(call, ACME_KEY, "k-reused", "{\"to\": \"+16465550111\"}");
    lab.proxy.nextRefer();

    HttpResponse<String> otherTarget =
        lab.postTransfer(call, ACME_KEY, "k-reused", "{\"to\": \"target:support\"}");
    assertThat(otherTarget.statusCode()).isEqualTo(422);
    JsonNode p = lab.json(otherTarget);
    assertThat(p.get("type").asText()).isEqualTo(ProblemType.IDEMPOTENCY_KEY_REUSED.uri());
    assertThat(p.get("detail").asText())
        .isEqualTo(
            "Idempotency-Key: 'k-reused' was used for a different request within the last 24 h");
    HttpResponse<String> otherCall =
        lab.postTransfer(lab.answeredCall(), ACME_KEY, "k-reused", "{\"to\": \"+16465550111\"}");
    assertThat(otherCall.statusCode()).isEqualTo(422);
    assertThat(lab.proxy.noRefer(Duration.ofMillis(300))).isTrue();
  }

  @Test
  void keysBelongToTheirTenant() throws Exception {
    HttpResponse<String> acme =
        lab.postTransfer(lab.answeredCall(), ACME_KEY, "k-shared", "{\"to\": \"+16465550111\"}");
    HttpResponse<String> globex =
        lab.postTransfer(
            lab.call(GLOBEX_DID, LegState.ACTIVE, true),
            GLOBEX_KEY,
            "k-shared",
            "{\"to\": \"+16465550111\"}");
    HttpResponse<String> admin =
        lab.postTransfer(lab.answeredCall(), ADMIN_KEY, "k-shared", "{\"to\": \"+16465550111\"}");

    assertThat(List.of(acme.statusCode(), globex.statusCode(), admin.statusCode()))
        .containsOnly(202);
    assertThat(
            List.of(
                lab.json(acme).get("id").asText(),
                lab.json(globex).get("id").asText(),
                lab.json(admin).get("id").asText()))
        .doesNotHaveDuplicates();
    for (int i = 0; i < 3; i++) {
      lab.proxy.nextRefer();
    }
  }

  @Test
  void aKeyOlderThanTheWindowStartsANewTransfer() throws Exception {
    Call call = lab.answeredCall();
    String body = "{\"to\": \"+16465550111\"}";
    String first =
        lab.json(lab.postTransfer(call, ACME_KEY, "k-yesterday", body)).get("id").asText();
    InboundRequest refer = lab.proxy.nextRefer();
    lab.proxy.notify(refer, 1, 1, 486, "Busy Here", "failed");
    lab.awaitTransfer(first, "failed");

    lab.clock.freeze();
    try {
      lab.clock.advance(Duration.ofHours(24).plusSeconds(1));
      HttpResponse<String> later = lab.postTransfer(call, ACME_KEY, "k-yesterday", body);

      assertThat(later.statusCode()).isEqualTo(202);
      assertThat(lab.json(later).get("id").asText()).isNotEqualTo(first);
      lab.proxy.nextRefer();
    } finally {
      lab.clock.thaw();
    }
  }

  @Test
  void aBadKeyIs400AndNothingHappens() throws Exception {
    Call call = lab.answeredCall();
    for (String key : List.of("k".repeat(201), " ")) {
      HttpResponse<String> r = lab.postTransfer(call, ACME_KEY, key, "{\"to\": \"+16465550111\"}");
      assertThat(r.statusCode()).as(key).isEqualTo(400);
      assertThat(lab.json(r).get("type").asText()).isEqualTo(ProblemType.INVALID_HEADER.uri());
      assertThat(lab.json(r).get("detail").asText())
          .isEqualTo("Idempotency-Key: must be 1 to 200 printable ASCII characters");
    }
    assertThat(
            lab.postTransfer(call, ACME_KEY, "k".repeat(200), "{\"to\": \"+16465550111\"}")
                .statusCode())
        .isEqualTo(202);
    lab.proxy.nextRefer();
    assertThat(lab.proxy.noRefer(Duration.ofMillis(200))).isTrue();
  }
}
