package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static io.baton.transfer.TransferFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.store.RateDecks;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The routing data's admin API over real HTTP, on a real database. */
class AdminApiTest {
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    lab = TransferFixture.start("admin", 15490, 15491, 18089);
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  private static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return r.body().isEmpty() ? null : lab.json(r);
  }

  private static JsonNode problem(HttpResponse<String> r, int status, ProblemType type)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    JsonNode p = lab.json(r);
    assertThat(p.get("type").asText()).isEqualTo(type.uri());
    return p;
  }

  private static HttpResponse<String> putCsv(String carrier, String csv, String key)
      throws Exception {
    return lab.http.send(
        lab.request("/v1/admin/carriers/" + carrier + "/rates", key)
            .header("Content-Type", "text/csv")
            .PUT(HttpRequest.BodyPublishers.ofString(csv))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tenantKeysAreRefusedEveryAdminRoute() throws Exception {
    for (String route : lab.server.routes()) {
      String[] methodPath = route.split(" ", 2);
      if (!methodPath[1].startsWith("/v1/admin/")) {
        continue;
      }
      String path =
          methodPath[1]
              .replace("{did}", "+18005550100")
              .replace("{carrier}", "cheapnet")
              .replace("{prefix}", "+1646")
              .replace("{tenant}", "acme")
              .replace("{name}", "sales");
      HttpRequest.Builder b =
          lab.request(path, ACME_KEY)
              .method(methodPath[0], HttpRequest.BodyPublishers.ofString("{}"));
      problem(
          lab.http.send(b.build(), HttpResponse.BodyHandlers.ofString()),
          403,
          ProblemType.ADMIN_REQUIRED);
    }
    problem(lab.get("/v1/admin/dids", null), 401, ProblemType.UNAUTHORIZED);
  }

  @Test
  void aDidIsCreatedWithSchedulesReadChangedAndDeletedItsNumbersNormalised() throws Exception {
    String body =
        "{\"tenant\": \"acme\", \"redirectTo\": \"(312) 555-0177\", \"timeZone\": \"America/New_York\","
            + " \"schedules\": [{\"days\": \"mon-fri\", \"start\": \"09:00\", \"end\": \"17:00\","
            + " \"redirectTo\": \"sip:office@127.0.0.1:5100\"}]}";

    JsonNode did = ok(lab.put("/v1/admin/dids/800-555-0177", ADMIN_KEY, body), 201);

    assertThat(did.get("did").asText()).isEqualTo("+18005550177");
    assertThat(did.get("redirectTo").asText()).isEqualTo("+13125550177");
    assertThat(did.get("schedules").get(0).get("days").asText()).isEqualTo("mon,tue,wed,thu,fri");
    assertThat(ok(lab.get("/v1/admin/dids/+18005550177", ADMIN_KEY), 200)).isEqualTo(did);
    assertThat(ok(lab.get("/v1/admin/dids?tenant=acme", ADMIN_KEY), 200).get("items").toString())
        .contains("+18005550177");

    JsonNode changed =
        ok(
            lab.put(
                "/v1/admin/dids/+18005550177",
                ADMIN_KEY,
                "{\"tenant\": \"globex\", \"redirectTo\": \"+13125550199\", \"enabled\": false}"),
            200);
    assertThat(changed.get("enabled").asBoolean()).isFalse();
    assertThat(changed.get("schedules")).isEmpty();

    ok(lab.delete("/v1/admin/dids/+18005550177", ADMIN_KEY), 204);
    problem(lab.get("/v1/admin/dids/+18005550177", ADMIN_KEY), 404, ProblemType.NOT_FOUND);
    problem(lab.delete("/v1/admin/dids/+18005550177", ADMIN_KEY), 404, ProblemType.NOT_FOUND);
  }

  @Test
  void badDidsGetProblemsNamingTheField() throws Exception {
    assertThat(
            problem(lab.put("/v1/admin/dids/12", ADMIN_KEY, "{}"), 400, ProblemType.INVALID_FIELD)
                .get("detail")
                .asText())
        .isEqualTo("did: '12' is not a phone number");
    assertThat(detail("{\"tenant\": \"acme\", \"redirectTo\": \"nowhere\"}"))
        .isEqualTo("redirectTo: 'nowhere' is neither a phone number nor a sip: URI");
    assertThat(detail("{\"tenant\": \"initech\", \"redirectTo\": \"+13125550100\"}"))
        .isEqualTo("tenant: no tenant 'initech'");
    assertThat(
            detail(
                "{\"tenant\": \"acme\", \"redirectTo\": \"+13125550100\", \"schedules\":"
                    + " [{\"days\": \"someday\", \"start\": \"09:00\", \"end\": \"17:00\","
                    + " \"redirectTo\": \"+13125550100\"}]}"))
        .startsWith("schedules[0].days: 'someday' is not one of");
    assertThat(detail("{\"tenant\": \"acme\", \"redirectTo\": \"+13125550100\", \"colour\": 1}"))
        .startsWith("colour: unknown field");
    assertThat(
            detail(
                "{\"tenant\": \"acme\", \"redirectTo\": \"+13125550100\", \"timeZone\": \"Mars\"}"))
        .startsWith("timeZone: 'Mars' is not a time zone");
  }

  @Test
  void bodiesBindToRecordsAndAFieldOfTheWrongTypeIsNamed() throws Exception {
    assertThat(detail("{\"tenant\": \"acme\", \"redirectTo\": \"+13125550100\", \"enabled\": 1}"))
        .isEqualTo("enabled: must be true or false");
    assertThat(
            detail("{\"tenant\": \"acme\", \"redirectTo\": \"+13125550100\", \"schedules\": {}}"))
        .isEqualTo("schedules: must be a list");
    Map<String, String> carriers =
        Map.of(
            "{\"gateways\": \"10.0.0.1:5060\"}", "gateways: must be a list",
            "{\"gateways\": [\"10.0.0.1:5060\"], \"weight\": 2.5}",
                "weight: must be a whole number",
            "{\"gateways\": [\"10.0.0.1:5060\"], \"maxCalls\": -1}",
                "maxCalls: must be a whole number in 0..1000000",
            "{\"gateways\": [\"10.0.0.1:5060\"], \"transport\": \"sctp\"}",
                "transport: 'sctp' is not udp or tcp");
    for (Map.Entry<String, String> c : carriers.entrySet()) {
      assertThat(
              problem(
                      lab.put("/v1/admin/carriers/oddnet", ADMIN_KEY, c.getKey()),
                      400,
                      ProblemType.INVALID_FIELD)
                  .get("detail")
                  .asText())
          .as(c.getKey())
          .isEqualTo(c.getValue());
    }
    problem(lab.get("/v1/admin/carriers/oddnet", ADMIN_KEY), 404, ProblemType.NOT_FOUND);
    ok(lab.put("/v1/admin/carriers/oddnet", ADMIN_KEY, "{\"gateways\": [\"10.0.0.1:5060\"]}"), 201);
    assertThat(
            problem(
                    lab.post(
                        "/v1/admin/carriers/oddnet/rates",
                        ADMIN_KEY,
                        "{\"prefix\": \"44\", \"rate\": \"0.02\"}"),
                    400,
                    ProblemType.INVALID_FIELD)
                .get("detail")
                .asText())
        .isEqualTo("rate: must be a number");
    ok(lab.delete("/v1/admin/carriers/oddnet", ADMIN_KEY), 204);
  }

  private static String detail(String didBody) throws Exception {
    return problem(
            lab.put("/v1/admin/dids/+18005550166", ADMIN_KEY, didBody),
            400,
            ProblemType.INVALID_FIELD)
        .get("detail")
        .asText();
  }

  @Test
  void aCarrierWithItsDeckRowByRowAndAsACsvImport() throws Exception {
    JsonNode carrier =
        ok(
            lab.put(
                "/v1/admin/carriers/lownet",
                ADMIN_KEY,
                "{\"gateways\": [\"10.0.0.1:5060\", \"10.0.0.2:5060\"], \"transport\": \"tcp\","
                    + " \"weight\": 250, \"maxCalls\": 30, \"callerId\": \"did\"}"),
            201);
    assertThat(carrier.get("gateways")).hasSize(2);
    assertThat(carrier.get("maxCalls").asInt()).isEqualTo(30);
    assertThat(ok(lab.get("/v1/admin/carriers", ADMIN_KEY), 200).toString()).contains("lownet");

    ok(
        lab.post(
            "/v1/admin/carriers/lownet/rates",
            ADMIN_KEY,
            "{\"prefix\": \"44\", \"rate\": 0.02, \"connectionFee\": 0.1, \"incrementFirst\": 60,"
                + " \"incrementNext\": 60, \"effectiveDate\": \"2026-02-01\"}"),
        201);
    JsonNode page = ok(lab.get("/v1/admin/carriers/lownet/rates", ADMIN_KEY), 200);
    assertThat(page.get("total").asInt()).isEqualTo(1);
    assertThat(page.get("items").get(0).get("prefix").asText()).isEqualTo("+44");
    assertThat(page.get("items").get(0).get("connectionFee").decimalValue())
        .isEqualByComparingTo("0.1");
    assertThat(
            problem(
                    lab.post(
                        "/v1/admin/carriers/lownet/rates",
                        ADMIN_KEY,
                        "{\"prefix\": \"44\", \"rate\": -1}"),
                    400,
                    ProblemType.INVALID_FIELD)
                .get("detail")
                .asText())
        .isEqualTo("rate: -1 is not in 0..999999.999999");

    JsonNode imported =
        ok(
            putCsv(
                "lownet",
                "prefix,rate,connection_fee,increment_first,increment_next,effective_date\n"
                    + "1646,0.0030,0,60,6,2026-01-01\n1212,0.002,,,,\n",
                ADMIN_KEY),
            200);
    assertThat(imported.get("rows").asInt()).isEqualTo(2);
    page = ok(lab.get("/v1/admin/carriers/lownet/rates?prefix=16", ADMIN_KEY), 200);
    assertThat(page.get("total").asInt()).as("the import replaced the deck").isEqualTo(2);
    assertThat(page.get("items")).hasSize(1);

    ok(lab.delete("/v1/admin/carriers/lownet/rates/1212", ADMIN_KEY), 204);
    problem(
        lab.delete("/v1/admin/carriers/lownet/rates/1212", ADMIN_KEY), 404, ProblemType.NOT_FOUND);
    ok(lab.delete("/v1/admin/carriers/lownet", ADMIN_KEY), 204);
    problem(lab.get("/v1/admin/carriers/lownet/rates", ADMIN_KEY), 404, ProblemType.NOT_FOUND);
  }

  @Test
  void aDeckWithBadLinesIsRefusedWholeWithEachLineAndWhy() throws Exception {
    ok(lab.put("/v1/admin/carriers/badnet", ADMIN_KEY, "{\"gateways\": [\"10.0.0.9:5060\"]}"), 201);
    ok(putCsv("badnet", "1646,0.003,,,,\n", ADMIN_KEY), 200);
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      csv.append(i % 2 == 0 ? "1" + i + ",0.001,,,,\n" : "x" + i + ",0.001,,,,\n");
    }

    JsonNode p =
        problem(putCsv("badnet", csv.toString(), ADMIN_KEY), 422, ProblemType.INVALID_RATE_DECK);

    assertThat(p.get("errorCount").asInt()).isEqualTo(75);
    assertThat(p.get("errors"))
        .hasSize(RateDecks.MAX_REPORTED_ERRORS > 75 ? 75 : RateDecks.MAX_REPORTED_ERRORS);
    assertThat(p.get("errors").get(0).get("line").asInt()).isEqualTo(2);
    assertThat(p.get("errors").get(0).get("problem").asText())
        .isEqualTo("prefix: 'x1' is not 1 to 15 digits");
    assertThat(ok(lab.get("/v1/admin/carriers/badnet/rates", ADMIN_KEY), 200).get("total").asInt())
        .as("the old deck stays")
        .isEqualTo(1);
    problem(putCsv("ghostnet", "1,0.1,,,,\n", ADMIN_KEY), 404, ProblemType.NOT_FOUND);
  }

  @Test
  void namedTargetsOfAnyTenant() throws Exception {
    ok(
        lab.put(
            "/v1/admin/tenants/globex/targets/billing",
            ADMIN_KEY,
            "{\"destination\": \"646 555 0123\"}"),
        201);
    JsonNode all = ok(lab.get("/v1/admin/targets?tenant=globex", ADMIN_KEY), 200);
    List<String> rows = new ArrayList<>();
    all.get("items")
        .forEach(t -> rows.add(t.get("name").asText() + "=" + t.get("destination").asText()));
    assertThat(rows).contains("billing=+16465550123");
    problem(
        lab.put("/v1/admin/tenants/initech/targets/x", ADMIN_KEY, "{\"destination\": \"+1646\"}"),
        404,
        ProblemType.NOT_FOUND);
    ok(lab.delete("/v1/admin/tenants/globex/targets/billing", ADMIN_KEY), 204);
    problem(
        lab.delete("/v1/admin/tenants/globex/targets/billing", ADMIN_KEY),
        404,
        ProblemType.NOT_FOUND);
  }
}
