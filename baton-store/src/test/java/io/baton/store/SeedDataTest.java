package io.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedDataTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static SeedData bind(String yaml) throws IOException {
    return YAML.readerFor(SeedData.class).at("/seed").readValue(yaml);
  }

  @Test
  void bindsTheSeedBlock() throws IOException {
    SeedData seed =
        bind(
            """
            seed:
              adminKeys: [admin-demo-key]
              tenants:
                - id: acme
                  name: ACME Corp
                  apiKeys: [acme-demo-key]
                  dids:
                    - {did: "+18005550100", redirectTo: "+13125550100"}
                    - {did: "+18005550101", redirectTo: "+13125550100"}
                  targets: {sales: "+16465550111", support: "sip:support@127.0.0.1:5131"}
              carriers:
                - {name: cheapnet, gateway: 127.0.0.1:5120, rates: {"+1646": 0.0040},
                   callerId: did, redirectInfo: diversion}
                - {name: pricey, gateway: 127.0.0.1:5120, rates: {"+1646": 0.0120}}
            """);

    assertThat(seed.adminKeys()).containsExactly("admin-demo-key");
    TenantSeed acme = seed.tenants().get(0);
    assertThat(acme.dids())
        .containsExactly(
            new DidSeed("+18005550100", "+13125550100"),
            new DidSeed("+18005550101", "+13125550100"));
    assertThat(acme.targets()).containsEntry("support", "sip:support@127.0.0.1:5131");
    assertThat(seed.carriers().get(0).rates()).containsEntry("+1646", new BigDecimal("0.0040"));
    assertThat(seed.carriers().get(1).rates().get("+1646")).isEqualByComparingTo("0.012");
    assertThat(seed.carriers().get(0).callerId()).isEqualTo("did");
    assertThat(seed.carriers().get(0).redirectInfo()).isEqualTo("diversion");
    assertThat(seed.carriers().get(1).callerId()).isNull(); // left to the database
  }

  @Test
  void theLabsOwnSeedIsValid() throws IOException {
    SeedData lab =
        YAML.readerFor(SeedData.class)
            .at("/seed")
            .readValue(Path.of("../config/lab.yaml").toFile());

    assertThat(lab.tenants()).extracting(TenantSeed::id).contains("acme", "globex");
    assertThat(lab.carriers())
        .extracting(CarrierSeed::name, CarrierSeed::callerId, CarrierSeed::redirectInfo)
        .contains(
            org.assertj.core.groups.Tuple.tuple("cheapnet", "did", "diversion"),
            org.assertj.core.groups.Tuple.tuple("pricey", "keep", "history-info"));
  }

  @Test
  void aBadDidIsReportedWithItsKeyThroughBinding() {
    assertThatThrownBy(
            () ->
                bind(
                    """
                    seed:
                      tenants:
                        - id: acme
                          name: ACME
                          dids: [{did: "+18005550100", redirectTo: "+13125550100"}, {did: "800-555", redirectTo: "+13125550100"}]
                    """))
        .hasMessageContaining("seed.tenants[0].dids[1].did: '800-555' is not an E.164 number");
  }

  @Test
  void aTenantMayHaveAWebhook() throws IOException {
    SeedData seed =
        bind(
            """
            seed:
              tenants:
                - id: acme
                  name: ACME Corp
                  webhook: {url: "http://127.0.0.1:9000/baton", secret: "0123456789abcdef"}
                - id: globex
                  name: Globex
            """);

    assertThat(seed.tenants().get(0).webhook())
        .isEqualTo(new WebhookSeed("http://127.0.0.1:9000/baton", "0123456789abcdef"));
    assertThat(seed.tenants().get(1).webhook()).isNull();
  }

  @Test
  void aWebhookNeedsAnHttpUrlAndALongEnoughSecret() {
    assertThatThrownBy(() -> webhook("ftp://example.com/x", "0123456789abcdef"))
        .hasMessage(
            "seed.tenants[0].webhook.url: 'ftp://example.com/x' is not an absolute http:// or"
                + " https:// URL");
    assertThatThrownBy(() -> webhook("/relative", "0123456789abcdef"))
        .hasMessageStartingWith("seed.tenants[0].webhook.url: '/relative' is not an absolute");
    assertThatThrownBy(() -> webhook("http://example.com/x", "short-secret"))
        .hasMessage("seed.tenants[0].webhook.secret: must be 16 to 200 characters long")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> webhook("http://example.com/x", null))
        .hasMessage("seed.tenants[0].webhook.secret: missing");
    assertThat(webhook("https://example.com/x", "0123456789abcdef").tenants()).hasSize(1);
  }

  private static SeedData webhook(String url, String secret) {
    return tenants(
        new TenantSeed(
            "acme", "ACME", List.of(), List.of(), Map.of(), new WebhookSeed(url, secret)));
  }

  private static TenantSeed tenant(String id, List<DidSeed> dids, Map<String, String> targets) {
    return new TenantSeed(id, id.toUpperCase(), List.of(id + "-key"), dids, targets);
  }

  private static SeedData tenants(TenantSeed... tenants) {
    return new SeedData(List.of(), List.of(tenants), List.of());
  }

  private static SeedData carrier(String gateway, Map<String, BigDecimal> rates) {
    return new SeedData(
        List.of(), List.of(), List.of(new CarrierSeed("cheapnet", gateway, rates, null, null)));
  }

  @Test
  void redirectTargetsMustBeNumbersOrSipUris() {
    assertThatThrownBy(
            () ->
                tenants(
                    tenant("acme", List.of(new DidSeed("+18005550100", "3125550100")), Map.of())))
        .hasMessage(
            "seed.tenants[0].dids[0].redirectTo: '3125550100' is neither an E.164 number nor a"
                + " sip: URI");
    assertThatThrownBy(
            () -> tenants(tenant("acme", List.of(), Map.of("sales", "http://example.com"))))
        .hasMessageStartingWith("seed.tenants[0].targets.sales: ");
  }

  @Test
  void gatewaysMustBeHostAndPort() {
    Map<String, BigDecimal> rates = Map.of("+1646", new BigDecimal("0.004"));
    assertThatThrownBy(() -> carrier("127.0.0.1", rates))
        .hasMessage("seed.carriers[0].gateway: '127.0.0.1' is not host:port");
    assertThatThrownBy(() -> carrier("127.0.0.1:70000", rates))
        .hasMessage("seed.carriers[0].gateway: port 70000 is not in 1..65535");
    assertThat(carrier("[::1]:5120", rates).carriers()).hasSize(1);
  }

  @Test
  void ratesNeedAnE164PrefixAndAPriceTheDatabaseHoldsExactly() {
    assertThatThrownBy(() -> carrier("gw:5120", Map.of("1646", new BigDecimal("0.004"))))
        .hasMessage("seed.carriers[0].rates: '1646' is not an E.164 prefix (+digits)");
    assertThatThrownBy(() -> carrier("gw:5120", Map.of("+1646", new BigDecimal("-1"))))
        .hasMessageStartingWith("seed.carriers[0].rates.+1646: -1 is not a price");
    assertThatThrownBy(() -> carrier("gw:5120", Map.of("+1646", new BigDecimal("0.0000001"))))
        .hasMessage("seed.carriers[0].rates.+1646: 1E-7 has more than 6 decimals");
  }

  @Test
  void nothingMayBeGivenTwice() {
    DidSeed did = new DidSeed("+18005550100", "+13125550100");
    assertThatThrownBy(
            () ->
                tenants(
                    tenant("acme", List.of(did), Map.of()),
                    tenant("globex", List.of(did), Map.of())))
        .hasMessage("seed.tenants[1].dids[0].did: duplicate of seed.tenants[0].dids[0].did");
    assertThatThrownBy(
            () ->
                new SeedData(
                    List.of("acme-key"), List.of(tenant("acme", List.of(), Map.of())), List.of()))
        .hasMessage("seed.tenants[0].apiKeys[0]: duplicate of seed.adminKeys[0]")
        .hasMessageNotContaining("acme-key");
    assertThatThrownBy(
            () -> tenants(tenant("acme", List.of(), Map.of()), tenant("acme", List.of(), Map.of())))
        .hasMessageStartingWith("seed.tenants[1].id: duplicate");
  }

  @Test
  void aCarriersCallerIdentityIsOneOfItsChoicesAndNamesItsKey() {
    Map<String, BigDecimal> rates = Map.of("+1646", new BigDecimal("0.004"));
    assertThatThrownBy(
            () ->
                new SeedData(
                    List.of(),
                    List.of(),
                    List.of(new CarrierSeed("cheapnet", "gw:5120", rates, "anonymous", null))))
        .hasMessage("seed.carriers[0].callerId: 'anonymous' is not keep or did");
    assertThatThrownBy(
            () ->
                new SeedData(
                    List.of(),
                    List.of(),
                    List.of(new CarrierSeed("cheapnet", "gw:5120", rates, "did", "pai"))))
        .hasMessage("seed.carriers[0].redirectInfo: 'pai' is not none, diversion or history-info");
  }

  @Test
  void aCarriersCallerIdentityIsReadAsOnTheWireAndKeptAsSpelledThere() {
    CarrierSeed carrier =
        new CarrierSeed(
            "cheapnet", "gw:5120", Map.of("+1646", BigDecimal.ONE), " DID", "History-Info ");
    assertThat(carrier.callerId()).isEqualTo("did");
    assertThat(carrier.redirectInfo()).isEqualTo("history-info");
  }
}
