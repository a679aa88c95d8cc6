package io.baton.sbc;

import io.baton.contract.OnFail;
import io.baton.contract.TransferOutcome;

/**
 * How SBC-edge executes one REFER (docs/architecture.md "The transfer" step 4 and "Transfers that
 * always finish"): its N targets in order, attempt n at a time, until one answers or every one
 * failed. The caller is either still bridged to leg 1 (make-before-break) or parked (blind, or leg
 * 1 hung up meanwhile). Every NOTIFY names its attempt n; the final one names the outcome.
 *
 * <pre>
 * state            event              next            side effects
 * ACCEPTED         Start              DIALING         202, NOTIFY 100, dial target 1
 *                                     PARKED_DIALING  blind: 202, NOTIFY 100, BYE leg 1, park, dial 1
 * DIALING          Progress           RINGING         NOTIFY 180
 * RINGING          Progress           RINGING
 * DIALING|RINGING  Answered           ANSWERED        move caller, NOTIFY 200 active, BYE leg 1
 * DIALING|RINGING  Failed (n before N) DIALING        NOTIFY status active, n+1: NOTIFY 100, dial it
 * DIALING|RINGING  Failed (n = N)     FAILED          NOTIFY status terminated failed (caller stays
 *                                                     on leg 1); onFail hangup: BYE caller and leg 1
 *                                                     first
 * DIALING|RINGING  OldLegGone         PARKED_DIALING|PARKED_RINGING (the caller waits, parked)
 * PARKED_DIALING   Progress           PARKED_RINGING  NOTIFY 180
 * PARKED_RINGING   Progress           PARKED_RINGING
 * PARKED_*         Answered           COMPLETED       move caller, NOTIFY 200 active, NOTIFY 200
 *                                                     terminated completed (leg 1 is gone already)
 * PARKED_*         Failed (n before N) PARKED_DIALING NOTIFY status active, n+1: NOTIFY 100, dial it
 * PARKED_*         Failed (n = N)     REROUTING       dial the call's original destination
 *                                     FAILED          onFail hangup: BYE caller, NOTIFY status
 *                                                     terminated failed
 * PARKED_*         OldLegReleased     unchanged       (blind: leg 1's BYE was answered)
 * ANSWERED         OldLegReleased     COMPLETED       NOTIFY 200 terminated completed
 * ANSWERED         CallerGone         COMPLETED       NOTIFY 200 terminated completed (moved already)
 * REROUTING        Progress           REROUTING
 * REROUTING        OldLegReleased     REROUTING
 * REROUTING        Answered           ROLLED_BACK     move caller, NOTIFY last status terminated
 *                                                     rolled_back
 * REROUTING        Failed             FAILED          BYE caller, NOTIFY last status terminated failed
 * DIALING|RINGING|PARKED_*|REROUTING  CallerGone  CANCELLED  stop dialling, NOTIFY 487 terminated
 *                                                            cancelled
 * </pre>
 *
 * Every other pair is illegal, every event in COMPLETED, FAILED, ROLLED_BACK and CANCELLED included
 * (late outcomes are cleaned up by the context, not applied). The machine decides; the context
 * sends SIP and moves media.
 */
final class TransferMachine {

  enum State {
    ACCEPTED,
    DIALING,
    RINGING,
    PARKED_DIALING,
    PARKED_RINGING,
    ANSWERED,
    REROUTING,
    COMPLETED,
    FAILED,
    ROLLED_BACK,
    CANCELLED;

    /** No more events expected: late outcomes are cleaned up, not applied. */
    boolean finished() {
      return this == COMPLETED || this == FAILED || this == ROLLED_BACK || this == CANCELLED;
    }
  }

  sealed interface Event
      permits Start, Progress, Answered, Failed, OldLegGone, OldLegReleased, CallerGone {}

  /** The REFER was accepted for execution. */
  record Start() implements Event {}

  /** The leg being dialled sent 18x. */
  record Progress() implements Event {}

  /** The leg being dialled answered (already ACKed). */
  record Answered(OutboundLeg leg) implements Event {}

  /** The target failed after crankback, timed out (408) or could not be reached (503). */
  record Failed(int status, String reason) implements Event {}

  /** Leg 1 hung up before the transfer finished: the caller is parked. */
  record OldLegGone() implements Event {}

  /** This SBC's BYE on leg 1 got its answer: the old path is released. */
  record OldLegReleased() implements Event {}

  /** The caller hung up. */
  record CallerGone() implements Event {}

  /** Side effects of a transfer. */
  interface Context {
    /** {@code 202 Accepted} to the REFER. */
    void accept();

    /** Opens a leg to target {@code attempt} (1-based; asks the redirect server for a number). */
    void dial(int attempt);

    /** Unbridges the caller's media: it waits, connected to nothing, for the new leg. */
    void parkCaller();

    /** NOTIFY with {@code Subscription-State: active}. */
    void notifyProgress(int attempt, int status, String reason);

    /** NOTIFY with {@code Subscription-State: terminated} and the outcome. */
    void notifyFinal(int attempt, int status, String reason, TransferOutcome outcome);

    /** Bridges the caller's media to the answered leg, which becomes the call's leg. */
    void moveCaller(OutboundLeg leg);

    /**
     * Sends BYE on leg 1 (after any NOTIFY already queued in its dialog); {@link OldLegReleased}
     * follows once it is answered.
     */
    void releaseOldLeg();

    /** Dials the call's original destination again for the parked caller. */
    void reroute();

    /** Gives up whatever is being dialled. */
    void stopDialing();

    /** BYE to the caller and to any leg still up: the caller is released. */
    void hangUpCaller();
  }

  private final boolean blind;
  private final int targets;
  private final OnFail onFail;
  private final Context context;
  private State state = State.ACCEPTED;
  private int attempt;
  private Failed lastFailure;

  /**
   * @param targets how many targets the transfer has (at least one)
   */
  TransferMachine(boolean blind, int targets, OnFail onFail, Context context) {
    if (targets < 1) {
      throw new IllegalArgumentException("a transfer needs a target");
    }
    this.blind = blind;
    this.targets = targets;
    this.onFail = onFail;
    this.context = context;
  }

  State state() {
    return state;
  }

  /** The attempt under way (or the last one), 1-based; 0 before the start. */
  int attempt() {
    return attempt;
  }

  State on(Event event) {
    State from = state;
    state =
        switch (from) {
          case ACCEPTED ->
              switch (event) {
                case Start s -> start();
                case Progress p -> throw illegal(from, event);
                case Answered a -> throw illegal(from, event);
                case Failed f -> throw illegal(from, event);
                case OldLegGone g -> throw illegal(from, event);
                case OldLegReleased r -> throw illegal(from, event);
                case CallerGone c -> throw illegal(from, event);
              };
          case DIALING, RINGING ->
              switch (event) {
                case Progress p -> ringing(from, State.RINGING);
                case Answered a -> {
                  connect(a.leg());
                  context.releaseOldLeg();
                  yield State.ANSWERED;
                }
                case Failed f -> attemptFailed(f, false);
                case OldLegGone g ->
                    from == State.DIALING ? State.PARKED_DIALING : State.PARKED_RINGING;
                case CallerGone c -> cancelled();
                case Start s -> throw illegal(from, event);
                case OldLegReleased r -> throw illegal(from, event);
              };
          case PARKED_DIALING, PARKED_RINGING ->
              switch (event) {
                case Progress p -> ringing(from, State.PARKED_RINGING);
                case Answered a -> {
                  connect(a.leg());
                  yield completed();
                }
                case Failed f -> attemptFailed(f, true);
                case OldLegReleased r -> from;
                case CallerGone c -> cancelled();
                case OldLegGone g -> throw illegal(from, event);
                case Start s -> throw illegal(from, event);
              };
          case ANSWERED ->
              switch (event) {
                case OldLegReleased r -> completed();
                case CallerGone c -> completed();
                case Progress p -> throw illegal(from, event);
                case Answered a -> throw illegal(from, event);
                case Failed f -> throw illegal(from, event);
                case OldLegGone g -> throw illegal(from, event);
                case Start s -> throw illegal(from, event);
              };
          case REROUTING ->
              switch (event) {
                case Progress p -> State.REROUTING;
                case OldLegReleased r -> State.REROUTING;
                case Answered a -> {
                  context.moveCaller(a.leg());
                  yield last(TransferOutcome.ROLLED_BACK, State.ROLLED_BACK);
                }
                case Failed f -> {
                  context.hangUpCaller();
                  yield last(TransferOutcome.FAILED, State.FAILED);
                }
                case CallerGone c -> cancelled();
                case OldLegGone g -> throw illegal(from, event);
                case Start s -> throw illegal(from, event);
              };
          case COMPLETED, FAILED, ROLLED_BACK, CANCELLED -> throw illegal(from, event);
        };
    return state;
  }

  private State start() {
    context.accept();
    attempt = 1;
    context.notifyProgress(attempt, 100, "Trying");
    if (blind) {
      context.releaseOldLeg();
      context.parkCaller();
    }
    context.dial(attempt);
    return blind ? State.PARKED_DIALING : State.DIALING;
  }

  /** The first 18x of an attempt is reported; later ones change nothing. */
  private State ringing(State from, State ringing) {
    if (from != ringing) {
      context.notifyProgress(attempt, 180, "Ringing");
    }
    return ringing;
  }

  private void connect(OutboundLeg leg) {
    context.moveCaller(leg);
    context.notifyProgress(attempt, 200, "OK");
  }

  private State completed() {
    context.notifyFinal(attempt, 200, "OK", TransferOutcome.COMPLETED);
    return State.COMPLETED;
  }

  /**
   * The next target, or the end of the list: the caller is released ({@code onFail: hangup}),
   * routed back (parked) or stays where it is.
   */
  private State attemptFailed(Failed failure, boolean parked) {
    lastFailure = failure;
    if (attempt < targets) {
      context.notifyProgress(attempt, failure.status(), failure.reason());
      attempt++;
      context.notifyProgress(attempt, 100, "Trying");
      context.dial(attempt);
      return parked ? State.PARKED_DIALING : State.DIALING;
    }
    if (onFail == OnFail.HANGUP) {
      context.hangUpCaller();
      return last(TransferOutcome.FAILED, State.FAILED);
    }
    if (parked) {
      context.reroute();
      return State.REROUTING;
    }
    return last(TransferOutcome.FAILED, State.FAILED);
  }

  /** The final NOTIFY reports the last target's failure, whatever became of the caller after. */
  private State last(TransferOutcome outcome, State terminal) {
    context.notifyFinal(attempt, lastFailure.status(), lastFailure.reason(), outcome);
    return terminal;
  }

  private State cancelled() {
    context.stopDialing();
    context.notifyFinal(attempt, 487, "Request Terminated", TransferOutcome.CANCELLED);
    return State.CANCELLED;
  }

  private IllegalStateException illegal(State from, Event event) {
    return new IllegalStateException("transfer: " + event + " is not allowed in state " + from);
  }
}
