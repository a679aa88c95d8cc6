package io.baton.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.routing.CarrierRoute;
import io.baton.routing.Numbers;
import io.baton.routing.Rate;
import io.baton.routing.Transport;
import io.baton.sip.HostPort;
import io.baton.store.TransferPolicy;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The toll-fraud guard's decisions on plain data: each rule, allowed and refused. */
class TransferGuardTest {
  private static final TransferPolicy ACME =
      new TransferPolicy(
          List.of("US", "CA", "+4420", "+8816"),
          null,
          List.of("example.com", "*.acme.example", "127.0.0.1", "[::1]"),
          new BigDecimal("0.0100"),
          60,
          10);

  private static final TransferGuard.Routes CHEAP = routes("cheapnet", "0.004", "pricey", "0.012");

  private static TransferGuard.Subject direct(TransferPolicy policy, String to) {
    return new TransferGuard.Subject("acme", policy, "to[1]", to, false);
  }

  private static TransferGuard.Subject named(TransferPolicy policy, String name) {
    return new TransferGuard.Subject("acme", policy, "to", "target:" + name, true);
  }

  /** Carrier routes at these rates, as pairs of name and rate. */
  private static TransferGuard.Routes routes(String... carrierAndRate) {
    List<CarrierRoute> out = new java.util.ArrayList<>();
    for (int i = 0; i < carrierAndRate.length; i += 2) {
      BigDecimal rate = new BigDecimal(carrierAndRate[i + 1]);
      out.add(
          new CarrierRoute(
              carrierAndRate[i],
              List.of("10.0.0." + i + ":5060"),
              Transport.UDP,
              new Rate(carrierAndRate[i], "+1", rate),
              rate,
              100,
              CallerId.KEEP,
              RedirectInfo.NONE));
    }
    return new TransferGuard.Routes(false, out);
  }

  private static void allowed(TransferGuard.Verdict verdict) {
    assertThat(verdict).isInstanceOf(TransferGuard.Verdict.Allowed.class);
  }

  private static void refused(
      TransferGuard.Verdict verdict, TransferGuard.Rule rule, String detail) {
    assertThat(verdict).isEqualTo(new TransferGuard.Verdict.Refused(rule, detail));
  }

  // ---- numbers given directly

  @ParameterizedTest
  @CsvSource({
    "+16465550111", // US, FIXED_LINE_OR_MOBILE
    "+14165550123", // CA
    "+18005550100", // US, TOLL_FREE
    "+442079460000", // by the prefix +4420
    "+8816123456789" // satellite, by a prefix within +881
  })
  void numbersThePolicyListsAreAllowed(String e164) {
    allowed(TransferGuard.number(direct(ACME, e164), e164, CHEAP));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "+33612345678 | ALLOWED_NUMBERS | to[1]: +33612345678 is in FR, not among the allowed"
            + " numbers of tenant acme",
        "+18765550100 | ALLOWED_NUMBERS | to[1]: +18765550100 is in JM, not among the allowed"
            + " numbers of tenant acme",
        "+448712345678 | ALLOWED_NUMBERS | to[1]: +448712345678 is in GB, not among the allowed"
            + " numbers of tenant acme",
        "+447700900123 | ALLOWED_NUMBERS | to[1]: +447700900123 is in no country, not among the"
            + " allowed numbers of tenant acme",
        "+870772001234 | ALLOWED_NUMBERS | to[1]: +870772001234 is in no country, not among the"
            + " allowed numbers of tenant acme",
        "+19005550000 | NUMBER_TYPE | to[1]: +19005550000 is PREMIUM_RATE, not allowed for tenant"
            + " acme"
      })
  void numbersOutsideThePolicyAreRefusedNamingTheRule(
      String e164, TransferGuard.Rule rule, String detail) {
    refused(TransferGuard.number(direct(ACME, e164), e164, CHEAP), rule, detail);
  }

  @Test
  void satelliteNumbersPassOnlyByAPrefixWithinTheirOwnCode() {
    TransferPolicy broad = new TransferPolicy(List.of("+8"), null, null, null, null, null);
    for (String e164 : List.of("+8816123456789", "+870772001234", "+882345678901")) {
      String code = e164.substring(0, 4);
      refused(
          TransferGuard.number(direct(broad, e164), e164, null),
          TransferGuard.Rule.SATELLITE,
          "to[1]: "
              + e164
              + " is a satellite number ("
              + code
              + "), allowed only by a prefix within "
              + code
              + ", not for tenant acme");
    }
    TransferPolicy inmarsat =
        new TransferPolicy(List.of("+8", "+870"), List.of("MOBILE"), null, null, null, null);
    allowed(TransferGuard.number(direct(inmarsat, "+870772001234"), "+870772001234", null));
    refused(
        TransferGuard.number(direct(inmarsat, "+8816123456789"), "+8816123456789", null),
        TransferGuard.Rule.SATELLITE,
        "to[1]: +8816123456789 is a satellite number (+881), allowed only by a prefix within +881,"
            + " not for tenant acme");
  }

  @Test
  void everyNumberTypeIsRefusedUnlessTheDefaultsOrThePolicyAllowIt() {
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    Set<PhoneNumberType> refusedByDefault = EnumSet.noneOf(PhoneNumberType.class);
    for (PhoneNumberType type : PhoneNumberType.values()) {
      PhoneNumber example = util.getExampleNumberForType(type);
      String e164 =
          example == null
              ? "+447700900123" // no range holds it: UNKNOWN
              : util.format(example, PhoneNumberUtil.PhoneNumberFormat.E164);
      PhoneNumberType actual = Numbers.typeOf(e164);
      String prefix = e164.substring(0, 3);
      TransferPolicy byDefault = new TransferPolicy(List.of(prefix), null, null, null, null, null);
      TransferPolicy onlyThis =
          new TransferPolicy(List.of(prefix), List.of(actual.name()), null, null, null, null);
      TransferPolicy none = new TransferPolicy(List.of(prefix), List.of(), null, null, null, null);

      TransferGuard.Verdict verdict = TransferGuard.number(direct(byDefault, e164), e164, null);
      if (TransferPolicy.DEFAULT_TYPES.contains(actual.name())) {
        allowed(verdict);
      } else {
        refused(
            verdict,
            TransferGuard.Rule.NUMBER_TYPE,
            "to[1]: " + e164 + " is " + actual + ", not allowed for tenant acme");
        refusedByDefault.add(actual);
      }
      allowed(TransferGuard.number(direct(onlyThis, e164), e164, null));
      assertThat(TransferGuard.number(direct(none, e164), e164, null))
          .isInstanceOf(TransferGuard.Verdict.Refused.class);
    }
    assertThat(refusedByDefault)
        .contains(
            PhoneNumberType.PREMIUM_RATE,
            PhoneNumberType.SHARED_COST,
            PhoneNumberType.VOIP,
            PhoneNumberType.PERSONAL_NUMBER,
            PhoneNumberType.PAGER,
            PhoneNumberType.UAN,
            PhoneNumberType.VOICEMAIL,
            PhoneNumberType.UNKNOWN);
  }

  @Test
  void theDefaultPolicyAllowsNoNumberGivenDirectly() {
    refused(
        TransferGuard.number(direct(TransferPolicy.DEFAULT, "+16465550111"), "+16465550111", null),
        TransferGuard.Rule.ALLOWED_NUMBERS,
        "to[1]: +16465550111 is in US, not among the allowed numbers of tenant acme");
    TransferGuard.Subject noTenant =
        new TransferGuard.Subject("", TransferPolicy.DEFAULT, "to", "+16465550111", false);
    refused(
        TransferGuard.number(noTenant, "+16465550111", null),
        TransferGuard.Rule.ALLOWED_NUMBERS,
        "to: +16465550111 is in US, not among the allowed numbers of calls without a tenant");
  }

  // ---- the rate ceiling

  @Test
  void aNumberNeedsARouteAtOrUnderTheCeiling() {
    String e164 = "+16465550111";
    allowed(
        TransferGuard.number(direct(ACME, e164), e164, routes("pricey", "0.012", "exact", "0.01")));
    refused(
        TransferGuard.number(direct(ACME, e164), e164, routes("pricey", "0.012", "dear", "0.0101")),
        TransferGuard.Rule.MAX_RATE,
        "to[1]: +16465550111: its cheapest route (dear) costs 0.0101/min, over the ceiling of"
            + " 0.01/min of tenant acme");
    refused(
        TransferGuard.number(direct(ACME, e164), e164, routes()),
        TransferGuard.Rule.MAX_RATE,
        "to[1]: +16465550111 has no carrier route, none at or under the ceiling of 0.01/min of"
            + " tenant acme");
    // an own DID goes through the core proxy: no carrier, no rate
    allowed(
        TransferGuard.number(
            direct(ACME, "+18005550101"),
            "+18005550101",
            new TransferGuard.Routes(true, List.of())));
    // no ceiling: routes are not even looked up
    TransferPolicy open = new TransferPolicy(List.of("US"), null, null, null, null, null);
    allowed(TransferGuard.number(direct(open, e164), e164, null));
  }

  @Test
  void namedTargetsSkipTheDestinationRulesButNotTheCeiling() {
    allowed(TransferGuard.number(named(ACME, "hotline"), "+19005550000", CHEAP));
    allowed(TransferGuard.number(named(TransferPolicy.DEFAULT, "sales"), "+33612345678", null));
    refused(
        TransferGuard.number(named(ACME, "hotline"), "+19005550000", routes("dear", "2.5")),
        TransferGuard.Rule.MAX_RATE,
        "to: target:hotline leads to +19005550000: its cheapest route (dear) costs 2.5/min, over"
            + " the ceiling of 0.01/min of tenant acme");
  }

  // ---- sip: URIs

  @ParameterizedTest
  @CsvSource({
    "sip:a@example.com",
    "sip:a@EXAMPLE.com",
    "sip:a@example.com.",
    "sips:a@pbx.acme.example",
    "sip:a@b.pbx.acme.example:5070",
    "sip:a@127.0.0.1:5131",
    "sip:a@[::1]:5131",
    "sip:a@[0:0:0:0:0:0:0:1]:5131",
    "sip:a@example.com;maddr=127.0.0.1"
  })
  void sipUrisInAnAllowedDomainAreAllowed(String uri) {
    SipHop hop = SipHop.of(uri).orElseThrow();
    allowed(TransferGuard.sipDomain(direct(ACME, uri), uri, hop));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sip:a@x.example.com | x.example.com",
        "sip:a@acme.example | acme.example",
        "sip:a@evilacme.example | evilacme.example",
        "sip:+19005550000@127.0.0.2:5130 | 127.0.0.2",
        "sip:a@localhost:5131 | localhost",
        "sip:a@example.com;maddr=10.0.0.9 | 10.0.0.9"
      })
  void sipUrisOutsideTheAllowedDomainsAreRefused(String uri, String host) {
    SipHop hop = SipHop.of(uri).orElseThrow();
    refused(
        TransferGuard.sipDomain(direct(ACME, uri), uri, hop),
        TransferGuard.Rule.SIP_DOMAIN,
        "to[1]: " + uri + ": " + host + " is not an allowed SIP domain of tenant acme");
    allowed(TransferGuard.sipDomain(named(ACME, "pbx"), uri, hop));
  }

  @Test
  void noSipTargetMayReachAnElementOfTheNetworkNamedOrNot() {
    String uri = "sip:+19005550000@127.0.0.1:5130";
    NetworkElements.Reach element =
        new NetworkElements.Reach.Element("pstn-sales", HostPort.parse("127.0.0.1:5130"));
    refused(
        TransferGuard.sipReach(direct(ACME, uri), uri, element),
        TransferGuard.Rule.NETWORK_ELEMENT,
        "to[1]: sip:+19005550000@127.0.0.1:5130, which reaches pstn-sales (127.0.0.1:5130), an"
            + " element of Baton's network");
    refused(
        TransferGuard.sipReach(named(ACME, "loop"), "sip:x@localhost:5080", element),
        TransferGuard.Rule.NETWORK_ELEMENT,
        "to: target:loop leads to sip:x@localhost:5080, which reaches pstn-sales (127.0.0.1:5130),"
            + " an element of Baton's network");
    refused(
        TransferGuard.sipReach(
            direct(ACME, "sip:a@nowhere.example"),
            "sip:a@nowhere.example",
            new NetworkElements.Reach.Unresolvable("nowhere.example")),
        TransferGuard.Rule.NETWORK_ELEMENT,
        "to[1]: sip:a@nowhere.example: nowhere.example does not resolve, so it cannot be told from"
            + " an element of Baton's network");
    allowed(
        TransferGuard.sipReach(
            named(ACME, "support"),
            "sip:support@127.0.0.1:5131",
            new NetworkElements.Reach.Outside()));
  }

  // ---- caps

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | 0 | ",
        "59 | 9 | ",
        "60 | 0 | TRANSFERS_PER_MINUTE",
        "61 | 10 | TRANSFERS_PER_MINUTE",
        "59 | 10 | TRANSFERS_IN_FLIGHT"
      })
  void theCapsCountStartsInTheLastMinuteAndTransfersInFlight(
      int lastMinute, int inFlight, TransferGuard.Rule rule) {
    TransferGuard.Verdict verdict =
        TransferGuard.caps("acme", ACME, new TransferGuard.Counts(lastMinute, inFlight));
    if (rule == null) {
      allowed(verdict);
    } else {
      assertThat(verdict)
          .isInstanceOfSatisfying(
              TransferGuard.Verdict.Refused.class, r -> assertThat(r.rule()).isEqualTo(rule));
    }
  }

  @Test
  void capRefusalsSayWhatWasCounted() {
    refused(
        TransferGuard.caps("acme", ACME, new TransferGuard.Counts(60, 3)),
        TransferGuard.Rule.TRANSFERS_PER_MINUTE,
        "tenant acme started 60 transfers in the last minute, its maxTransfersPerMinute");
    refused(
        TransferGuard.caps("acme", ACME, new TransferGuard.Counts(3, 10)),
        TransferGuard.Rule.TRANSFERS_IN_FLIGHT,
        "tenant acme has 10 transfers in flight, its maxTransfersInFlight");
  }

  @Test
  void rulesAreSpelledForTheApi() {
    assertThat(TransferGuard.Rule.values())
        .extracting(TransferGuard.Rule::wire)
        .containsExactly(
            "allowed-numbers",
            "satellite",
            "number-type",
            "sip-domain",
            "network-element",
            "max-rate",
            "transfers-per-minute",
            "transfers-in-flight");
  }
}
