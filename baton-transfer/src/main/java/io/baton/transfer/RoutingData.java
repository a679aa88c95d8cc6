package io.baton.transfer;

import io.baton.routing.Carrier;
import io.baton.routing.CarrierStatus;
import io.baton.routing.LeastCostRouter;
import io.baton.sip.HostPort;
import io.baton.store.Carriers;
import io.baton.store.Did;
import io.baton.store.Directory;
import io.baton.store.RateDecks;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the toll-fraud guard needs of the routing data, read from the database when asked: the
 * routes a number would take (as the redirect server finds them: an enabled DID goes through the
 * core proxy, a disabled one nowhere, any other number to its carriers by least-cost routing over
 * the rates in effect today, UTC) and the carriers' gateways, which no {@code sip:} target may
 * name.
 */
final class RoutingData {
  /** The call length routes are ordered by; the ceiling looks at every route, so any will do. */
  private static final long TYPICAL_CALL_SECONDS = 60;

  private final Directory directory;
  private final Carriers carriers;
  private final RateDecks decks;
  private final Clock clock;

  RoutingData(Directory directory, Carriers carriers, RateDecks decks, Clock clock) {
    this.directory = directory;
    this.carriers = carriers;
    this.decks = decks;
    this.clock = clock;
  }

  /** The routes to {@code e164} now, every gateway counted up and no carrier full. */
  TransferGuard.Routes routes(String e164) {
    Optional<Did> did = directory.did(e164);
    if (did.isPresent()) {
      // a disabled DID has no route at all (the redirect server answers 404)
      return new TransferGuard.Routes(did.get().enabled(), List.of());
    }
    LocalDate today = clock.instant().atOffset(ZoneOffset.UTC).toLocalDate();
    return new TransferGuard.Routes(
        false,
        new LeastCostRouter(carriers.carriers(), decks.index(e164, today), TYPICAL_CALL_SECONDS)
            .routes(e164, today, CarrierStatus.IDLE));
  }

  /** Every carrier's gateways, enabled or not, by {@code carrier <name>}. */
  Map<String, HostPort> gateways() {
    Map<String, HostPort> out = new LinkedHashMap<>();
    for (Carrier carrier : carriers.carriers()) {
      List<String> gateways = carrier.gateways();
      for (int i = 0; i < gateways.size(); i++) {
        out.put(
            "carrier " + carrier.name() + (gateways.size() > 1 ? " gateway " + (i + 1) : ""),
            HostPort.parse(gateways.get(i)));
      }
    }
    return out;
  }
}
