package io.baton.transfer;

import static io.baton.transfer.TransferFixture.ACME_KEY;
import static io.baton.transfer.TransferFixture.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.contract.BatonHeaders;
import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.registry.Call;
import io.baton.registry.LegState;
import io.baton.routing.Carrier;
import io.baton.routing.Rate;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.store.Carriers;
import io.baton.store.RateDecks;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The toll-fraud guard through the API: tenants' transfer policies under {@code /v1/admin}, and
 * transfers they refuse answered {@code 403 transfer-policy} naming the rule, with nothing recorded
 * and no REFER sent. The network has an SBC-carrier and a PSTN endpoint as elements and a support
 * endpoint outside it; carriers reach +1646 at 0.004 and 0.012 a minute.
 */
class TransferPolicyApiTest {
  private static final String ACME_POLICY = "/v1/admin/tenants/acme/transfer-policy";
  private static TransferFixture lab;

  @BeforeAll
  static void start() throws Exception {
    Map<String, HostPort> network = new LinkedHashMap<>();
    network.put("sbc-carrier", HostPort.parse("127.0.0.1:5120"));
    network.put("pstn-sales", HostPort.parse("127.0.0.1:5130"));
    network.put("support", HostPort.parse("127.0.0.1:5131"));
    lab =
        TransferFixture.start(
            "policy",
            15404,
            15405,
            18078,
            TransferFixture.Options.DEFAULT.network(
                network, new TransferServerConfig.Policy(List.of("support"))));
    Carriers carriers = new Carriers(lab.db);
    RateDecks decks = new RateDecks(lab.db);
    for (String[] carrier : new String[][] {{"cheapnet", "0.004"}, {"pricey", "0.012"}}) {
      carriers.put(new Carrier(carrier[0], "127.0.0.1:5121", CallerId.KEEP, RedirectInfo.NONE));
      decks.put(new Rate(carrier[0], "+1646", new BigDecimal(carrier[1])));
    }
  }

  @AfterAll
  static void stop() {
    lab.close();
  }

  /** Every test starts from the fixture's open policy and leaves no REFER behind. */
  @AfterEach
  void reset() throws Exception {
    lab.clock.thaw();
    put(ACME_POLICY, "{\"allowedNumbers\": [\"US\"], \"allowedSipDomains\": [\"127.0.0.1\"]}");
    assertThat(lab.proxy.noRefer(Duration.ZERO)).as("every REFER was looked at").isTrue();
  }

  private static JsonNode put(String path, String body) throws Exception {
    HttpResponse<String> r = lab.put(path, ADMIN_KEY, body);
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    return lab.json(r);
  }

  private static HttpResponse<String> transfer(Call call, String body) throws Exception {
    return lab.post("/v1/calls/" + call.id() + "/transfer", ACME_KEY, body);
  }

  /** Checks {@code r} is a policy refusal by {@code rule} saying {@code detail}; returns it. */
  private static JsonNode refused(HttpResponse<String> r, String rule, String detail)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    JsonNode p = lab.json(r);
    assertThat(fieldNames(p))
        .containsExactly("type", "title", "status", "detail", "instance", "rule");
    assertThat(p.get("type").asText()).isEqualTo(ProblemType.TRANSFER_POLICY.uri());
    assertThat(p.get("title").asText()).isEqualTo(ProblemType.TRANSFER_POLICY.title());
    assertThat(p.get("status").asInt()).isEqualTo(403);
    assertThat(p.get("rule").asText()).isEqualTo(rule);
    assertThat(p.get("detail").asText()).isEqualTo(detail);
    return p;
  }

  /**
   * Answers the REFER of {@code transfer} (the only one outstanding) with a NOTIFY that completes
   * it, and waits for that.
   */
  private static void complete(JsonNode transfer) throws Exception {
    lab.proxy.notify(lab.proxy.nextRefer(), 1, 1, 200, "OK", "completed");
    lab.awaitTransfer(transfer.get("id").asText(), "completed");
  }

  /** Nothing of the call moved: no transfer recorded, no REFER sent. */
  private static void nothingMoved(Call call) throws Exception {
    assertThat(lab.proxy.noRefer(Duration.ofMillis(200))).as("no REFER").isTrue();
    JsonNode view = lab.json(lab.get("/v1/calls/" + call.id(), ACME_KEY));
    assertThat(view.get("transfers")).as("no transfer recorded").isEmpty();
  }

  // ---- the admin API

  @Test
  void anAdminReadsReplacesAndRemovesATenantsPolicy() throws Exception {
    JsonNode open = lab.json(lab.get(ACME_POLICY, ADMIN_KEY));
    assertThat(fieldNames(open))
        .containsExactly(
            "allowedNumbers",
            "allowedNumberTypes",
            "allowedSipDomains",
            "maxRatePerMinute",
            "maxTransfersPerMinute",
            "maxTransfersInFlight");
    assertThat(open.get("allowedNumbers").toString()).isEqualTo("[\"US\"]");

    HttpResponse<String> changed =
        lab.put(
            ACME_POLICY,
            ADMIN_KEY,
            """
            {"allowedNumbers": ["us", "+4420"], "allowedNumberTypes": ["MOBILE"],
             "allowedSipDomains": ["PBX.example.com"], "maxRatePerMinute": 0.0150,
             "maxTransfersPerMinute": 10, "maxTransfersInFlight": 2}""");
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(lab.json(changed).toString())
        .isEqualTo(
            "{\"allowedNumbers\":[\"US\",\"+4420\"],\"allowedNumberTypes\":[\"MOBILE\"],"
                + "\"allowedSipDomains\":[\"pbx.example.com\"],\"maxRatePerMinute\":0.015,"
                + "\"maxTransfersPerMinute\":10,\"maxTransfersInFlight\":2}");
    assertThat(lab.json(lab.get(ACME_POLICY, ADMIN_KEY))).isEqualTo(lab.json(changed));

    assertThat(lab.delete(ACME_POLICY, ADMIN_KEY).statusCode()).isEqualTo(204);
    JsonNode byDefault = lab.json(lab.get(ACME_POLICY, ADMIN_KEY));
    assertThat(byDefault.toString())
        .isEqualTo(
            "{\"allowedNumbers\":[],\"allowedNumberTypes\":[\"FIXED_LINE\",\"MOBILE\","
                + "\"FIXED_LINE_OR_MOBILE\",\"TOLL_FREE\"],\"allowedSipDomains\":[],"
                + "\"maxRatePerMinute\":null,\"maxTransfersPerMinute\":60,"
                + "\"maxTransfersInFlight\":20}");
    assertThat(lab.delete(ACME_POLICY, ADMIN_KEY).statusCode()).isEqualTo(404);
    HttpResponse<String> created = lab.put(ACME_POLICY, ADMIN_KEY, "{}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(lab.json(created)).isEqualTo(byDefault);

    HttpResponse<String> nobody = lab.get("/v1/admin/tenants/nobody/transfer-policy", ADMIN_KEY);
    assertThat(nobody.statusCode()).isEqualTo(404);
    assertThat(lab.json(nobody).get("detail").asText()).isEqualTo("no tenant 'nobody'");
  }

  @Test
  void aBadPolicyIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
    JsonNode before = lab.json(lab.get(ACME_POLICY, ADMIN_KEY));
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(
        "{\"allowedNumber\": [\"US\"]}",
        "allowedNumber: unknown field (expected allowedNumberTypes, allowedNumbers,"
            + " allowedSipDomains, maxRatePerMinute, maxTransfersInFlight, maxTransfersPerMinute)");
    cases.put("{\"allowedNumbers\": \"US\"}", "allowedNumbers: must be a list");
    cases.put(
        "{\"allowedNumbers\": [\"US\", \"XX\"]}",
        "allowedNumbers[1]: 'XX' is neither an ISO 3166 region (US) nor an E.164 prefix (+1646)");
    cases.put(
        "{\"allowedNumberTypes\": [\"PREMIUM\"]}",
        "allowedNumberTypes[0]: 'PREMIUM' is not a libphonenumber PhoneNumberType (FIXED_LINE,"
            + " MOBILE, ...)");
    cases.put(
        "{\"allowedSipDomains\": [\"sip:pbx@example.com\"]}",
        "allowedSipDomains[0]: 'sip:pbx@example.com' is not a domain (example.com, *.example.com)"
            + " or an IP address");
    cases.put("{\"maxRatePerMinute\": \"0.01\"}", "maxRatePerMinute: must be a number");
    cases.put(
        "{\"maxRatePerMinute\": -0.01}",
        "maxRatePerMinute: -0.01 is not a rate per minute (0 to 999999.999999, at most 6"
            + " decimals)");
    cases.put(
        "{\"maxRatePerMinute\": 0.0000001}",
        "maxRatePerMinute: 0.0000001 is not a rate per minute (0 to 999999.999999, at most 6"
            + " decimals)");
    cases.put(
        "{\"maxTransfersPerMinute\": \"60\"}", "maxTransfersPerMinute: must be a whole number");
    cases.put("{\"maxTransfersPerMinute\": 1.5}", "maxTransfersPerMinute: must be a whole number");
    cases.put(
        "{\"maxTransfersInFlight\": 0}",
        "maxTransfersInFlight: 0 is not a whole number in 1..10000");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = lab.put(ACME_POLICY, ADMIN_KEY, c.getKey());
      assertThat(r.statusCode()).as(c.getKey() + " " + r.body()).isEqualTo(400);
      JsonNode p = lab.json(r);
      assertThat(p.get("type").asText()).isEqualTo(ProblemType.INVALID_FIELD.uri());
      assertThat(p.get("detail").asText()).as(c.getKey()).isEqualTo(c.getValue());
    }
    HttpResponse<String> list = lab.put(ACME_POLICY, ADMIN_KEY, "[]");
    assertThat(lab.json(list).get("type").asText()).isEqualTo(ProblemType.MALFORMED_BODY.uri());
    assertThat(lab.json(lab.get(ACME_POLICY, ADMIN_KEY))).isEqualTo(before);
  }

  // ---- transfers the policy refuses

  @Test
  void numbersOutsideThePolicyAre403AndNothingMoves() throws Exception {
    Call call = lab.answeredCall();

    refused(
        transfer(call, "{\"to\": \"+19005550000\"}"),
        "number-type",
        "to: +19005550000 is PREMIUM_RATE, not allowed for tenant acme");
    refused(
        transfer(call, "{\"to\": \"+442079460000\"}"),
        "allowed-numbers",
        "to: +442079460000 is in GB, not among the allowed numbers of tenant acme");
    refused(
        transfer(call, "{\"to\": \"+18765550100\"}"),
        "allowed-numbers",
        "to: +18765550100 is in JM, not among the allowed numbers of tenant acme");
    refused(
        transfer(call, "{\"to\": [\"+16465550111\", {\"to\": \"+8816123456789\"}]}"),
        "allowed-numbers",
        "to[1].to: +8816123456789 is in no country, not among the allowed numbers of tenant acme");
    JsonNode p =
        refused(
            transfer(call, "{\"to\": [\"target:sales\", \"+19005550000\"]}"),
            "number-type",
            "to[1]: +19005550000 is PREMIUM_RATE, not allowed for tenant acme");
    assertThat(p.get("instance").asText()).isEqualTo("/v1/calls/" + call.id() + "/transfer");
    nothingMoved(call);
  }

  @Test
  void sipUrisAtAnElementOrOutsideTheDomainsAre403NamedTargetsToo() throws Exception {
    Call call = lab.answeredCall();
    put("/v1/admin/tenants/acme/targets/loop", "{\"destination\": \"sip:x@localhost:5120\"}");

    refused(
        transfer(call, "{\"to\": \"sip:+19005550000@127.0.0.1:5130\"}"),
        "network-element",
        "to: sip:+19005550000@127.0.0.1:5130, which reaches pstn-sales (127.0.0.1:5130), an"
            + " element of Baton's network");
    refused(
        transfer(call, "{\"to\": \"sip:+19005550000@127.0.0.1:5121\"}"),
        "network-element",
        "to: sip:+19005550000@127.0.0.1:5121, which reaches carrier cheapnet (127.0.0.1:5121), an"
            + " element of Baton's network");
    refused(
        transfer(call, "{\"to\": \"sip:x@127.0.0.1:18078\"}"),
        "network-element",
        "to: sip:x@127.0.0.1:18078, which reaches transfer API (127.0.0.1:18078), an element of"
            + " Baton's network");
    refused(
        transfer(call, "{\"to\": \"target:loop\"}"),
        "network-element",
        "to: target:loop leads to sip:x@localhost:5120, which reaches sbc-carrier"
            + " (127.0.0.1:5120), an element of Baton's network");
    refused(
        transfer(call, "{\"to\": \"sip:agent@pbx.evil.example\"}"),
        "sip-domain",
        "to: sip:agent@pbx.evil.example: pbx.evil.example is not an allowed SIP domain of tenant"
            + " acme");
    nothingMoved(call);
    assertThat(lab.delete("/v1/admin/tenants/acme/targets/loop", ADMIN_KEY).statusCode())
        .isEqualTo(204);

    // the endpoint outside the network, named or not, is a place a transfer may go
    JsonNode support =
        lab.transfer(call, "{\"to\": [\"sip:support@127.0.0.1:5131\", \"target:support\"]}");
    assertThat(support.get("destination").asText()).isEqualTo("sip:support@127.0.0.1:5131");
    complete(support);
  }

  @Test
  void theCeilingRefusesNumbersWithoutACheapEnoughRouteAndTravelsOnTheRefer() throws Exception {
    put(
        ACME_POLICY,
        "{\"allowedNumbers\": [\"US\"], \"allowedSipDomains\": [\"127.0.0.1\"],"
            + " \"maxRatePerMinute\": 0.003}");
    Call call = lab.answeredCall();
    refused(
        transfer(call, "{\"to\": \"target:sales\"}"),
        "max-rate",
        "to: target:sales leads to +16465550111: its cheapest route (cheapnet) costs 0.004/min,"
            + " over the ceiling of 0.003/min of tenant acme");
    refused(
        transfer(call, "{\"to\": \"+12125550123\"}"),
        "max-rate",
        "to: +12125550123 has no carrier route, none at or under the ceiling of 0.003/min of"
            + " tenant acme");
    nothingMoved(call);

    put(
        ACME_POLICY,
        "{\"allowedNumbers\": [\"US\"], \"allowedSipDomains\": [\"127.0.0.1\"],"
            + " \"maxRatePerMinute\": 0.0050}");
    // a DID of Baton's own goes through the core proxy: no carrier rate to hold it to
    JsonNode capped = lab.transfer(call, "{\"to\": [\"+16465550111\", \"+18005550100\"]}");
    InboundRequest refer = lab.proxy.nextRefer();
    assertThat(refer.header(BatonHeaders.MAX_RATE)).isEqualTo("0.005");
    lab.proxy.notify(refer, 1, 1, 200, "OK", "completed");
    lab.awaitTransfer(capped.get("id").asText(), "completed");

    put(ACME_POLICY, "{\"allowedNumbers\": [\"US\"]}");
    JsonNode uncapped = lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}");
    refer = lab.proxy.nextRefer();
    assertThat(refer.header(BatonHeaders.MAX_RATE)).as("no ceiling").isNull();
    lab.proxy.notify(refer, 1, 1, 200, "OK", "completed");
    lab.awaitTransfer(uncapped.get("id").asText(), "completed");
  }

  @Test
  void aTenantStartsAtMostItsTransfersPerMinute() throws Exception {
    put(ACME_POLICY, "{\"allowedNumbers\": [\"US\"], \"maxTransfersPerMinute\": 2}");
    lab.clock.freeze();
    lab.clock.advance(Duration.ofSeconds(61)); // other tests' transfers out of the window
    for (int i = 0; i < 2; i++) {
      complete(lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}"));
    }
    Call third = lab.answeredCall();
    refused(
        transfer(third, "{\"to\": \"+16465550111\"}"),
        "transfers-per-minute",
        "tenant acme started 2 transfers in the last minute, its maxTransfersPerMinute");
    nothingMoved(third);

    lab.clock.advance(Duration.ofSeconds(60));
    complete(lab.transfer(third, "{\"to\": \"+16465550111\"}"));
  }

  @Test
  void aTenantHasAtMostItsTransfersInFlight() throws Exception {
    put(ACME_POLICY, "{\"allowedNumbers\": [\"US\"], \"maxTransfersInFlight\": 1}");
    JsonNode first = lab.transfer(lab.answeredCall(), "{\"to\": \"+16465550111\"}");
    InboundRequest firstRefer = lab.proxy.nextRefer();
    Call second = lab.answeredCall();
    refused(
        transfer(second, "{\"to\": \"+16465550111\"}"),
        "transfers-in-flight",
        "tenant acme has 1 transfers in flight, its maxTransfersInFlight");
    nothingMoved(second);

    lab.proxy.notify(firstRefer, 1, 1, 200, "OK", "completed");
    lab.awaitTransfer(first.get("id").asText(), "completed");
    complete(lab.transfer(second, "{\"to\": \"+16465550111\"}"));
  }

  @Test
  void aCallNoTenantOwnsIsHeldToTheDefaultPolicy() throws Exception {
    Call unowned = lab.call("+18005550166", LegState.ACTIVE, true);
    HttpResponse<String> r =
        lab.post(
            "/v1/calls/" + unowned.id() + "/transfer", ADMIN_KEY, "{\"to\": \"+16465550111\"}");
    refused(
        r,
        "allowed-numbers",
        "to: +16465550111 is in US, not among the allowed numbers of calls without a tenant");
    assertThat(lab.proxy.noRefer(Duration.ofMillis(200))).isTrue();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
