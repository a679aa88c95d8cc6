package io.baton.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastCostRouterTest {
  private static final String GW = "127.0.0.1:5120";

  private static Carrier carrier(String name) {
    return new Carrier(name, GW, true, CallerId.KEEP, RedirectInfo.NONE);
  }

  private static Rate rate(String carrier, String prefix, String perMinute) {
    return new Rate(carrier, prefix, new BigDecimal(perMinute));
  }

  private static CarrierRoute route(String carrier, String prefix, String perMinute) {
    return new CarrierRoute(
        carrier, GW, prefix, new BigDecimal(perMinute), CallerId.KEEP, RedirectInfo.NONE);
  }

  @Test
  void cheapestCarrierComesFirst() {
    List<CarrierRoute> routes =
        LeastCostRouter.routes(
            "+16465550111",
            List.of(carrier("pricey"), carrier("cheapnet")),
            List.of(rate("pricey", "+1646", "0.0120"), rate("cheapnet", "+1646", "0.0040")));

    assertThat(routes)
        .containsExactly(route("cheapnet", "+1646", "0.0040"), route("pricey", "+1646", "0.0120"));
  }

  @Test
  void eachCarrierIsPricedByItsLongestMatchingPrefix() {
    // cheapnet is cheap for +1 in general but dear for +1646 in particular
    List<CarrierRoute> routes =
        LeastCostRouter.routes(
            "+16465550111",
            List.of(carrier("cheapnet"), carrier("pricey")),
            List.of(
                rate("cheapnet", "+1", "0.0010"),
                rate("cheapnet", "+1646", "0.0200"),
                rate("cheapnet", "+16465", "0.0300"),
                rate("cheapnet", "+1647", "0.0001"),
                rate("pricey", "+1646", "0.0120")));

    assertThat(routes)
        .containsExactly(route("pricey", "+1646", "0.0120"), route("cheapnet", "+16465", "0.0300"));
  }

  @Test
  void equalPricesAreOrderedByCarrierName() {
    List<CarrierRoute> routes =
        LeastCostRouter.routes(
            "+16465550111",
            List.of(carrier("zeta"), carrier("alpha"), carrier("mid")),
            List.of(
                rate("zeta", "+1646", "0.005"),
                rate("alpha", "+1", "0.0050"),
                rate("mid", "+1646", "0.004")));

    assertThat(routes).extracting(CarrierRoute::carrier).containsExactly("mid", "alpha", "zeta");
  }

  @Test
  void aDisabledCarrierIsLeftOut() {
    List<CarrierRoute> routes =
        LeastCostRouter.routes(
            "+16465550111",
            List.of(
                new Carrier("cheapnet", GW, false, CallerId.KEEP, RedirectInfo.NONE),
                carrier("pricey")),
            List.of(rate("cheapnet", "+1646", "0.0040"), rate("pricey", "+1646", "0.0120")));

    assertThat(routes).containsExactly(route("pricey", "+1646", "0.0120"));
  }

  @Test
  void noRouteWhenNoPrefixMatchesOrTheCarrierIsUnknown() {
    List<Carrier> carriers = List.of(carrier("cheapnet"));
    assertThat(
            LeastCostRouter.routes(
                "+442071234567", carriers, List.of(rate("cheapnet", "+1646", "0.0040"))))
        .isEmpty();
    assertThat(
            LeastCostRouter.routes(
                "+16465550111", carriers, List.of(rate("ghost", "+1646", "0.0010"))))
        .isEmpty();
  }

  @Test
  void aRouteSaysHowItsCarrierPresentsATransferredCall() {
    List<CarrierRoute> routes =
        LeastCostRouter.routes(
            "+16465550111",
            List.of(new Carrier("cheapnet", GW, true, CallerId.DID, RedirectInfo.DIVERSION)),
            List.of(rate("cheapnet", "+1646", "0.0040")));

    assertThat(routes)
        .extracting(CarrierRoute::callerId, CarrierRoute::redirectInfo)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(CallerId.DID, RedirectInfo.DIVERSION));
  }
}
