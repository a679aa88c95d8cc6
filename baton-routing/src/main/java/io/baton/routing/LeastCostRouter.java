package io.baton.routing;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Least-cost routing: which carriers can reach a number and in which order to try them. Plain
 * policy over immutable data, no SIP and no I/O.
 *
 * <p>Each carrier's rate for a number is the row of its deck with the longest prefix of the number
 * among those in effect on the day (the latest effective date per prefix). Routes go cheapest first
 * by what a typical call costs under that rate (connection fee and billing increments included),
 * equal costs by weight (larger first), then by name. A carrier is left out when disabled, when
 * every gateway of it is down, or when it carries {@code maxCalls} calls already.
 */
public final class LeastCostRouter {
  private static final Comparator<Candidate> BEST_FIRST =
      Comparator.comparingLong(Candidate::costMicros)
          .thenComparing(Comparator.comparingInt((Candidate c) -> c.carrier().weight()).reversed())
          .thenComparing(c -> c.carrier().name());

  private final RateIndex index;
  private final Carrier[] byIndexNumber;
  private final long typicalCallSeconds;

  /**
   * @param carriers every carrier (rows of carriers not among them are ignored)
   * @param index every carrier's rate deck
   * @param typicalCallSeconds the call length routes are priced for
   */
  public LeastCostRouter(List<Carrier> carriers, RateIndex index, long typicalCallSeconds) {
    this.index = Objects.requireNonNull(index, "index");
    if (typicalCallSeconds < 1) {
      throw new IllegalArgumentException("typicalCallSeconds: " + typicalCallSeconds);
    }
    this.typicalCallSeconds = typicalCallSeconds;
    Map<String, Carrier> byName = new HashMap<>();
    carriers.forEach(c -> byName.put(c.name(), c));
    this.byIndexNumber = index.carriers().stream().map(byName::get).toArray(Carrier[]::new);
  }

  public RateIndex index() {
    return index;
  }

  /**
   * The routes to {@code e164} on {@code date}, best first; empty if no usable carrier reaches it.
   */
  public List<CarrierRoute> routes(String e164, LocalDate date, CarrierStatus status) {
    int[] rows = index.lookup(e164, date);
    List<Candidate> candidates = new ArrayList<>();
    for (int c = 0; c < rows.length; c++) {
      Carrier carrier = byIndexNumber[c];
      if (rows[c] < 0 || carrier == null || !carrier.enabled()) {
        continue;
      }
      if (carrier.maxCalls() != null && status.activeCalls(carrier.name()) >= carrier.maxCalls()) {
        continue;
      }
      List<String> up = new ArrayList<>(carrier.gateways().size());
      for (String gateway : carrier.gateways()) {
        if (status.up(gateway)) {
          up.add(gateway);
        }
      }
      if (!up.isEmpty()) {
        candidates.add(
            new Candidate(carrier, up, rows[c], index.costMicros(rows[c], typicalCallSeconds)));
      }
    }
    candidates.sort(BEST_FIRST);
    List<CarrierRoute> routes = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      routes.add(
          new CarrierRoute(
              c.carrier().name(),
              c.gateways(),
              c.carrier().transport(),
              index.rate(c.row()),
              RateIndex.money(c.costMicros()),
              c.carrier().weight(),
              c.carrier().callerId(),
              c.carrier().redirectInfo()));
    }
    return routes;
  }

  private record Candidate(Carrier carrier, List<String> gateways, int row, long costMicros) {}
}
