package io.baton.redirect;

import io.baton.contract.CallerId;
import io.baton.contract.RedirectInfo;
import io.baton.routing.Carrier;
import io.baton.routing.CarrierRoute;
import io.baton.routing.CarrierStatus;
import io.baton.routing.LeastCostRouter;
import io.baton.routing.Numbers;
import io.baton.routing.Transport;
import io.baton.sip.NextHop;
import io.baton.store.Did;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The redirect server's routing data at one moment (DIDs, carriers, rate decks), immutable, and the
 * policy that turns a dialled number into the Contacts of a 302: plain code, no SIP and no I/O.
 *
 * @param dids every DID by its E.164 number
 * @param carriers every carrier, enabled or not
 * @param router least-cost routing over the carriers' rate decks
 * @param deckVersion the version of the rate decks the router was built from
 * @param loadedAt when the data was read
 */
record RoutingSnapshot(
    Map<String, Did> dids,
    List<Carrier> carriers,
    LeastCostRouter router,
    long deckVersion,
    Instant loadedAt) {

  /**
   * Contacts in one 302 at most: enough for any crankback, and the response stays well inside one
   * UDP datagram (RFC 3261 §18.1.1).
   */
  static final int MAX_CONTACTS = 10;

  RoutingSnapshot {
    dids = Map.copyOf(dids);
    carriers = List.copyOf(carriers);
  }

  static RoutingSnapshot of(
      List<Did> dids,
      List<Carrier> carriers,
      LeastCostRouter router,
      long deckVersion,
      Instant loadedAt) {
    return new RoutingSnapshot(
        dids.stream().collect(Collectors.toMap(Did::did, Function.identity())),
        carriers,
        router,
        deckVersion,
        loadedAt);
  }

  /** True if {@code e164} is a DID of the network, enabled or not. */
  boolean servesDid(String e164) {
    return dids.containsKey(e164);
  }

  /**
   * Where a call to {@code e164} arriving at {@code now} goes, best first, as Contact URIs: a DID
   * to its redirect (by its schedule) number through {@code coreProxy} ({@code
   * sip:+13125550100@127.0.0.1:5080}) or to its SIP URI; a disabled DID nowhere; any other number
   * to its carriers by least-cost routing, one Contact per gateway up ({@code
   * sip:+16465550111@127.0.0.1:5120;carrier=cheapnet;cid=did;ri=diversion}), those dearer per
   * minute than {@code maxRate} left out. Empty if there is no route.
   *
   * @param maxRate a transfer's ceiling ({@code X-Baton-Max-Rate}); null for none
   */
  List<String> lookup(
      String e164, NextHop coreProxy, Instant now, CarrierStatus status, BigDecimal maxRate) {
    Did did = dids.get(e164);
    if (did != null) {
      if (!did.enabled()) {
        return List.of();
      }
      String to = did.redirectAt(now);
      return List.of(Numbers.isE164(to) ? "sip:" + coreProxy.uriText(to) : to);
    }
    List<String> contacts = new ArrayList<>();
    for (CarrierRoute route :
        router.routes(e164, now.atOffset(ZoneOffset.UTC).toLocalDate(), status)) {
      if (maxRate != null && route.rate().perMinute().compareTo(maxRate) > 0) {
        continue;
      }
      for (String gateway : route.gateways()) {
        if (contacts.size() < MAX_CONTACTS) {
          contacts.add(viaCarrier(e164, gateway, route));
        }
      }
    }
    return contacts;
  }

  /**
   * A carrier's Contact names the carrier for the leg's record and, always (defaults included, so
   * SBC-edge never has to know them), how a transferred call through it presents itself: {@code
   * cid} and {@code ri} (docs "Transfers that always finish"); TCP gateways get {@code
   * transport=tcp} (RFC 3261 §19.1.1).
   */
  private static String viaCarrier(String e164, String gateway, CarrierRoute route) {
    return "sip:"
        + e164
        + "@"
        + gateway
        + (route.transport() == Transport.TCP ? ";transport=tcp" : "")
        + ";carrier="
        + route.carrier()
        + ";"
        + CallerId.PARAMETER
        + "="
        + route.callerId().wire()
        + ";"
        + RedirectInfo.PARAMETER
        + "="
        + route.redirectInfo().wire();
  }
}
