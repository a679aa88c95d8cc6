package io.baton.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A transfer policy's fields: their defaults, their canonical spellings, and each one's checks. */
class TransferPolicyTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static TransferPolicy numbers(String... entries) {
    return new TransferPolicy(List.of(entries), null, null, null, null, null);
  }

  private static TransferPolicy types(String... entries) {
    return new TransferPolicy(null, List.of(entries), null, null, null, null);
  }

  private static TransferPolicy domains(String... entries) {
    return new TransferPolicy(null, null, List.of(entries), null, null, null);
  }

  @Test
  void absentFieldsTakeTheirDefaults() {
    TransferPolicy p = new TransferPolicy(null, null, null, null, null, null);
    p.check("");
    assertThat(p).isEqualTo(TransferPolicy.DEFAULT);
    assertThat(p.numberTypes())
        .containsExactlyInAnyOrder(
            PhoneNumberType.FIXED_LINE,
            PhoneNumberType.MOBILE,
            PhoneNumberType.FIXED_LINE_OR_MOBILE,
            PhoneNumberType.TOLL_FREE);
    assertThat(p.allowedNumbers()).isEmpty();
    assertThat(p.allowedSipDomains()).isEmpty();
    assertThat(p.maxRatePerMinute()).isNull();
    assertThat(p.maxTransfersPerMinute()).isEqualTo(60);
    assertThat(p.maxTransfersInFlight()).isEqualTo(20);
  }

  @Test
  void spellingsAreMadeCanonical() {
    TransferPolicy p =
        new TransferPolicy(
            List.of(" us", "+1646"),
            List.of("premium_rate "),
            List.of("PBX.Example.COM.", "[::1]"),
            new BigDecimal("0.015000"),
            10,
            2);
    p.check("");
    assertThat(p.allowedNumbers()).containsExactly("US", "+1646");
    assertThat(p.allowedNumberTypes()).containsExactly("PREMIUM_RATE");
    assertThat(p.numberTypes()).isEqualTo(Set.of(PhoneNumberType.PREMIUM_RATE));
    assertThat(p.allowedSipDomains()).containsExactly("pbx.example.com", "[::1]");
    assertThat(p.maxRatePerMinute()).isEqualTo(new BigDecimal("0.015"));
    assertThat(new TransferPolicy(null, null, null, new BigDecimal("1E+1"), null, null))
        .extracting(TransferPolicy::maxRatePerMinute)
        .isEqualTo(new BigDecimal("10"));
  }

  @Test
  void everyKindOfEntryIsTaken() {
    numbers("US", "GB", "JM", "+1", "+1646", "+8816", "+123456789012345").check("");
    types(allTypes()).check("");
    domains("example.com", "*.example.com", "a-b.c.example.org", "localhost", "10.0.0.7", "[::1]")
        .check("");
    new TransferPolicy(null, null, null, BigDecimal.ZERO, 1, 1).check("");
    new TransferPolicy(null, null, null, new BigDecimal("999999.999999"), 100_000, 10_000)
        .check("");
  }

  private static String[] allTypes() {
    return java.util.Arrays.stream(PhoneNumberType.values()).map(Enum::name).toArray(String[]::new);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "XX | 'XX' is neither an ISO 3166 region (US) nor an E.164 prefix (+1646)",
        "001 | '001' is neither an ISO 3166 region (US) nor an E.164 prefix (+1646)",
        "+ | '+' is neither an ISO 3166 region (US) nor an E.164 prefix (+1646)",
        "1646 | '1646' is neither an ISO 3166 region (US) nor an E.164 prefix (+1646)",
        "+1234567890123456 | '+1234567890123456' is neither an ISO 3166 region (US) nor an E.164"
            + " prefix (+1646)"
      })
  void aBadNumberEntryIsNamedByItsIndex(String entry, String problem) {
    assertThatThrownBy(() -> numbers("US", entry).check("seed.tenants[0].transferPolicy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seed.tenants[0].transferPolicy.allowedNumbers[1]: " + problem);
  }

  @Test
  void aBadTypeOrDomainIsNamedByItsIndex() {
    assertThatThrownBy(() -> types("MOBILE", "PREMIUM").check(""))
        .hasMessage(
            "allowedNumberTypes[1]: 'PREMIUM' is not a libphonenumber PhoneNumberType"
                + " (FIXED_LINE, MOBILE, ...)");
    for (String bad :
        List.of(
            "*.com",
            "127.1",
            "a..b",
            "-a.com",
            "sip:x@example.com",
            "example.com:5060",
            "*",
            "::1",
            "300.1.1.1",
            "a_b.com")) {
      assertThatThrownBy(() -> domains("example.com", bad).check(""))
          .as(bad)
          .hasMessageStartingWith("allowedSipDomains[1]: '")
          .hasMessageEndingWith("' is not a domain (example.com, *.example.com) or an IP address");
    }
  }

  @Test
  void listsHoldNoHoleNoRepeatAndAtMostAHundredEntries() {
    assertThatThrownBy(() -> numbers("US", "us").check(""))
        .hasMessage("allowedNumbers[1]: 'US' is given twice");
    assertThatThrownBy(() -> domains("example.com", "").check(""))
        .hasMessage("allowedSipDomains[1]: missing");
    assertThatThrownBy(
            () ->
                new TransferPolicy(null, Collections.singletonList(null), null, null, null, null)
                    .check(""))
        .hasMessage("allowedNumberTypes[0]: missing");
    String[] many = new String[101];
    for (int i = 0; i < many.length; i++) {
      many[i] = "+" + (1000 + i);
    }
    assertThatThrownBy(() -> numbers(many).check(""))
        .hasMessage("allowedNumbers: at most 100 entries (has 101)");
  }

  @Test
  void limitsAreCheckedByName() {
    assertThatThrownBy(
            () ->
                new TransferPolicy(null, null, null, new BigDecimal("-0.01"), null, null).check(""))
        .hasMessage(
            "maxRatePerMinute: -0.01 is not a rate per minute (0 to 999999.999999, at most 6"
                + " decimals)");
    assertThatThrownBy(
            () ->
                new TransferPolicy(null, null, null, new BigDecimal("0.0000001"), null, null)
                    .check("p"))
        .hasMessageStartingWith("p.maxRatePerMinute: 0.0000001 is not a rate per minute");
    assertThatThrownBy(
            () ->
                new TransferPolicy(null, null, null, new BigDecimal("1000000"), null, null)
                    .check(""))
        .hasMessageStartingWith("maxRatePerMinute: 1000000 is not a rate per minute");
    assertThatThrownBy(() -> new TransferPolicy(null, null, null, null, 0, null).check(""))
        .hasMessage("maxTransfersPerMinute: 0 is not a whole number in 1..100000");
    assertThatThrownBy(() -> new TransferPolicy(null, null, null, null, null, 10_001).check(""))
        .hasMessage("maxTransfersInFlight: 10001 is not a whole number in 1..10000");
  }

  @Test
  void theSeedBindsAPolicyAndNamesItsKeyWhenWrong() throws IOException {
    SeedData seed =
        YAML.readerFor(SeedData.class)
            .at("/seed")
            .readValue(
                """
                seed:
                  tenants:
                    - id: acme
                      name: ACME Corp
                      transferPolicy:
                        allowedNumbers: [US, CA]
                        allowedSipDomains: [127.0.0.1]
                        maxRatePerMinute: 0.0150
                        maxTransfersPerMinute: 600
                    - id: globex
                      name: Globex
                """);
    assertThat(seed.tenants().get(0).transferPolicy())
        .isEqualTo(
            new TransferPolicy(
                List.of("US", "CA"),
                TransferPolicy.DEFAULT_TYPES,
                List.of("127.0.0.1"),
                new BigDecimal("0.015"),
                600,
                20));
    assertThat(seed.tenants().get(1).transferPolicy()).isNull();

    assertThatThrownBy(
            () ->
                new SeedData(
                    List.of(),
                    List.of(
                        new TenantSeed(
                            "acme",
                            "ACME",
                            List.of(),
                            List.of(),
                            java.util.Map.of(),
                            null,
                            types("SATELLITE"))),
                    List.of()))
        .hasMessageStartingWith(
            "seed.tenants[0].transferPolicy.allowedNumberTypes[0]: 'SATELLITE' is not");
  }

  @Test
  void theLabSeedGivesAcmeAnExplicitPolicyAndLeavesGlobexTheDefault() throws IOException {
    SeedData lab =
        YAML.readerFor(SeedData.class)
            .at("/seed")
            .readValue(java.nio.file.Path.of("../config/lab.yaml").toFile());
    TenantSeed acme =
        lab.tenants().stream().filter(t -> t.id().equals("acme")).findFirst().orElseThrow();
    TenantSeed globex =
        lab.tenants().stream().filter(t -> t.id().equals("globex")).findFirst().orElseThrow();

    assertThat(acme.transferPolicy().allowedNumbers()).contains("US");
    assertThat(acme.transferPolicy().allowedSipDomains()).contains("127.0.0.1");
    assertThat(acme.transferPolicy().maxRatePerMinute()).isNotNull();
    assertThat(globex.transferPolicy()).isNull();
  }
}
