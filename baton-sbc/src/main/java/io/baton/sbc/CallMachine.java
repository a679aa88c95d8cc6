package io.baton.sbc;

import java.time.Duration;
import javax.sip.message.Response;

/**
 * The life of one call through this SBC, from the caller's INVITE to the moment nothing of it is
 * left (docs/architecture.md "Call lifetimes"). A transfer runs beside it in its own {@link
 * TransferMachine}; this machine only knows whether the caller is being connected, answered,
 * confirmed or gone, and makes sure every answered call ends: by a BYE from either side, or by a
 * timer when a peer went silent.
 *
 * <pre>
 * state              event             next       side effects (after the state is recorded)
 * ROUTING|RINGING    Progress          RINGING    relay the 18x to the caller
 * ROUTING|RINGING    Answered          ANSWERED   arm the ACK, session, duration and media
 *                                                 timers; ACK the leg, bridge, 200 to the caller
 * ROUTING|RINGING    AnswerUnusable    ENDED      ACK and BYE the leg, 502 to the caller, release
 * ROUTING|RINGING    SetupFailed       ENDED      the status to the caller, release
 * ROUTING|RINGING    CallerCancel      ENDED      487 to the caller, stop dialling, release
 *                    or CallerBye                 (a BYE in the early dialog, RFC 3261 §15)
 * ROUTING|RINGING    CallerAck         unchanged  (nothing was answered: a stray ACK)
 * ANSWERED           CallerAck         CONFIRMED  disarm the ACK timer
 * CONFIRMED          CallerAck         CONFIRMED  (the ACK of a re-INVITE)
 * ANSWERED|CONFIRMED Refreshed         unchanged  re-arm (or disarm) the session timer
 * ANSWERED|CONFIRMED CallerCancel      unchanged  (too late to cancel, RFC 3261 §9.2)
 * ANSWERED|CONFIRMED CallerBye         ENDED      caller leg released, transfer told, BYE every
 *                                                 leg, release
 * ANSWERED|CONFIRMED CalleeBye         ENDED      BYE the caller, release
 * ANSWERED|CONFIRMED TransferHangUp    ENDED      BYE the caller and every leg, release
 * ANSWERED           AckTimeout        ENDED      transfer told, BYE every leg and the caller,
 *                                                 release (RFC 3261 §13.3.1.4)
 * ANSWERED|CONFIRMED SessionExpired,   ENDED      the same (RFC 4028 §10; lifetime.maxDuration;
 *                    MaxDuration,                 lifetime.mediaTimeout)
 *                    MediaInactive
 * ENDED              Answered,         ENDED      ACK and BYE the late leg (RFC 3261 §15)
 *                    AnswerUnusable
 * ENDED              any other wire    unchanged  (late or crossed messages)
 *                    or dial event
 * </pre>
 *
 * Every other pair is illegal: timers are disarmed when their state is left (a stale firing never
 * reaches the machine), so a timeout in the wrong state is a bug and throws.
 */
final class CallMachine {

  enum State {
    /** The caller's INVITE is being routed; its leg is trying. */
    ROUTING,
    /** A leg rang and the caller heard so (18x relayed). */
    RINGING,
    /** The caller got its 2xx; its ACK has not come yet (Timer H runs). */
    ANSWERED,
    /** The caller ACKed: the call is up. */
    CONFIRMED,
    /** Nothing of the call is left at this SBC: ports, Call-IDs and timers released. */
    ENDED;

    /** The caller has its 2xx and the call is not over. */
    boolean up() {
      return this == ANSWERED || this == CONFIRMED;
    }

    /** The caller still waits for a final response. */
    boolean callerWaiting() {
      return this == ROUTING || this == RINGING;
    }
  }

  sealed interface Event
      permits Progress,
          Answered,
          AnswerUnusable,
          SetupFailed,
          CallerCancel,
          CallerBye,
          CallerAck,
          CalleeBye,
          TransferHangUp,
          Refreshed,
          AckTimeout,
          SessionExpired,
          MaxDuration,
          MediaInactive {}

  /** The setup leg sent 18x. */
  record Progress(OutboundLeg leg, Response provisional) implements Event {}

  /** The setup leg answered; {@code callerSdp} is its SDP as the caller must see it. */
  record Answered(OutboundLeg leg, Response ok, String callerSdp) implements Event {}

  /** The setup leg answered with SDP this SBC cannot use. */
  record AnswerUnusable(OutboundLeg leg, Response ok) implements Event {}

  /** No leg could be reached (after crankback), or the caller's offer or a port was unusable. */
  record SetupFailed(int status, String reason) implements Event {}

  /** CANCEL from the caller. */
  record CallerCancel() implements Event {}

  /** BYE from the caller. */
  record CallerBye() implements Event {}

  /** The caller's ACK for a 2xx. */
  record CallerAck() implements Event {}

  /** The leg the caller is connected to hung up, and no transfer takes the caller over. */
  record CalleeBye() implements Event {}

  /** A transfer that failed for good releases the caller ({@code onFail: hangup}). */
  record TransferHangUp() implements Event {}

  /**
   * A re-INVITE or UPDATE from the caller is being answered 2xx: the session interval it now has,
   * or null for none (RFC 4028 §10: every refresh renegotiates it).
   */
  record Refreshed(Duration interval) implements Event {}

  /** No ACK within {@code lifetime.ackTimeout} of the 2xx. */
  record AckTimeout() implements Event {}

  /** No refresh within the session interval. */
  record SessionExpired() implements Event {}

  /** The call reached {@code lifetime.maxDuration}. */
  record MaxDuration() implements Event {}

  /** No RTP from either side for {@code lifetime.mediaTimeout}. */
  record MediaInactive() implements Event {}

  /** What the call does to the world: SIP, media, registry, timers. */
  interface Context {
    void relayProgress(OutboundLeg leg, Response provisional);

    /** ACKs the leg, bridges the caller to it and answers the caller 200 with {@code sdp}. */
    void answerCaller(OutboundLeg leg, Response ok, String sdp);

    /** A final status of 300 or more to the caller's INVITE; its leg failed. */
    void rejectCaller(int status, String reason);

    /** ACKs and BYEs a 2xx nobody wants any more (RFC 3261 §15). */
    void refuseAnswer(OutboundLeg leg, Response ok);

    /** Gives up the setup's dialling (487). */
    void stopDialing();

    /** Arms the ACK, session, duration and media timers of an answered call. */
    void armLifetime();

    void disarmAckTimer();

    /** Re-arms the session timer for {@code interval}, or disarms it (null). */
    void armSessionTimer(Duration interval);

    /** The caller hung up: its leg is released. */
    void callerHungUp();

    /** Tells a running transfer that the caller is gone. */
    void endTransfer();

    /** BYE to the caller: its leg is released. */
    void byeCaller();

    /** BYE on every leg still up. */
    void byeLegs();

    /** Returns the call's ports, forgets its Call-IDs, disarms its timers. */
    void release(String why);
  }

  private final Context context;
  private State state = State.ROUTING;

  CallMachine(Context context) {
    this.context = context;
  }

  State state() {
    return state;
  }

  State on(Event event) {
    State from = state;
    Transition t =
        switch (from) {
          case ROUTING, RINGING ->
              switch (event) {
                case Progress p ->
                    to(State.RINGING, () -> context.relayProgress(p.leg(), p.provisional()));
                case Answered a ->
                    to(
                        State.ANSWERED,
                        () -> {
                          context.armLifetime();
                          context.answerCaller(a.leg(), a.ok(), a.callerSdp());
                        });
                case AnswerUnusable u ->
                    to(
                        State.ENDED,
                        () -> {
                          context.refuseAnswer(u.leg(), u.ok());
                          context.rejectCaller(Response.BAD_GATEWAY, "Unusable SDP answer");
                          context.release("unusable SDP answer");
                        });
                case SetupFailed f ->
                    to(
                        State.ENDED,
                        () -> {
                          context.rejectCaller(f.status(), f.reason());
                          context.release("not connected: " + f.status() + " " + f.reason());
                        });
                case CallerCancel c -> to(State.ENDED, this::cancelled);
                case CallerBye b -> to(State.ENDED, this::cancelled);
                case CallerAck a -> stay(from);
                case CalleeBye b -> throw illegal(from, event);
                case TransferHangUp h -> throw illegal(from, event);
                case Refreshed r -> throw illegal(from, event);
                case AckTimeout t2 -> throw illegal(from, event);
                case SessionExpired x -> throw illegal(from, event);
                case MaxDuration m -> throw illegal(from, event);
                case MediaInactive m -> throw illegal(from, event);
              };
          case ANSWERED, CONFIRMED ->
              switch (event) {
                case CallerAck a ->
                    from == State.ANSWERED
                        ? to(State.CONFIRMED, context::disarmAckTimer)
                        : stay(from);
                case Refreshed r -> to(from, () -> context.armSessionTimer(r.interval()));
                case CallerCancel c -> stay(from);
                case CallerBye b ->
                    to(
                        State.ENDED,
                        () -> {
                          context.callerHungUp();
                          context.endTransfer();
                          context.byeLegs();
                          context.release("caller hung up");
                        });
                case CalleeBye b ->
                    to(
                        State.ENDED,
                        () -> {
                          context.byeCaller();
                          context.release("callee hung up");
                        });
                case TransferHangUp h ->
                    to(
                        State.ENDED,
                        () -> {
                          context.byeCaller();
                          context.byeLegs();
                          context.release("transfer failed, caller released");
                        });
                case AckTimeout t2 -> {
                  if (from != State.ANSWERED) {
                    throw illegal(from, event);
                  }
                  yield hangUpBothWays("no ACK for the 2xx (RFC 3261 §13.3.1.4)");
                }
                case SessionExpired x ->
                    hangUpBothWays("session expired without refresh (RFC 4028 §10)");
                case MaxDuration m -> hangUpBothWays("maximum call duration reached");
                case MediaInactive m -> hangUpBothWays("no RTP from either side");
                case Progress p -> throw illegal(from, event);
                case Answered a -> throw illegal(from, event);
                case AnswerUnusable u -> throw illegal(from, event);
                case SetupFailed f -> throw illegal(from, event);
              };
          case ENDED ->
              switch (event) {
                case Answered a -> to(from, () -> context.refuseAnswer(a.leg(), a.ok()));
                case AnswerUnusable u -> to(from, () -> context.refuseAnswer(u.leg(), u.ok()));
                case Progress p -> stay(from);
                case SetupFailed f -> stay(from);
                case CallerCancel c -> stay(from);
                case CallerBye b -> stay(from);
                case CallerAck a -> stay(from);
                case CalleeBye b -> stay(from);
                case TransferHangUp h -> throw illegal(from, event);
                case Refreshed r -> throw illegal(from, event);
                case AckTimeout t2 -> throw illegal(from, event);
                case SessionExpired x -> throw illegal(from, event);
                case MaxDuration m -> throw illegal(from, event);
                case MediaInactive m -> throw illegal(from, event);
              };
        };
    state = t.next();
    t.effects().run();
    return state;
  }

  /** A next state and what to do once it is recorded. */
  private record Transition(State next, Runnable effects) {}

  private static Transition to(State next, Runnable effects) {
    return new Transition(next, effects);
  }

  private static Transition stay(State state) {
    return new Transition(state, () -> {});
  }

  private void cancelled() {
    context.rejectCaller(Response.REQUEST_TERMINATED, "Request Terminated");
    context.stopDialing();
    context.release("caller cancelled");
  }

  private Transition hangUpBothWays(String why) {
    return to(
        State.ENDED,
        () -> {
          context.endTransfer();
          context.byeCaller();
          context.byeLegs();
          context.release(why);
        });
  }

  private IllegalStateException illegal(State from, Event event) {
    return new IllegalStateException("call: " + event + " is not allowed in state " + from);
  }
}
