package io.baton.redirect;

import io.baton.routing.Carrier;
import io.baton.routing.CarrierRoute;
import io.baton.routing.LeastCostRouter;
import io.baton.routing.Numbers;
import io.baton.routing.Rate;
import io.baton.sip.HostPort;
import io.baton.store.Did;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The redirect server's routing data at one moment (DIDs, carriers, rates), immutable, and the
 * policy that turns a dialled number into the Contacts of a 302: plain code, no SIP and no I/O.
 *
 * @param dids every DID by its E.164 number
 * @param carriers every carrier, enabled or not
 * @param rates every carrier's rates
 * @param loadedAt when the data was read
 */
record RoutingSnapshot(
    Map<String, Did> dids, List<Carrier> carriers, List<Rate> rates, Instant loadedAt) {

  /**
   * Contacts in one 302 at most: enough for any crankback, and the response stays well inside one
   * UDP datagram (RFC 3261 §18.1.1).
   */
  static final int MAX_CONTACTS = 10;

  RoutingSnapshot {
    dids = Map.copyOf(dids);
    carriers = List.copyOf(carriers);
    rates = List.copyOf(rates);
  }

  static RoutingSnapshot of(
      List<Did> dids, List<Carrier> carriers, List<Rate> rates, Instant loadedAt) {
    return new RoutingSnapshot(
        dids.stream().collect(Collectors.toMap(Did::did, Function.identity())),
        carriers,
        rates,
        loadedAt);
  }

  /**
   * Where calls to {@code e164} go, best first, as Contact URIs: a DID to its redirect number
   * through {@code coreProxy} ({@code sip:+13125550100@127.0.0.1:5080}) or to its SIP URI; a
   * disabled DID nowhere; any other number to its carriers by least-cost routing ({@code
   * sip:+16465550111@127.0.0.1:5120;carrier=cheapnet;cid=did;ri=diversion}). Empty if there is no
   * route.
   */
  List<String> lookup(String e164, HostPort coreProxy) {
    Did did = dids.get(e164);
    if (did != null) {
      if (!did.enabled()) {
        return List.of();
      }
      String to = did.redirectTo();
      return List.of(Numbers.isE164(to) ? "sip:" + to + "@" + coreProxy : to);
    }
    return LeastCostRouter.routes(e164, carriers, rates).stream()
        .limit(MAX_CONTACTS)
        .map(route -> viaCarrier(e164, route))
        .toList();
  }

  /**
   * A carrier's Contact names the carrier for the leg's record and, always (defaults included, so
   * SBC-edge never has to know them), how a transferred call through it presents itself: {@code
   * cid} and {@code ri} (docs "Transfers that always finish").
   */
  private static String viaCarrier(String e164, CarrierRoute route) {
    return "sip:"
        + e164
        + "@"
        + route.gateway()
        + ";carrier="
        + route.carrier()
        + ";cid="
        + route.callerId().wire()
        + ";ri="
        + route.redirectInfo().wire();
  }
}
