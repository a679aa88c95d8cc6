package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_BURST_KEY;
import static io.baton.transfer.TransferFixture.ACME_DID;
import static io.baton.transfer.TransferFixture.ACME_KEY;
import static io.baton.transfer.TransferFixture.ADMIN_KEY;
import static io.baton.transfer.TransferFixture.GLOBEX_DID;
import static io.baton.transfer.TransferFixture.GLOBEX_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.registry.Call;
import io.baton.registry.LegState;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API's contract: authentication, tenancy, errors, shapes, limits, its description. */
class TransferApiTest {
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    lab = TransferFixture.start("api", 15420, 15421, 18081);
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  private static String transferPath(Call call) {
    return "/v1/calls/" + call.id() + "/transfer";
  }

  /** Checks {@code r} is a problem of {@code type} and returns it. */
  private static JsonNode problem(HttpResponse<String> r, int status, ProblemType type)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    JsonNode p = lab.json(r);
    assertThat(fieldNames(p)).containsExactly("type", "title", "status", "detail", "instance");
    assertThat(p.get("type").asText()).isEqualTo(type.uri());
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("title").asText()).isEqualTo(type.title());
    return p;
  }

  // ---- authentication and tenancy

  @Test
  void missingOrUnknownKeyIs401WithAChallenge() throws Exception {
    Call call = lab.answeredCall();
    for (String key : new String[] {null, "not-a-key"}) {
      HttpResponse<String> r = lab.get("/v1/calls/" + call.id(), key);
      problem(r, 401, ProblemType.UNAUTHORIZED);
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
    }
    problem(
        lab.post(transferPath(call), null, "{\"to\": \"+16465550111\"}"),
        401,
        ProblemType.UNAUTHORIZED);
    assertThat(lab.proxy.noRefer(Duration.ofMillis(200))).isTrue();
  }

  @Test
  void anotherTenantsCallAndTransferAreUnknownToYou() throws Exception {
    Call acme = lab.answeredCall();
    String transferId = lab.transfer(acme, "{\"to\": \"+16465550111\"}").get("id").asText();
    lab.proxy.nextRefer();

    problem(lab.get("/v1/calls/" + acme.id(), GLOBEX_KEY), 404, ProblemType.CALL_NOT_FOUND);
    problem(
        lab.post(transferPath(acme), GLOBEX_KEY, "{\"to\": \"+16465550111\"}"),
        404,
        ProblemType.CALL_NOT_FOUND);
    problem(
        lab.get("/v1/transfers/" + transferId, GLOBEX_KEY), 404, ProblemType.TRANSFER_NOT_FOUND);

    assertThat(lab.get("/v1/calls/" + acme.id(), ADMIN_KEY).statusCode()).isEqualTo(200);
    assertThat(lab.get("/v1/transfers/" + transferId, ADMIN_KEY).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownCallAndTransferAre404() throws Exception {
    JsonNode p =
        problem(
            lab.post("/v1/calls/c-nope/transfer", ACME_KEY, "{\"to\": \"+16465550111\"}"),
            404,
            ProblemType.CALL_NOT_FOUND);
    assertThat(p.get("instance").asText()).isEqualTo("/v1/calls/c-nope/transfer");
    problem(lab.get("/v1/transfers/t-nope", ACME_KEY), 404, ProblemType.TRANSFER_NOT_FOUND);
  }

  @Test
  void targetOutsideTheTenantsTargetsIs403() throws Exception {
    Call globex = lab.call(GLOBEX_DID, LegState.ACTIVE, true);

    JsonNode p =
        problem(
            lab.post(transferPath(globex), GLOBEX_KEY, "{\"to\": \"target:sales\"}"),
            403,
            ProblemType.TARGET_NOT_ALLOWED);
    assertThat(p.get("detail").asText()).isEqualTo("to: target:sales is not one of your targets");
    assertThat(lab.proxy.noRefer(Duration.ofMillis(200))).isTrue();
  }

  // ---- bad requests

  @Test
  void badBodiesAre400NamingTheProblem() throws Exception {
    Call call = lab.answeredCall();
    problem(lab.post(transferPath(call), ACME_KEY, "{\"to\": "), 400, ProblemType.MALFORMED_BODY);
    JsonNode number =
        problem(
            lab.post(transferPath(call), ACME_KEY, "{\"to\": \"12ab\"}"),
            400,
            ProblemType.INVALID_DESTINATION);
    assertThat(number.get("detail").asText())
        .isEqualTo("to: '12ab' is not an E.164 number, a sip: URI or target:name");
    problem(
        lab.post(transferPath(call), ACME_KEY, "{\"to\": \"+16465550111\", \"mode\": \"fast\"}"),
        400,
        ProblemType.INVALID_FIELD);
    problem(
        lab.post(
            transferPath(call), ACME_KEY, "{\"to\": \"+16465550111\", \"timeoutSeconds\": 301}"),
        400,
        ProblemType.INVALID_FIELD);
    assertThat(lab.proxy.noRefer(Duration.ofMillis(200))).isTrue();
  }

  // ---- conflicts

  @Test
  void endedOrUnansweredCallsCannotMove() throws Exception {
    problem(
        lab.post(
            transferPath(lab.call(ACME_DID, LegState.RELEASED, true)),
            ACME_KEY,
            "{\"to\": \"+16465550111\"}"),
        409,
        ProblemType.CALL_ENDED);
    JsonNode ringing =
        problem(
            lab.post(
                transferPath(lab.call(ACME_DID, LegState.RINGING, true)),
                ACME_KEY,
                "{\"to\": \"+16465550111\"}"),
            409,
            ProblemType.CALL_NOT_ANSWERED);
    assertThat(ringing.get("detail").asText()).contains("is ringing");
  }

  @Test
  void secondTransferWhileOneIsInFlightIs409() throws Exception {
    Call call = lab.answeredCall();
    String first = lab.transfer(call, "{\"to\": \"+16465550111\"}").get("id").asText();
    lab.proxy.nextRefer();

    JsonNode p =
        problem(
            lab.post(transferPath(call), ACME_KEY, "{\"to\": \"target:support\"}"),
            409,
            ProblemType.TRANSFER_IN_FLIGHT);
    assertThat(p.get("detail").asText()).contains(first);
    assertThat(lab.proxy.noRefer(Duration.ofMillis(200))).isTrue();
  }

  // ---- rate limit

  @Test
  void keyOverItsRateGets429WithRetryAfter() throws Exception {
    lab.clock.freeze();
    try {
      for (int i = 0; i < 40; i++) {
        assertThat(lab.get("/v1/calls?limit=1", ACME_BURST_KEY).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> limited = lab.get("/v1/calls?limit=1", ACME_BURST_KEY);
      problem(limited, 429, ProblemType.RATE_LIMITED);
      assertThat(limited.headers().firstValue("Retry-After")).contains("1");
      assertThat(lab.get("/v1/calls?limit=1", ACME_KEY).statusCode())
          .as("other keys are not limited")
          .isEqualTo(200);

      lab.clock.advance(Duration.ofMillis(50)); // one token at 20 per second
      assertThat(lab.get("/v1/calls?limit=1", ACME_BURST_KEY).statusCode()).isEqualTo(200);
      assertThat(lab.get("/v1/calls?limit=1", ACME_BURST_KEY).statusCode()).isEqualTo(429);
    } finally {
      lab.clock.thaw();
    }
  }

  // ---- shapes

  @Test
  void resourcesHaveDesignsFieldNames() throws Exception {
    Call call = lab.answeredCall();
    lab.transfer(call, "{\"to\": \"target:sales\"}");
    lab.proxy.nextRefer();

    JsonNode view = lab.json(lab.get("/v1/calls/" + call.id(), ACME_KEY));
    assertThat(fieldNames(view))
        .containsExactly(
            "id", "tenant", "state", "from", "to", "did", "startedAt", "legs", "transfers");
    assertThat(view.get("tenant").asText()).isEqualTo("acme");
    assertThat(view.get("state").asText()).isEqualTo("active");
    assertThat(view.get("did").asText()).isEqualTo(ACME_DID);
    assertThat(view.get("startedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");

    JsonNode leg = view.get("legs").get(0);
    assertThat(fieldNames(leg))
        .startsWith("id", "element", "peer", "sipCallId", "state", "startedAt", "endedAt");
    assertThat(leg.get("element").asText()).isEqualTo("caller");
    assertThat(leg.get("endedAt").isNull()).isTrue();
    assertThat(view.get("legs")).hasSize(3);

    JsonNode transfer = view.get("transfers").get(0);
    assertThat(fieldNames(transfer))
        .contains(
            "id",
            "callId",
            "to",
            "destination",
            "mode",
            "state",
            "sipStatus",
            "reason",
            "timeoutSeconds",
            "targets",
            "onFail",
            "attempt",
            "createdAt",
            "updatedAt",
            "history");
    assertThat(fieldNames(transfer.get("targets").get(0)))
        .containsExactly("to", "destination", "timeoutSeconds");
    assertThat(transfer.get("onFail").asText()).isEqualTo("stay");
    assertThat(transfer.get("attempt").asInt()).isEqualTo(1);
    assertThat(transfer.get("sipStatus").isNull()).isTrue();
    assertThat(transfer.get("to").asText()).isEqualTo("target:sales");
    JsonNode history = transfer.get("history").get(0);
    assertThat(fieldNames(history)).containsExactly("state", "at", "cause");
    assertThat(history.get("state").asText()).isEqualTo("requested");
    assertThat(history.get("at").asText()).endsWith("Z");
  }

  @Test
  void listShowsTheTenantsCallsNewestFirst() throws Exception {
    Call older = lab.answeredCall();
    Call globex = lab.call(GLOBEX_DID, LegState.ACTIVE, true);
    Call ended = lab.call(ACME_DID, LegState.RELEASED, true);

    List<String> acme = ids(lab.json(lab.get("/v1/calls", ACME_KEY)));
    assertThat(acme).contains(older.id(), ended.id()).doesNotContain(globex.id());
    assertThat(acme.indexOf(ended.id())).isLessThan(acme.indexOf(older.id()));

    List<String> active = ids(lab.json(lab.get("/v1/calls?state=active", ACME_KEY)));
    assertThat(active).contains(older.id()).doesNotContain(ended.id());
    assertThat(ids(lab.json(lab.get("/v1/calls?state=ended", ACME_KEY))))
        .contains(ended.id())
        .doesNotContain(older.id());
    assertThat(ids(lab.json(lab.get("/v1/calls", ADMIN_KEY)))).contains(globex.id(), older.id());
    assertThat(ids(lab.json(lab.get("/v1/calls?limit=1", ACME_KEY)))).containsExactly(ended.id());

    problem(lab.get("/v1/calls?state=busy", ACME_KEY), 400, ProblemType.INVALID_PARAMETER);
    problem(lab.get("/v1/calls?limit=0", ACME_KEY), 400, ProblemType.INVALID_PARAMETER);
  }

  // ---- the API's description and the unknown

  @Test
  void openApiDocumentCoversEveryRouteAndProblem() throws Exception {
    HttpResponse<String> r = lab.get("/v1/openapi.json", null);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode doc = lab.json(r);
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");

    assertThat(lab.server.routes()).hasSize(33);
    for (String route : lab.server.routes()) {
      String[] methodPath = route.split(" ", 2);
      assertThat(doc.path("paths").path(methodPath[1]).has(methodPath[0].toLowerCase()))
          .as(route + " is described")
          .isTrue();
    }
    for (ProblemType type : ProblemType.values()) {
      assertThat(r.body()).as(type.uri()).contains(type.uri());
    }
    for (String schema :
        List.of(
            "Call",
            "Leg",
            "Transfer",
            "TransferTarget",
            "HistoryEntry",
            "Problem",
            "Webhook",
            "WebhookEvent")) {
      assertThat(doc.path("components").path("schemas").has(schema)).as(schema).isTrue();
    }
  }

  @Test
  void unknownRoutesAndUnparsableRequestsGetProblemsNotPages() throws Exception {
    JsonNode p = problem(lab.get("/v1/nothing-here", ACME_KEY), 404, ProblemType.NOT_FOUND);
    assertThat(p.get("detail").asText()).isEqualTo("no route GET /v1/nothing-here");
    problem(lab.get("/index.html", null), 404, ProblemType.NOT_FOUND);

    String raw = rawRequest("GET /v1/calls/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 400");
    assertThat(raw.toLowerCase()).contains("content-type: application/problem+json");
    assertThat(raw.toLowerCase()).doesNotContain("<html");
    JsonNode body = lab.json.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
    assertThat(body.get("status").asInt()).isEqualTo(400);
  }

  @Test
  void oversizedBodyIsRefusedAsAProblem() throws Exception {
    String huge = "{\"to\": \"" + "9".repeat(2_000_000) + "\"}";

    HttpResponse<String> r = lab.post(transferPath(lab.answeredCall()), ACME_KEY, huge);

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
    assertThat(lab.json(r).get("type").asText()).isEqualTo("about:blank");
  }

  @Test
  void healthIsPublic() throws Exception {
    HttpResponse<String> r = lab.get("/health", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(lab.json(r).get("status").asText()).isEqualTo("up");
  }

  private static String rawRequest(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", lab.server.httpPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.get("items").forEach(c -> out.add(c.get("id").asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
