package io.baton.sbc;

/**
 * How SBC-edge executes one REFER (docs/architecture.md "The transfer" step 4). The caller is
 * either still bridged to leg 1 (make-before-break) or parked (blind, or leg 1 hung up meanwhile):
 *
 * <pre>
 *   ACCEPTED --Start--> DIALING                          (202, NOTIFY 100, dial)
 *   ACCEPTED --Start--> PARKED_DIALING                   (blind: 202, NOTIFY 100, BYE leg 1, park, dial)
 *   DIALING --Progress--> RINGING                        (NOTIFY 180)
 *   DIALING|RINGING --Answered--> COMPLETED              (move caller, NOTIFY 200, BYE leg 1)
 *   DIALING|RINGING --Failed--> FAILED                   (NOTIFY status; caller stays on leg 1)
 *   DIALING|RINGING --OldLegGone--> PARKED_DIALING|PARKED_RINGING
 *   PARKED_DIALING --Progress--> PARKED_RINGING          (NOTIFY 180)
 *   PARKED_* --Answered--> COMPLETED                     (move caller, NOTIFY 200)
 *   PARKED_* --Failed--> REROUTING                       (NOTIFY status, dial the original destination)
 *   REROUTING --Answered--> REROUTED                     (move caller)
 *   REROUTING --Failed--> DROPPED                        (hang up the caller: nowhere left to go)
 *   any live state --CallerGone--> DROPPED               (stop dialling, NOTIFY 487)
 * </pre>
 *
 * The machine decides; the context sends SIP and moves media.
 */
final class TransferMachine {

  enum State {
    ACCEPTED,
    DIALING,
    RINGING,
    PARKED_DIALING,
    PARKED_RINGING,
    REROUTING,
    COMPLETED,
    FAILED,
    REROUTED,
    DROPPED;

    /** No more events expected: late outcomes are cleaned up, not applied. */
    boolean finished() {
      return this == COMPLETED || this == FAILED || this == REROUTED || this == DROPPED;
    }
  }

  sealed interface Event permits Start, Progress, Answered, Failed, OldLegGone, CallerGone {}

  /** The REFER was accepted for execution. */
  record Start() implements Event {}

  /** The new leg sent 18x. */
  record Progress() implements Event {}

  /** The new leg answered (already ACKed). */
  record Answered(OutboundLeg leg) implements Event {}

  /** The new leg failed after crankback, timed out (408) or could not be reached (503). */
  record Failed(int status, String reason) implements Event {}

  /** Leg 1 hung up before the transfer finished: the caller is parked. */
  record OldLegGone() implements Event {}

  /** The caller hung up. */
  record CallerGone() implements Event {}

  /** Side effects of a transfer. */
  interface Context {
    /** {@code 202 Accepted} to the REFER and the first NOTIFY ({@code 100 Trying}). */
    void accept();

    /** Opens the new leg (asks the redirect server first for a number). */
    void dial();

    /** Unbridges the caller's media: it waits, connected to nothing, for the new leg. */
    void parkCaller();

    /** NOTIFY with {@code Subscription-State: active}. */
    void notifyProgress(int status, String reason);

    /** NOTIFY with {@code Subscription-State: terminated}. */
    void notifyFinal(int status, String reason);

    /** Bridges the caller's media to the answered leg, which becomes the call's leg. */
    void moveCaller(OutboundLeg leg);

    /** Sends BYE on leg 1 (after any NOTIFY already queued in its dialog). */
    void releaseOldLeg();

    /** Dials the call's original destination again for the parked caller. */
    void reroute();

    /** Gives up whatever is being dialled. */
    void stopDialing();

    /** BYE to the caller: the transfer and the way back both failed. */
    void hangUpCaller();
  }

  private final boolean blind;
  private final Context context;
  private State state = State.ACCEPTED;

  TransferMachine(boolean blind, Context context) {
    this.blind = blind;
    this.context = context;
  }

  State state() {
    return state;
  }

  State on(Event event) {
    State from = state;
    state =
        switch (from) {
          case ACCEPTED ->
              switch (event) {
                case Start s -> {
                  context.accept();
                  if (blind) {
                    context.releaseOldLeg();
                    context.parkCaller();
                  }
                  context.dial();
                  yield blind ? State.PARKED_DIALING : State.DIALING;
                }
                case Progress p -> throw illegal(from, event);
                case Answered a -> throw illegal(from, event);
                case Failed f -> throw illegal(from, event);
                case OldLegGone g -> throw illegal(from, event);
                case CallerGone c -> throw illegal(from, event);
              };
          case DIALING, RINGING ->
              switch (event) {
                case Progress p -> {
                  if (from == State.DIALING) {
                    context.notifyProgress(180, "Ringing");
                  }
                  yield State.RINGING;
                }
                case Answered a -> {
                  context.moveCaller(a.leg());
                  context.notifyFinal(200, "OK");
                  context.releaseOldLeg();
                  yield State.COMPLETED;
                }
                case Failed f -> {
                  context.notifyFinal(f.status(), f.reason());
                  yield State.FAILED;
                }
                case OldLegGone g ->
                    from == State.DIALING ? State.PARKED_DIALING : State.PARKED_RINGING;
                case CallerGone c -> callerGone();
                case Start s -> throw illegal(from, event);
              };
          case PARKED_DIALING, PARKED_RINGING ->
              switch (event) {
                case Progress p -> {
                  if (from == State.PARKED_DIALING) {
                    context.notifyProgress(180, "Ringing");
                  }
                  yield State.PARKED_RINGING;
                }
                case Answered a -> {
                  context.moveCaller(a.leg());
                  context.notifyFinal(200, "OK");
                  yield State.COMPLETED;
                }
                case Failed f -> {
                  context.notifyFinal(f.status(), f.reason());
                  context.reroute();
                  yield State.REROUTING;
                }
                case OldLegGone g -> throw illegal(from, event);
                case CallerGone c -> callerGone();
                case Start s -> throw illegal(from, event);
              };
          case REROUTING ->
              switch (event) {
                case Progress p -> State.REROUTING;
                case Answered a -> {
                  context.moveCaller(a.leg());
                  yield State.REROUTED;
                }
                case Failed f -> {
                  context.hangUpCaller();
                  yield State.DROPPED;
                }
                case CallerGone c -> {
                  context.stopDialing();
                  yield State.DROPPED;
                }
                case OldLegGone g -> throw illegal(from, event);
                case Start s -> throw illegal(from, event);
              };
          case COMPLETED, FAILED, REROUTED, DROPPED -> throw illegal(from, event);
        };
    return state;
  }

  private State callerGone() {
    context.stopDialing();
    context.notifyFinal(487, "Request Terminated");
    return State.DROPPED;
  }

  private IllegalStateException illegal(State from, Event event) {
    return new IllegalStateException("transfer: " + event + " is not allowed in state " + from);
  }
}
