package io.baton.transfer;

import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.routing.Billing;
import io.baton.routing.Rate;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A call detail record: one ended call, its legs with what each cost, and its transfers.
 *
 * @param callId the Baton call id
 * @param tenant the tenant owning the DID; null if none does
 * @param outcome {@code answered} (a destination took the call) or {@code failed}
 * @param sipStatus the caller's leg's final status when it failed
 * @param durationSeconds from the caller's INVITE to the call's end
 * @param cost what every leg through a carrier cost
 * @param releasedSeconds how long the first path would still have been held had a transfer not
 *     released it: from the first completed transfer to the call's end
 * @param releasedCost what those seconds would have cost on the first path
 * @param reroutedCost what the legs opened by transfers cost
 * @param legs every leg, oldest first, with its cost
 * @param transfers the call's transfers, oldest first
 */
public record Cdr(
    String callId,
    String tenant,
    String did,
    String from,
    String to,
    String outcome,
    Integer sipStatus,
    Instant startedAt,
    Instant endedAt,
    long durationSeconds,
    BigDecimal cost,
    long releasedSeconds,
    BigDecimal releasedCost,
    BigDecimal reroutedCost,
    List<CdrLeg> legs,
    List<TransferView> transfers) {

  public static final String ANSWERED = "answered";
  public static final String FAILED = "failed";

  /** Legs on the caller's own leg, the first destination's path, or opened by a transfer. */
  public static final String CALLER = "caller";

  public static final String FIRST = "first";
  public static final String REROUTED = "rerouted";

  /**
   * One leg and its cost.
   *
   * @param path {@code caller}, {@code first} or {@code rerouted}
   * @param dialled the number a carrier leg was costed for
   * @param billedSeconds its time as billed: whole seconds, in its rate's billing increments (0 for
   *     a failed leg)
   * @param ratePerMinute its carrier's rate, null without carrier or rate
   */
  public record CdrLeg(
      String id,
      String element,
      String peer,
      String sipCallId,
      String state,
      Instant startedAt,
      Instant endedAt,
      Integer sipStatus,
      String path,
      String carrier,
      String dialled,
      long billedSeconds,
      BigDecimal ratePerMinute,
      BigDecimal cost) {}

  /** The same record with its transfers (read back from their own tables). */
  Cdr withTransfers(List<TransferView> all) {
    return new Cdr(
        callId,
        tenant,
        did,
        from,
        to,
        outcome,
        sipStatus,
        startedAt,
        endedAt,
        durationSeconds,
        cost,
        releasedSeconds,
        releasedCost,
        reroutedCost,
        legs,
        List.copyOf(all));
  }

  /**
   * Prices an ended call: plain code over the call as the registry has it, its transfers and the
   * tariff.
   *
   * @param endedAt when the call ended (legs still live are billed up to it)
   * @param heldPathRate what a minute on the path to the first destination costs besides its
   *     carriers
   */
  static Cdr of(
      Call call,
      String tenant,
      List<TransferView> transfers,
      Instant endedAt,
      Costs.Tariff tariff,
      BigDecimal heldPathRate) {
    Instant firstTransfer =
        transfers.stream().map(TransferView::createdAt).min(Comparator.naturalOrder()).orElse(null);
    List<String> numbers = numbers(call, transfers);
    LocalDate day = call.startedAt().atOffset(ZoneOffset.UTC).toLocalDate();
    List<CdrLeg> legs = new ArrayList<>();
    BigDecimal cost = zero();
    BigDecimal reroutedCost = zero();
    BigDecimal firstPathRate = heldPathRate;
    boolean answered = false;
    for (Leg leg : call.legs()) {
      String path =
          Call.CALLER.equals(leg.element())
              ? CALLER
              : firstTransfer != null && !leg.startedAt().isBefore(firstTransfer)
                  ? REROUTED
                  : FIRST;
      long held =
          leg.state() == LegState.FAILED
              ? 0
              : Billing.seconds(
                  Duration.between(
                      leg.startedAt(), leg.endedAt() != null ? leg.endedAt() : endedAt));
      answered |= !CALLER.equals(path) && leg.state() != LegState.FAILED;
      Optional<Rate> rate =
          leg.carrier() == null ? Optional.empty() : rateFor(tariff, leg.carrier(), numbers, day);
      long billed = rate.map(r -> Billing.billedSeconds(r, held)).orElse(held);
      BigDecimal legCost = rate.map(r -> Billing.cost(r, held)).orElse(zero());
      cost = cost.add(legCost);
      if (REROUTED.equals(path)) {
        reroutedCost = reroutedCost.add(legCost);
      } else if (FIRST.equals(path) && rate.isPresent()) {
        firstPathRate = firstPathRate.add(rate.get().perMinute());
      }
      legs.add(
          new CdrLeg(
              leg.id(),
              leg.element(),
              leg.peer(),
              leg.sipCallId(),
              leg.state().wire(),
              leg.startedAt(),
              leg.endedAt(),
              leg.sipStatus(),
              path,
              leg.carrier(),
              rate.map(r -> number(numbers, r.prefix())).orElse(null),
              billed,
              rate.map(Rate::perMinute).orElse(null),
              legCost));
    }
    long released =
        Billing.seconds(
            completedAt(transfers).map(at -> Duration.between(at, endedAt)).orElse(Duration.ZERO));
    Leg caller = call.callerLeg().orElse(null);
    return new Cdr(
        call.id(),
        tenant,
        call.did(),
        call.from(),
        call.to(),
        answered ? ANSWERED : FAILED,
        caller == null || answered ? null : caller.sipStatus(),
        call.startedAt(),
        endedAt,
        Billing.seconds(Duration.between(call.startedAt(), endedAt)),
        cost,
        released,
        Billing.perMinute(firstPathRate, released),
        reroutedCost,
        legs,
        List.copyOf(transfers));
  }

  /** When the first transfer that completed did, if one did. */
  private static Optional<Instant> completedAt(List<TransferView> transfers) {
    return transfers.stream()
        .flatMap(t -> t.history().stream())
        .filter(h -> "completed".equals(h.state()))
        .map(TransferView.HistoryEntry::at)
        .min(Comparator.naturalOrder());
  }

  /** Numbers the call's carrier legs may have dialled: transfer targets, then the DID. */
  private static List<String> numbers(Call call, List<TransferView> transfers) {
    List<String> out = new ArrayList<>();
    for (TransferView t : transfers) {
      for (TransferView.TargetView target : t.targets()) {
        if (target.destination() != null && target.destination().startsWith("tel:")) {
          out.add(target.destination().substring(4));
        }
      }
    }
    if (call.did() != null) {
      out.add(call.did());
    }
    return out;
  }

  /** The carrier's rate for whichever candidate number it has the longest prefix for. */
  private static Optional<Rate> rateFor(
      Costs.Tariff tariff, String carrier, List<String> numbers, LocalDate day) {
    return numbers.stream()
        .map(n -> tariff.rate(carrier, n, day))
        .flatMap(Optional::stream)
        .max(Comparator.comparingInt(r -> r.prefix().length()));
  }

  private static String number(List<String> numbers, String prefix) {
    return numbers.stream().filter(n -> n.startsWith(prefix)).findFirst().orElse(null);
  }

  private static BigDecimal zero() {
    return BigDecimal.ZERO.setScale(Costs.SCALE);
  }
}
