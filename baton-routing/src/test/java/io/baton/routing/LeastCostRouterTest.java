package io.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Least-cost routing with plain data: carriers, deck rows, a status, a date. */
class LeastCostRouterTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 26);
  private static final String NUMBER = "+16465550111";

  private static Carrier carrier(String name) {
    return new Carrier(name, "gw-" + name + ":5060", CallerId.KEEP, RedirectInfo.NONE);
  }

  private static Carrier carrier(String name, boolean enabled, int weight, Integer maxCalls) {
    return new Carrier(
        name,
        List.of("gw-" + name + ":5060"),
        Transport.UDP,
        enabled,
        weight,
        maxCalls,
        CallerId.KEEP,
        RedirectInfo.NONE);
  }

  private static Rate rate(String carrier, String prefix, String perMinute) {
    return new Rate(carrier, prefix, new BigDecimal(perMinute));
  }

  private static Rate rate(
      String carrier, String prefix, String perMinute, String fee, int first, int next) {
    return new Rate(
        carrier, prefix, Rate.ALWAYS, new BigDecimal(perMinute), new BigDecimal(fee), first, next);
  }

  private static Rate rate(String carrier, String prefix, LocalDate from, String perMinute) {
    return new Rate(carrier, prefix, from, new BigDecimal(perMinute), BigDecimal.ZERO, 1, 1);
  }

  private static List<String> order(List<Carrier> carriers, List<Rate> rates) {
    return order(carriers, rates, CarrierStatus.IDLE, TODAY);
  }

  private static List<String> order(
      List<Carrier> carriers, List<Rate> rates, CarrierStatus status, LocalDate date) {
    return new LeastCostRouter(carriers, RateIndex.of(rates), 60)
        .routes(NUMBER, date, status).stream().map(CarrierRoute::carrier).toList();
  }

  /** Gateways down and calls per carrier, as health checks and the call registry would say. */
  private static CarrierStatus status(Set<String> down, Map<String, Integer> calls) {
    return new CarrierStatus() {
      @Override
      public boolean up(String gateway) {
        return !down.contains(gateway);
      }

      @Override
      public int activeCalls(String carrier) {
        return calls.getOrDefault(carrier, 0);
      }
    };
  }

  @Test
  void cheapestCarrierComesFirst() {
    List<CarrierRoute> routes =
        new LeastCostRouter(
                List.of(carrier("pricey"), carrier("cheapnet")),
                RateIndex.of(
                    List.of(
                        rate("pricey", "+1646", "0.0120"), rate("cheapnet", "+1646", "0.0040"))),
                60)
            .routes(NUMBER, TODAY, CarrierStatus.IDLE);

    assertThat(routes)
        .extracting(r -> r.carrier(), r -> r.gateways(), r -> r.rate().perMinute(), r -> r.cost())
        .containsExactly(
            tuple(
                "cheapnet",
                List.of("gw-cheapnet:5060"),
                new BigDecimal("0.004000"),
                new BigDecimal("0.004000")),
            tuple(
                "pricey",
                List.of("gw-pricey:5060"),
                new BigDecimal("0.012000"),
                new BigDecimal("0.012000")));
  }

  @Test
  void eachCarrierIsPricedByItsLongestMatchingPrefix() {
    // cheapnet is cheap for +1 in general but dear for +16465 in particular
    List<CarrierRoute> routes =
        new LeastCostRouter(
                List.of(carrier("cheapnet"), carrier("pricey")),
                RateIndex.of(
                    List.of(
                        rate("cheapnet", "+1", "0.0010"),
                        rate("cheapnet", "+1646", "0.0200"),
                        rate("cheapnet", "+16465", "0.0300"),
                        rate("cheapnet", "+1647", "0.0001"),
                        rate("cheapnet", "+164655501112", "0.0001"),
                        rate("pricey", "+1646", "0.0120"))),
                60)
            .routes(NUMBER, TODAY, CarrierStatus.IDLE);

    assertThat(routes)
        .extracting(CarrierRoute::carrier, r -> r.rate().prefix())
        .containsExactly(tuple("pricey", "+1646"), tuple("cheapnet", "+16465"));
  }

  @Test
  void aCatchAllPrefixReachesEveryNumber() {
    assertThat(order(List.of(carrier("any")), List.of(rate("any", "+", "0.5"))))
        .containsExactly("any");
  }

  @Test
  void costOrderCountsTheConnectionFeeAndBillingIncrementsOfATypicalCall() {
    // per minute "feeful" is cheapest, but a 60 s call costs it 0.001 + 0.02 fee
    // "minute" bills 60/60 at 0.010: 0.010; "sixes" 30/6 at 0.012: 0.012
    List<Rate> rates =
        List.of(
            rate("feeful", "+1646", "0.0010", "0.0200", 1, 1),
            rate("minute", "+1646", "0.0100", "0", 60, 60),
            rate("sixes", "+1646", "0.0120", "0", 30, 6));

    assertThat(order(List.of(carrier("feeful"), carrier("minute"), carrier("sixes")), rates))
        .containsExactly("minute", "sixes", "feeful");
    // priced for a 10-minute call, the fee weighs less: 0.01 + 0.02 = 0.03 < 0.10 < 0.12
    assertThat(
            new LeastCostRouter(
                    List.of(carrier("feeful"), carrier("minute"), carrier("sixes")),
                    RateIndex.of(rates),
                    600)
                .routes(NUMBER, TODAY, CarrierStatus.IDLE).stream().map(CarrierRoute::carrier))
        .containsExactly("feeful", "minute", "sixes");
  }

  @Test
  void equalCostsGoByWeightLargerFirstThenByName() {
    List<Rate> rates =
        List.of(
            rate("zeta", "+1646", "0.005"),
            rate("alpha", "+1", "0.0050"),
            rate("heavy", "+1646", "0.005"),
            rate("mid", "+1646", "0.004"));

    assertThat(
            order(
                List.of(
                    carrier("zeta"),
                    carrier("alpha"),
                    carrier("heavy", true, 500, null),
                    carrier("mid")),
                rates))
        .containsExactly("mid", "heavy", "alpha", "zeta");
  }

  @Test
  void disabledCarriersAreLeftOut() {
    assertThat(
            order(
                List.of(carrier("cheapnet", false, 100, null), carrier("pricey")),
                List.of(rate("cheapnet", "+1646", "0.0040"), rate("pricey", "+1646", "0.0120"))))
        .containsExactly("pricey");
  }

  @Test
  void aCarrierWhoseGatewaysAreAllDownIsSkippedAndOnlyItsUpGatewaysAreOffered() {
    Carrier twoGateways =
        new Carrier(
            "cheapnet",
            List.of("a:5060", "b:5060"),
            Transport.TCP,
            true,
            100,
            null,
            CallerId.KEEP,
            RedirectInfo.NONE);
    List<Carrier> carriers = List.of(twoGateways, carrier("pricey"));
    RateIndex index =
        RateIndex.of(List.of(rate("cheapnet", "+1646", "0.0040"), rate("pricey", "+1", "0.01")));
    LeastCostRouter router = new LeastCostRouter(carriers, index, 60);

    assertThat(router.routes(NUMBER, TODAY, status(Set.of("a:5060"), Map.of())))
        .extracting(CarrierRoute::carrier, CarrierRoute::gateways, CarrierRoute::transport)
        .containsExactly(
            tuple("cheapnet", List.of("b:5060"), Transport.TCP),
            tuple("pricey", List.of("gw-pricey:5060"), Transport.UDP));
    assertThat(router.routes(NUMBER, TODAY, status(Set.of("a:5060", "b:5060"), Map.of())))
        .extracting(CarrierRoute::carrier)
        .containsExactly("pricey");
  }

  @Test
  void aCarrierAtItsConcurrentCallLimitIsSkipped() {
    List<Carrier> carriers =
        List.of(carrier("cheapnet", true, 100, 2), carrier("pricey", true, 100, 0));
    List<Rate> rates = List.of(rate("cheapnet", "+1646", "0.004"), rate("pricey", "+1", "0.01"));

    assertThat(order(carriers, rates, status(Set.of(), Map.of("cheapnet", 1)), TODAY))
        .containsExactly("cheapnet"); // pricey may carry no call at all
    assertThat(
            order(
                List.of(carrier("cheapnet", true, 100, 2), carrier("pricey")),
                rates,
                status(Set.of(), Map.of("cheapnet", 1)),
                TODAY))
        .containsExactly("cheapnet", "pricey");
    assertThat(
            order(
                List.of(carrier("cheapnet", true, 100, 2), carrier("pricey")),
                rates,
                status(Set.of(), Map.of("cheapnet", 2)),
                TODAY))
        .containsExactly("pricey");
  }

  @Test
  void aRowAppliesFromItsEffectiveDateAndTheLatestOneInEffectWins() {
    LocalDate jan = LocalDate.of(2026, 1, 1);
    LocalDate dec = LocalDate.of(2026, 12, 1);
    List<Carrier> carriers = List.of(carrier("cheapnet"), carrier("pricey"));
    RateIndex index =
        RateIndex.of(
            List.of(
                rate("cheapnet", "+1646", jan, "0.0040"),
                rate("cheapnet", "+1646", dec, "0.0200"), // cheapnet gets dear in December
                rate("cheapnet", "+16465", dec, "0.0001"), // a longer prefix not yet in effect
                rate("pricey", "+1646", jan, "0.0120"),
                rate("late", "+1646", dec, "0.0001"))); // a carrier not yet reaching it at all
    LeastCostRouter router =
        new LeastCostRouter(List.of(carriers.get(0), carriers.get(1), carrier("late")), index, 60);

    assertThat(router.routes(NUMBER, TODAY, CarrierStatus.IDLE))
        .extracting(CarrierRoute::carrier, r -> r.rate().prefix(), r -> r.rate().effective())
        .containsExactly(tuple("cheapnet", "+1646", jan), tuple("pricey", "+1646", jan));
    assertThat(router.routes(NUMBER, dec, CarrierStatus.IDLE))
        .extracting(CarrierRoute::carrier, r -> r.rate().prefix())
        .containsExactly(
            tuple("cheapnet", "+16465"), tuple("late", "+1646"), tuple("pricey", "+1646"));
    assertThat(router.routes(NUMBER, jan.minusDays(1), CarrierStatus.IDLE)).isEmpty();
  }

  @Test
  void noRouteWhenNoPrefixMatchesOrTheCarrierIsUnknownOrTheNumberIsNoNumber() {
    List<Carrier> carriers = List.of(carrier("cheapnet"));
    RateIndex index =
        RateIndex.of(List.of(rate("cheapnet", "+1646", "0.0040"), rate("ghost", "+1", "0.001")));
    LeastCostRouter router = new LeastCostRouter(carriers, index, 60);

    assertThat(router.routes("+442071234567", TODAY, CarrierStatus.IDLE)).isEmpty();
    assertThat(router.routes("+1312555", TODAY, CarrierStatus.IDLE)).isEmpty(); // only ghost
    assertThat(router.routes("16465550111", TODAY, CarrierStatus.IDLE)).isEmpty();
    assertThat(router.routes("+1646x", TODAY, CarrierStatus.IDLE)).isEmpty();
  }

  @Test
  void aRouteSaysHowItsCarrierPresentsATransferredCall() {
    List<CarrierRoute> routes =
        new LeastCostRouter(
                List.of(new Carrier("cheapnet", "gw:5060", CallerId.DID, RedirectInfo.DIVERSION)),
                RateIndex.of(List.of(rate("cheapnet", "+1646", "0.0040"))),
                60)
            .routes(NUMBER, TODAY, CarrierStatus.IDLE);

    assertThat(routes)
        .extracting(CarrierRoute::callerId, CarrierRoute::redirectInfo)
        .containsExactly(tuple(CallerId.DID, RedirectInfo.DIVERSION));
  }

  @Test
  void theIndexAgreesWithAPlainScanOnARandomDeck() {
    java.util.Random random = new java.util.Random(5);
    List<Rate> rates = new ArrayList<>();
    String[] names = {"a", "b", "c", "d"};
    for (int i = 0; i < 3000; i++) {
      String prefix =
          "+1" + "%05d".formatted(random.nextInt(100_000)).substring(0, 1 + random.nextInt(4));
      rates.add(
          rate(
              names[random.nextInt(4)],
              prefix,
              LocalDate.of(2026, 1 + random.nextInt(12), 1),
              "0.00" + (1 + random.nextInt(9))));
    }
    RateIndex index = RateIndex.of(dedupe(rates));
    for (int n = 0; n < 500; n++) {
      String number = "+1" + (1_000_000_000L + random.nextInt(999_999_999));
      int[] rows = index.lookup(number, TODAY);
      for (int c = 0; c < rows.length; c++) {
        String carrier = index.carriers().get(c);
        Rate expected = scan(dedupe(rates), carrier, number);
        assertThat(rows[c] < 0 ? null : index.rate(rows[c]))
            .as("%s via %s", number, carrier)
            .isEqualTo(expected);
      }
    }
  }

  /** One row per carrier, prefix and date, as the database's key keeps them. */
  private static List<Rate> dedupe(List<Rate> rates) {
    Map<String, Rate> unique = new java.util.LinkedHashMap<>();
    rates.forEach(r -> unique.putIfAbsent(r.carrier() + r.prefix() + r.effective(), r));
    return List.copyOf(unique.values());
  }

  private static Rate scan(List<Rate> rates, String carrier, String number) {
    return rates.stream()
        .filter(r -> r.carrier().equals(carrier) && number.startsWith(r.prefix()))
        .filter(r -> !r.effective().isAfter(TODAY))
        .max(
            java.util.Comparator.<Rate>comparingInt(r -> r.prefix().length())
                .thenComparing(Rate::effective))
        .map(
            r ->
                new Rate(
                    r.carrier(),
                    r.prefix(),
                    r.effective(),
                    r.perMinute().setScale(6),
                    r.connectionFee().setScale(6),
                    r.incrementFirst(),
                    r.incrementNext()))
        .orElse(null);
  }
}
