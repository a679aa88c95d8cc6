package io.baton.transfer;

import io.baton.registry.Call;
import io.baton.registry.Leg;
import java.time.Instant;
import java.util.List;

/**
 * A call as the API shows it (README "The API": {@code call}).
 *
 * @param id the Baton call id
 * @param tenant the tenant owning its DID; null if none does
 * @param state {@code trying|ringing|active|ended}
 * @param from the caller
 * @param to the dialled Request-URI
 * @param did the dialled number, E.164
 * @param startedAt when the caller's INVITE arrived
 * @param legs every leg, oldest first
 * @param transfers every transfer, oldest first
 */
public record CallView(
    String id,
    String tenant,
    String state,
    String from,
    String to,
    String did,
    Instant startedAt,
    List<LegView> legs,
    List<TransferView> transfers) {

  static CallView of(Call call, String tenant, List<TransferView> transfers) {
    return new CallView(
        call.id(),
        tenant,
        call.state(),
        call.from(),
        call.to(),
        call.did(),
        call.startedAt(),
        call.legs().stream().map(LegView::of).toList(),
        List.copyOf(transfers));
  }

  /**
   * One leg (README "The API": {@code leg}); its dialog's tags and holder stay internal.
   *
   * @param element the element that opened it ({@code caller} for the caller's own leg)
   * @param peer the element or address at the far end
   * @param state {@code trying|ringing|active|released|failed}
   * @param sipStatus the final status of a failed leg
   * @param carrier the carrier it was routed through, if any
   */
  public record LegView(
      String id,
      String element,
      String peer,
      String sipCallId,
      String state,
      Instant startedAt,
      Instant endedAt,
      Integer sipStatus,
      String carrier) {

    static LegView of(Leg leg) {
      return new LegView(
          leg.id(),
          leg.element(),
          leg.peer(),
          leg.sipCallId(),
          leg.state().wire(),
          leg.startedAt(),
          leg.endedAt(),
          leg.sipStatus(),
          leg.carrier());
    }
  }
}
