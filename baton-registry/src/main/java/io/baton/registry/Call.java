package io.baton.registry;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A call as the registry knows it: created by SBC-edge when the caller's INVITE arrives, its legs
 * published by every element they cross.
 *
 * @param id the Baton call id (also sent as {@code X-Baton-Call-Id})
 * @param from the caller (From URI)
 * @param to the dialled Request-URI
 * @param did the dialled number in E.164, if it is one
 * @param startedAt when the caller's INVITE arrived
 * @param legs every leg, oldest first
 */
public record Call(
    String id, String from, String to, String did, Instant startedAt, List<Leg> legs) {

  public static final String CALLER = "caller";

  public Call {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(startedAt, "startedAt");
    legs =
        legs == null
            ? List.of()
            : legs.stream().sorted(Comparator.comparing(Leg::startedAt)).toList();
  }

  /** The caller's own leg into SBC-edge, which lives as long as the call. */
  public Optional<Leg> callerLeg() {
    return legs.stream().filter(l -> CALLER.equals(l.element())).findFirst();
  }

  /** {@code trying}, {@code ringing}, {@code active} or {@code ended}, from the caller's leg. */
  public String state() {
    return callerLeg().map(l -> l.state().ended() ? "ended" : l.state().wire()).orElse("trying");
  }

  public boolean ended() {
    return "ended".equals(state());
  }

  /** When the call ended (its caller leg and every other leg over), or null while it lives. */
  public Instant endedAt() {
    return endedAt(startedAt, legs);
  }

  /**
   * When a call made of {@code legs} ended: the last leg's end, once the caller's leg is over; null
   * while it lives.
   */
  static Instant endedAt(Instant startedAt, Iterable<Leg> legs) {
    boolean callerEnded = false;
    Instant last = startedAt;
    for (Leg leg : legs) {
      if (CALLER.equals(leg.element())) {
        callerEnded = leg.state().ended();
      }
      Instant at = leg.endedAt() != null ? leg.endedAt() : leg.startedAt();
      if (at.isAfter(last)) {
        last = at;
      }
    }
    return callerEnded ? last : null;
  }

  /** Legs not yet released or failed. */
  public List<Leg> liveLegs() {
    return legs.stream().filter(l -> !l.state().ended()).toList();
  }
}
