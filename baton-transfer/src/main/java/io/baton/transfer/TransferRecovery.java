package io.baton.transfer;

import io.baton.contract.TransferMode;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What became of a transfer the transfer server was following when it stopped, as the call's legs
 * in the registry show it (docs/transfers.md, "Durability"). The NOTIFYs sent while the server was
 * down are lost, so the legs SBC-edge published are the evidence: the legs it had open when the
 * transfer was requested (the old path) and those it opened since (the new ones). Plain code: the
 * transfer's mode and request time and the call as the registry has it now go in, a verdict comes
 * out.
 */
final class TransferRecovery {

  /**
   * How long a call's legs must stay unchanged before "nothing is being dialled" is believed:
   * SBC-edge pauses between two targets (or carriers) only for a query to the redirect server.
   */
  static final Duration SETTLE = Duration.ofSeconds(2);

  static final String RESTARTED = "transfer server restarted";

  /** What the legs show. */
  sealed interface Verdict {
    /** The transfer ended in {@code state} ({@code cause} says how the legs show it). */
    record Ended(Transfer.State state, String cause) implements Verdict {}

    /**
     * Not decided yet ({@code why}): look again when the call changes, and at {@code recheckAt} if
     * not null.
     */
    record Open(String why, Instant recheckAt) implements Verdict {}
  }

  private TransferRecovery() {}

  /**
   * @param mode the transfer's mode
   * @param requestedAt when it was requested: legs SBC-edge opened from then on are new
   * @param call the call as the registry has it now; empty if the registry no longer holds it (an
   *     in-memory registry restarted with the transfer server, and the elements holding the call
   *     with it)
   * @param now the present, to tell a settled call from one between two targets
   */
  static Verdict decide(TransferMode mode, Instant requestedAt, Optional<Call> call, Instant now) {
    Optional<Leg> caller = call.flatMap(Call::callerLeg);
    if (caller.isEmpty()) {
      return failed("the call is no longer in the call registry");
    }
    Legs legs = Legs.of(call.get(), caller.get(), requestedAt);
    Optional<Leg> answered =
        legs.fresh().stream()
            .filter(l -> l.state() == LegState.ACTIVE || l.state() == LegState.RELEASED)
            .max(Comparator.comparing(Leg::startedAt));
    boolean callerGone = caller.get().state().ended();
    if (answered.isPresent()) {
      if (legs.oldPathUp() && !callerGone) {
        return new Verdict.Open("a new leg answered, the old path is not released yet", null);
      }
      return legs.routedBack(mode, answered.get())
          ? ended(Transfer.State.ROLLED_BACK, "the caller was routed back to the first destination")
          : ended(
              Transfer.State.COMPLETED,
              "the new destination answered and the old path was released");
    }
    if (legs.fresh().stream().anyMatch(l -> !l.state().ended())) {
      return new Verdict.Open("SBC-edge is dialling a target", null);
    }
    if (callerGone) {
      // A leg SBC-edge gave up on once the caller left was ended by the hang-up; one that failed
      // before it ended the transfer first.
      Instant hungUp = caller.get().endedAt();
      return hungUp != null
              && legs.fresh().stream()
                  .anyMatch(l -> l.endedAt() != null && !l.endedAt().isBefore(hungUp))
          ? ended(Transfer.State.CANCELLED, "the caller hung up during the transfer")
          : failed("no new destination answered, then the caller hung up");
    }
    if (!legs.oldPathUp()) {
      return new Verdict.Open("the caller is parked", null);
    }
    Instant quietUntil = legs.lastChange().plus(SETTLE);
    if (now.isBefore(quietUntil)) {
      return new Verdict.Open("no target is being dialled yet", quietUntil);
    }
    return failed("no new destination answered; the caller stays on the first destination");
  }

  private static Verdict ended(Transfer.State state, String legsShow) {
    return new Verdict.Ended(state, RESTARTED + "; the call's legs show " + legsShow);
  }

  private static Verdict failed(String why) {
    return new Verdict.Ended(Transfer.State.FAILED, RESTARTED + "; " + why);
  }

  /**
   * The legs of the element holding the caller (SBC-edge, the caller leg's peer), split at the
   * transfer's request.
   *
   * @param old those it had open when the transfer was requested: the path it moves the caller off
   * @param fresh those it opened since: the targets, and the way back to the first destination
   * @param lastChange the newest start or end of any leg of the call
   */
  private record Legs(List<Leg> old, List<Leg> fresh, Instant lastChange) {
    static Legs of(Call call, Leg caller, Instant requestedAt) {
      List<Leg> edge = call.legs().stream().filter(l -> l.element().equals(caller.peer())).toList();
      Instant lastChange = call.startedAt();
      for (Leg l : call.legs()) {
        Instant at = l.endedAt() != null ? l.endedAt() : l.startedAt();
        lastChange = at.isAfter(lastChange) ? at : lastChange;
      }
      return new Legs(
          edge.stream()
              .filter(l -> l.startedAt().isBefore(requestedAt))
              .filter(l -> l.endedAt() == null || l.endedAt().isAfter(requestedAt))
              .toList(),
          edge.stream().filter(l -> !l.startedAt().isBefore(requestedAt)).toList(),
          lastChange);
    }

    boolean oldPathUp() {
      return old.stream().anyMatch(l -> !l.state().ended());
    }

    /**
     * A blind transfer whose targets all failed routes the caller back: its answered leg goes where
     * the old path went, after a failed one.
     */
    boolean routedBack(TransferMode mode, Leg answered) {
      return mode == TransferMode.BLIND
          && old.stream().anyMatch(l -> l.peer() != null && l.peer().equals(answered.peer()))
          && fresh.stream()
              .anyMatch(
                  l ->
                      l.state() == LegState.FAILED && l.startedAt().isBefore(answered.startedAt()));
    }
  }
}
