package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static io.baton.transfer.TransferFixture.ADMIN_KEY;
import static io.baton.transfer.TransferFixture.GLOBEX_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What operators see, over real HTTP and SIP: call detail records (JSON, CSV, per tenant), the
 * savings view, a call's captured SIP messages, event-stream tokens, metrics and the dashboard's
 * files.
 */
class OperatorApiTest {
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    lab = TransferFixture.start("operator", 15480, 15481, 18088);
    lab.db.inTransaction(
        c -> {
          for (String sql :
              List.of(
                  "INSERT INTO carriers (name) VALUES ('cheapnet')",
                  "INSERT INTO rate_deck (carrier, prefix, effective_date, rate_per_minute)"
                      + " VALUES ('cheapnet', '+1212', DATE '1970-01-01', 0.0060)")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  /** An answered acme call with a carrier leg, then every leg released 90 s later. */
  private Call endedCallThroughACarrier() {
    Call call = lab.answeredCall();
    Leg carrierLeg =
        new Leg(
            "l-carrier-" + call.id(),
            call.id(),
            "sbc-edge",
            "sbc-carrier",
            "carrier-" + call.id(),
            LegState.ACTIVE,
            call.startedAt(),
            null,
            "127.0.0.1:5060",
            "x",
            "y",
            null,
            "cheapnet");
    lab.registry.putLeg(carrierLeg);
    // The call's own number is what the carrier leg is costed for (no transfer).
    lab.registry.createCall(
        new Call(call.id(), call.from(), call.to(), "+18005550100", call.startedAt(), List.of()));
    for (Leg leg : lab.registry.find(call.id()).orElseThrow().legs()) {
      lab.registry.putLeg(leg.withState(LegState.RELEASED, call.startedAt().plusSeconds(90)));
    }
    return call;
  }

  @Test
  void aCallThatEndsGetsOneRecordItsTenantAndAdminsSeeAndOthersDoNot() throws Exception {
    Call call = endedCallThroughACarrier();

    JsonNode cdr =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> find(lab.json(lab.get("/v1/cdrs", ACME_KEY)), call.id()), c -> c != null);
    assertThat(cdr.get("tenant").asText()).isEqualTo("acme");
    assertThat(cdr.get("outcome").asText()).isEqualTo("answered");
    assertThat(cdr.get("durationSeconds").asLong()).isEqualTo(90);
    assertThat(cdr.get("legs")).hasSize(4);
    assertThat(cdr.get("transfers")).isEmpty();
    assertThat(find(lab.json(lab.get("/v1/cdrs", GLOBEX_KEY)), call.id())).isNull();
    assertThat(find(lab.json(lab.get("/v1/cdrs", ADMIN_KEY)), call.id())).isNotNull();
    assertThat(find(lab.json(lab.get("/v1/cdrs?tenant=globex", ADMIN_KEY)), call.id())).isNull();
    assertThat(lab.get("/v1/cdrs?tenant=acme", GLOBEX_KEY).statusCode()).isEqualTo(403);
    assertThat(find(lab.json(lab.get("/v1/cdrs?did=%2B18005550199", ACME_KEY)), call.id()))
        .isNull();
    assertThat(find(lab.json(lab.get("/v1/cdrs?outcome=answered", ACME_KEY)), call.id()))
        .isNotNull();
    // A later change to the ended call writes no second record.
    lab.registry.putLeg(lab.registry.find(call.id()).orElseThrow().legs().get(0));
    Thread.sleep(300);
    long records =
        count(lab.json(lab.get("/v1/cdrs?limit=1000", ADMIN_KEY)).get("items"), call.id());
    assertThat(records).isEqualTo(1);
  }

  @Test
  void recordsExportAsCsvByParameterOrAcceptHeader() throws Exception {
    Call call = endedCallThroughACarrier();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> find(lab.json(lab.get("/v1/cdrs", ACME_KEY)), call.id()) != null);

    HttpResponse<String> byParam = lab.get("/v1/cdrs?format=csv", ACME_KEY);
    HttpResponse<String> byAccept =
        lab.http.send(
            lab.request("/v1/cdrs", ACME_KEY).header("Accept", "text/csv").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    for (HttpResponse<String> r : List.of(byParam, byAccept)) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
      String[] lines = r.body().split("\r\n");
      assertThat(lines[0]).isEqualTo(CdrCsv.HEADER);
      String line =
          List.of(lines).stream().filter(l -> l.startsWith(call.id())).findFirst().orElseThrow();
      List<String> fields = List.of(line.split(",", -1));
      assertThat(fields).hasSize(CdrCsv.HEADER.split(",").length);
      assertThat(fields.get(1)).isEqualTo("acme");
      assertThat(fields.get(9)).isEqualTo("90");
      assertThat(fields.get(11)).isEqualTo("cheapnet");
      assertThat(fields.get(12)).isEqualTo("0.000000");
    }
    assertThat(lab.get("/v1/cdrs?format=xml", ACME_KEY).body()).contains("format: 'xml'");
    assertThat(lab.get("/v1/cdrs?did=12", ACME_KEY).body()).contains("did: '12'");
    assertThat(lab.get("/v1/cdrs?from=yesterday", ACME_KEY).body()).contains("from: 'yesterday'");
    assertThat(lab.get("/v1/cdrs?outcome=maybe", ACME_KEY).statusCode()).isEqualTo(400);
    assertThat(lab.get("/v1/cdrs", null).statusCode()).isEqualTo(401);
  }

  @Test
  void theSavingsViewGroupsTodaysRecords() throws Exception {
    Call call = endedCallThroughACarrier();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> find(lab.json(lab.get("/v1/cdrs", ACME_KEY)), call.id()) != null);
    String today = LocalDate.ofInstant(lab.clock.instant(), ZoneOffset.UTC).toString();

    JsonNode savings = lab.json(lab.get("/v1/savings", ACME_KEY));

    assertThat(savings.get("to").asText()).isEqualTo(today);
    JsonNode day = savings.get("items").get(savings.get("items").size() - 1);
    assertThat(day.get("day").asText()).isEqualTo(today);
    assertThat(day.get("calls").asLong()).isPositive();
    assertThat(lab.json(lab.get("/v1/savings", GLOBEX_KEY)).get("items")).isEmpty();
    assertThat(lab.get("/v1/savings?from=2026-02-01&to=2026-01-01", ACME_KEY).body())
        .contains("from: 2026-02-01 is after to 2026-01-01");
    assertThat(lab.get("/v1/savings?from=2020-01-01&to=2026-01-01", ACME_KEY).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aCallsCapturedSipMessagesIncludeItsReferAndAnotherTenantCannotSeeThem() throws Exception {
    Call call = lab.answeredCall();
    lab.transfer(call, "{\"to\":\"+16465550111\"}");
    lab.proxy.nextRefer();

    JsonNode messages =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> lab.json(lab.get("/v1/calls/" + call.id() + "/messages", ACME_KEY)),
                m -> m.get("items").size() >= 2);
    JsonNode refer = messages.get("items").get(0);
    assertThat(refer.get("method").asText()).isEqualTo("REFER");
    assertThat(refer.get("firstLine").asText()).startsWith("REFER sip:127.0.0.1:15481");
    assertThat(refer.get("from").asText()).isEqualTo("127.0.0.1:15480");
    assertThat(refer.get("to").asText()).isEqualTo("127.0.0.1:15481");
    assertThat(refer.get("text").asText()).contains("X-Baton-Call-Id: " + call.id());
    assertThat(refer.get("status").isNull()).isTrue();
    JsonNode answer = messages.get("items").get(1);
    assertThat(answer.get("status").asInt()).isEqualTo(202);
    assertThat(answer.get("method").asText()).isEqualTo("REFER");
    assertThat(lab.get("/v1/calls/" + call.id() + "/messages", GLOBEX_KEY).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anEventTokenOpensOneEventStreamOnlyAndOnlyForItsTenant() throws Exception {
    String token = eventToken();
    assertThat(lab.get("/v1/calls?access_token=" + token, null).statusCode())
        .as("a token opens event streams only")
        .isEqualTo(401);
    HttpResponse<String> forged = lab.get("/v1/events?access_token=" + token + "x", null);
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("access_token");

    HttpResponse<InputStream> stream =
        lab.http.send(
            lab.request("/v1/events?access_token=" + token, null).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertThat(r.readLine()).isEqualTo(": events of acme");
    }
    HttpResponse<String> again = lab.get("/v1/events?access_token=" + token, null);
    assertThat(again.statusCode()).as("a second stream with the same token").isEqualTo(401);
    assertThat(lab.json(again).get("detail").asText())
        .isEqualTo(
            "access_token: unknown, expired or already used; get a new one with POST"
                + " /v1/event-tokens");

    String unused = eventToken();
    lab.clock.freeze();
    try {
      lab.clock.advance(EventTokens.LIFETIME.plusSeconds(1));
      assertThat(lab.get("/v1/events?access_token=" + unused, null).statusCode())
          .as("expired")
          .isEqualTo(401);
    } finally {
      lab.clock.thaw();
    }
  }

  private static String eventToken() throws Exception {
    HttpResponse<String> issued = lab.post("/v1/event-tokens", ACME_KEY, "");
    assertThat(issued.statusCode()).isEqualTo(201);
    return lab.json(issued).get("token").asText();
  }

  @Test
  void metricsAreServedAsPrometheusTextAndMoveWithCallsAndTransfers() throws Exception {
    double endedBefore = sample(scrape(), "baton_calls_total{outcome=\"answered\"}");
    double failedBefore = sample(scrape(), "baton_transfers_total{outcome=\"failed\"}");
    Call call = lab.call(TransferFixture.ACME_DID, LegState.ACTIVE, false); // no proxy holds it

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> sample(scrape(), "baton_legs_active{element=\"sbc-edge\"}") >= 1);
    assertThat(sample(scrape(), "baton_calls_active")).isGreaterThanOrEqualTo(1);
    lab.awaitTransfer(lab.transfer(call, "{\"to\":\"+16465550111\"}").get("id").asText(), "failed");
    assertThat(sample(scrape(), "baton_transfers_total{outcome=\"failed\"}"))
        .isEqualTo(failedBefore + 1);
    assertThat(sample(scrape(), "baton_transfer_duration_seconds_count{outcome=\"failed\"}"))
        .isGreaterThanOrEqualTo(1);
    for (Leg leg : lab.registry.find(call.id()).orElseThrow().legs()) {
      lab.registry.putLeg(leg.withState(LegState.RELEASED, lab.clock.instant()));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> sample(scrape(), "baton_calls_total{outcome=\"answered\"}") == endedBefore + 1);

    String text = scrape();
    assertThat(text).contains("# TYPE baton_call_setup_seconds histogram");
    assertThat(text).contains("baton_sip_messages_total{");
    assertThat(text).contains("jvm_threads_current");
    HttpResponse<String> r = lab.get("/metrics", null);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
  }

  @Test
  void theDashboardIsServedWithoutAKeyAndNothingElseIs() throws Exception {
    HttpResponse<String> index = lab.get("/", null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(index.body()).contains("<script src=\"/dashboard/app.js\"");
    assertThat(lab.get("/dashboard/app.js", null).body()).contains("EventSource");
    assertThat(lab.get("/dashboard/app.css", null).statusCode()).isEqualTo(200);
    assertThat(lab.get("/dashboard/secrets.txt", null).statusCode()).isEqualTo(404);
    assertThat(lab.get("/dashboard/..%2Fopenapi.json", null).statusCode()).isEqualTo(404);
    JsonNode targets = lab.json(lab.get("/v1/targets", ACME_KEY));
    assertThat(targets.get("items"))
        .extracting(t -> t.get("tenant").asText() + "/" + t.get("name").asText())
        .containsExactly("acme/broken", "acme/sales", "acme/support");
    assertThat(targets.get("items").get(1).get("destination").asText()).isEqualTo("+16465550111");
    assertThat(lab.json(lab.get("/v1/targets", GLOBEX_KEY)).get("items")).isEmpty();
    assertThat(lab.json(lab.get("/v1/targets", ADMIN_KEY))).isEqualTo(targets);
  }

  private static String scrape() throws Exception {
    HttpResponse<String> r = lab.get("/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The value of one sample (name with its labels as written), 0 if absent. */
  static double sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static JsonNode find(JsonNode list, String callId) {
    for (JsonNode c : list.get("items")) {
      if (c.get("callId").asText().equals(callId)) {
        return c;
      }
    }
    return null;
  }

  private static long count(JsonNode items, String callId) {
    long n = 0;
    for (JsonNode c : items) {
      n += c.get("callId").asText().equals(callId) ? 1 : 0;
    }
    return n;
  }
}
