package io.baton.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * One hop of a call as the element that opened it publishes it.
 *
 * @param id leg id, unique across elements
 * @param callId the Baton call id ({@code X-Baton-Call-Id}) this leg belongs to
 * @param element the element that opened the leg ({@code caller} for the caller's own leg)
 * @param peer the element or address at the far end
 * @param sipCallId the SIP Call-ID of the leg's dialog
 * @param state where the leg stands
 * @param startedAt when the INVITE went out (or came in, for the caller's leg)
 * @param endedAt when it was released or failed; null while alive
 * @param holder SIP address ({@code host:port}) of the element holding the leg, where an
 *     out-of-band request about it is sent
 * @param uacTag the From tag of the leg's INVITE (the side that opened it)
 * @param uasTag the To tag of the answer; null until a response carries one
 * @param sipStatus the final SIP status of a failed leg, else null
 * @param carrier the carrier the leg was routed through, or null
 */
public record Leg(
    String id,
    String callId,
    String element,
    String peer,
    String sipCallId,
    LegState state,
    Instant startedAt,
    Instant endedAt,
    String holder,
    String uacTag,
    String uasTag,
    Integer sipStatus,
    String carrier) {

  public Leg {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(element, "element");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedAt, "startedAt");
  }

  /** The same leg in a new state; {@code endedAt} is stamped when the state ends it. */
  public Leg withState(LegState next, Instant at) {
    return new Leg(
        id,
        callId,
        element,
        peer,
        sipCallId,
        next,
        startedAt,
        next.ended() && endedAt == null ? at : endedAt,
        holder,
        uacTag,
        uasTag,
        sipStatus,
        carrier);
  }

  public Leg withUasTag(String tag) {
    return new Leg(
        id, callId, element, peer, sipCallId, state, startedAt, endedAt, holder, uacTag, tag,
        sipStatus, carrier);
  }

  public Leg withSipStatus(Integer status) {
    return new Leg(
        id, callId, element, peer, sipCallId, state, startedAt, endedAt, holder, uacTag, uasTag,
        status, carrier);
  }
}
