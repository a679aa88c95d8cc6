package io.baton.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Least-cost routing: which carriers can reach a number and in which order to try them. Plain
 * policy, no SIP and no I/O.
 */
public final class LeastCostRouter {
  private static final Comparator<CarrierRoute> CHEAPEST_FIRST =
      Comparator.comparing(CarrierRoute::perMinute).thenComparing(CarrierRoute::carrier);

  private LeastCostRouter() {}

  /**
   * The routes to {@code e164}: one per enabled carrier that has a rate for a prefix of the number,
   * priced by its longest such prefix; cheapest first, equal prices by carrier name. Rates of
   * carriers not in {@code carriers} are ignored. Empty if no carrier reaches the number.
   */
  public static List<CarrierRoute> routes(String e164, List<Carrier> carriers, List<Rate> rates) {
    Objects.requireNonNull(e164, "e164");
    Map<String, Rate> longestByCarrier = new HashMap<>();
    for (Rate rate : rates) {
      if (e164.startsWith(rate.prefix())) {
        longestByCarrier.merge(
            rate.carrier(), rate, (a, b) -> b.prefix().length() > a.prefix().length() ? b : a);
      }
    }
    List<CarrierRoute> routes = new ArrayList<>();
    for (Carrier carrier : carriers) {
      Rate rate = longestByCarrier.get(carrier.name());
      if (carrier.enabled() && rate != null) {
        routes.add(
            new CarrierRoute(
                carrier.name(),
                carrier.gateway(),
                rate.prefix(),
                rate.perMinute(),
                carrier.callerId(),
                carrier.redirectInfo()));
      }
    }
    routes.sort(CHEAPEST_FIRST);
    return List.copyOf(routes);
  }
}
