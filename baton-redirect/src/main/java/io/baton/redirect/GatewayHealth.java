package io.baton.redirect;

import io.baton.routing.Carrier;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which carrier gateways answer health checks: plain bookkeeping of ping outcomes, no SIP. A
 * gateway is up until {@code downAfter} pings in a row go unanswered, and up again at its first
 * answer. Gateways never pinged are up.
 */
final class GatewayHealth {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayHealth.class);

  private final int downAfter;
  private final Clock clock;
  private final Map<String, State> gateways = new ConcurrentHashMap<>();

  /** A gateway's missed pings in a row, and since when it is down (null while up). */
  private record State(int missed, Instant downSince) {}

  GatewayHealth(int downAfter, Clock clock) {
    this.downAfter = downAfter;
    this.clock = clock;
  }

  /** The gateways to ping: every gateway of every enabled carrier. */
  static Set<String> toPing(List<Carrier> carriers) {
    return carriers.stream()
        .filter(Carrier::enabled)
        .flatMap(c -> c.gateways().stream())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  boolean up(String gateway) {
    State s = gateways.get(gateway);
    return s == null || s.downSince() == null;
  }

  /** A ping of {@code gateway} was answered ({@code true}) or not. */
  void pinged(String gateway, boolean answered) {
    gateways.compute(
        gateway,
        (g, was) -> {
          State before = was == null ? new State(0, null) : was;
          if (answered) {
            if (before.downSince() != null) {
              LOG.info("gateway {} answers again: up", g);
            }
            return new State(0, null);
          }
          int missed = before.missed() + 1;
          if (before.downSince() == null && missed >= downAfter) {
            LOG.warn("gateway {} left {} pings unanswered: down", g, missed);
            return new State(missed, clock.instant());
          }
          return new State(missed, before.downSince());
        });
  }

  /** Forgets gateways no carrier names any more. */
  void retain(Set<String> current) {
    gateways.keySet().retainAll(current);
  }

  /** Gateways down now, with since when. */
  Map<String, Instant> down() {
    return gateways.entrySet().stream()
        .filter(e -> e.getValue().downSince() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().downSince()));
  }
}
