package io.baton.ua;

import io.baton.sip.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The lifecycle of one call at a user agent, as caller (uac) or as callee (uas), after RFC 3261 §13
 * (INVITE), §9 (CANCEL), §14 (re-INVITE) and §15 (BYE). It decides; its {@link Context} sends SIP
 * and moves media.
 *
 * <pre>
 * uac: CALLING ─18x→ PROCEEDING ─2xx/ACK→ CONFIRMED ─BYE either way→ ENDED
 *        (a BYE that overtook the 2xx ends it at once; the 2xx is ACKed when it comes)
 *        └─ ≥300 ─→ FAILED      hang up before 2xx → CANCELLING ─487→ FAILED (a late 2xx: ACK+BYE)
 * uas: INCOMING ─ring/180→ RINGING ─accept/200→ ANSWERED ─ACK→ CONFIRMED ─BYE either way→ ENDED
 *        └─ reject, decline (603), CANCEL (487) or early BYE (487) ─→ FAILED
 *      hang up in ANSWERED → BYE_AFTER_ACK ─ACK/BYE→ ENDED (a callee's BYE waits for the ACK)
 * both, once answered: no ACK within 64·T1 (AckTimeout), the maximum duration or no RTP for the
 *      media timeout (Expired) → BYE at once → ENDED (RFC 3261 §13.3.1.4 for the missing ACK)
 * </pre>
 *
 * UDP requests reach the element through a thread pool and may arrive out of order (an ACK after
 * the BYE, a 18x after the 2xx); those late arrivals are listed below as transitions that keep the
 * state, every other unexpected event throws {@link IllegalStateException}.
 */
public final class CallMachine {

  /** Where a call is. Each pre-answer state belongs to one role; the rest are shared. */
  public enum State {
    /** uac: INVITE sent, nothing heard yet. */
    CALLING,
    /** uac: a provisional response (18x) arrived. */
    PROCEEDING,
    /** uac: hung up before the answer; CANCEL sent, final response awaited. */
    CANCELLING,
    /** uas: INVITE received, no provisional response sent. */
    INCOMING,
    /** uas: 180 Ringing sent. */
    RINGING,
    /** uas: 200 sent, ACK not yet received. */
    ANSWERED,
    /** uas: hung up before the ACK came; the BYE goes once it does (RFC 3261 §15). */
    BYE_AFTER_ACK,
    /** Answer acknowledged: media flows both ways. */
    CONFIRMED,
    /** The established call was hung up. */
    ENDED,
    /** The call was never established: rejected, cancelled or unanswered. */
    FAILED;

    public boolean terminal() {
      return this == ENDED || this == FAILED;
    }
  }

  /** Something that happened to the call: a local decision or a message from the peer. */
  sealed interface Event
      permits Ring,
          Accept,
          Reject,
          HangUp,
          Provisional,
          Answered,
          Failed,
          Ack,
          Cancel,
          Bye,
          Reoffer,
          DialogTerminated,
          AckTimeout,
          Expired {}

  /** uas: ring (send 180). */
  record Ring() implements Event {}

  /** uas: answer with 200 and the local SDP. */
  record Accept() implements Event {}

  /** uas: reject with a final status of 300 or more. */
  record Reject(int status) implements Event {
    Reject {
      if (status < 300 || status > 699) {
        throw new IllegalArgumentException("reject status " + status + " is not 300-699");
      }
    }
  }

  /** Either role: the local user hangs up (BYE, CANCEL or decline, whichever fits). */
  record HangUp() implements Event {}

  /** uac: a 1xx response arrived. */
  record Provisional(int status) implements Event {}

  /** uac: a 2xx arrived; {@code answer} is its SDP, null if it had no usable one. */
  record Answered(SessionDescription answer) implements Event {}

  /** uac: a final response of 300 or more arrived (or was made up: 408, 487, 503). */
  record Failed(int status) implements Event {}

  /** uas: the ACK for a 2xx (of the INVITE or a re-INVITE) arrived. */
  record Ack() implements Event {}

  /** uas: the caller CANCELled the INVITE. */
  record Cancel() implements Event {}

  /** Either role: the peer sent BYE. */
  record Bye() implements Event {}

  /** Either role: a re-INVITE carried a new offer (RFC 3264 §8); media follows it. */
  record Reoffer(SessionDescription offer) implements Event {}

  /** Either role: the stack ended the dialog by itself (e.g. no ACK within 64·T1). */
  record DialogTerminated() implements Event {}

  /** uas: the 2xx was never ACKed (lifetime.ackTimeout, Timer H). */
  record AckTimeout() implements Event {}

  /** Either role: the answered call outlived its lifetime ({@code why}: duration, silence). */
  record Expired(String why) implements Event {}

  /** The side effects the machine asks for. */
  interface Context {
    void sendProvisional(int status);

    /** The 200 to the INVITE, with the local SDP. */
    void sendAnswer();

    void sendFinal(int status);

    /** The ACK for the 2xx just received. */
    void sendAck();

    void sendCancel();

    void sendBye();

    /** Sends the local audio to where {@code remote} asks for it (RFC 3264 §5, §8). */
    void mediaTo(SessionDescription remote);

    /** Stops the audio and frees its port: the call is over. */
    void releaseMedia();
  }

  /** Decline when the local user hangs up a call still ringing (RFC 3261 §21.6.2). */
  static final int DECLINE = 603;

  /** The INVITE was cancelled, or the caller hung up an early dialog (RFC 3261 §15.1.2). */
  static final int REQUEST_TERMINATED = 487;

  private final Context context;
  private final List<State> history = new ArrayList<>();
  private State state;
  private SessionDescription remote;
  private int finalStatus;
  private boolean endedByRemote;

  private CallMachine(State initial, SessionDescription remote, Context context) {
    this.state = initial;
    this.remote = remote;
    this.context = context;
    history.add(initial);
  }

  /** A call this user agent places (uac); its INVITE is being sent. */
  static CallMachine uac(Context context) {
    return new CallMachine(State.CALLING, null, context);
  }

  /** A call this user agent receives (uas), with the INVITE's SDP offer. */
  static CallMachine uas(SessionDescription offer, Context context) {
    return new CallMachine(State.INCOMING, offer, context);
  }

  /** Applies one event; returns the new state. */
  synchronized State on(Event event) {
    State next =
        switch (event) {
          case Ring r ->
              switch (state) {
                case INCOMING -> {
                  context.sendProvisional(180);
                  yield State.RINGING;
                }
                default -> throw illegal(event);
              };
          case Accept a ->
              switch (state) {
                case INCOMING, RINGING -> {
                  finalStatus = 200;
                  context.sendAnswer();
                  context.mediaTo(remote);
                  yield State.ANSWERED;
                }
                case FAILED -> state; // the ring timer lost the race with a CANCEL
                default -> throw illegal(event);
              };
          case Reject r ->
              switch (state) {
                case INCOMING, RINGING -> {
                  finalStatus = r.status();
                  context.sendFinal(r.status());
                  yield State.FAILED;
                }
                case FAILED -> state; // the ring timer lost the race with a CANCEL
                default -> throw illegal(event);
              };
          case HangUp h ->
              switch (state) {
                case CALLING, PROCEEDING -> {
                  context.sendCancel();
                  yield State.CANCELLING;
                }
                case INCOMING, RINGING -> {
                  finalStatus = DECLINE;
                  context.sendFinal(DECLINE);
                  yield State.FAILED;
                }
                case ANSWERED -> State.BYE_AFTER_ACK;
                case CONFIRMED -> {
                  context.sendBye();
                  yield State.ENDED;
                }
                case CANCELLING, BYE_AFTER_ACK, ENDED, FAILED -> state; // already on its way out
              };
          case Provisional p ->
              switch (state) {
                case CALLING, PROCEEDING -> State.PROCEEDING;
                case CANCELLING, CONFIRMED, ENDED, FAILED -> state; // overtaken by later news
                default -> throw illegal(event);
              };
          case Answered a ->
              switch (state) {
                case ENDED -> {
                  context.sendAck(); // the 2xx a BYE overtook
                  yield State.ENDED;
                }
                case CALLING, PROCEEDING -> {
                  finalStatus = 200;
                  context.sendAck();
                  if (a.answer() == null) {
                    // RFC 3261 §13.2.2.4: a 2xx whose answer is unusable is ACKed, then hung up.
                    context.sendBye();
                    yield State.ENDED;
                  }
                  remote = a.answer();
                  context.mediaTo(remote);
                  yield State.CONFIRMED;
                }
                case CANCELLING -> {
                  // Answered before the CANCEL took effect: ACK and hang up (RFC 3261 §15).
                  finalStatus = 200;
                  context.sendAck();
                  context.sendBye();
                  yield State.ENDED;
                }
                default -> throw illegal(event);
              };
          case Failed f ->
              switch (state) {
                case CALLING, PROCEEDING, CANCELLING -> {
                  finalStatus = f.status();
                  yield State.FAILED;
                }
                default -> throw illegal(event);
              };
          case Ack a ->
              switch (state) {
                case ANSWERED, CONFIRMED -> State.CONFIRMED; // CONFIRMED: a re-INVITE's ACK
                case BYE_AFTER_ACK -> {
                  context.sendBye();
                  yield State.ENDED;
                }
                case ENDED -> state; // overtaken by the BYE
                default -> throw illegal(event);
              };
          case Cancel c ->
              switch (state) {
                case INCOMING, RINGING -> {
                  endedByRemote = true;
                  finalStatus = REQUEST_TERMINATED;
                  context.sendFinal(REQUEST_TERMINATED);
                  yield State.FAILED;
                }
                case ANSWERED, BYE_AFTER_ACK, CONFIRMED, ENDED, FAILED ->
                    state; // too late (RFC 3261 §9.2)
                default -> throw illegal(event);
              };
          case Bye b ->
              switch (state) {
                case CALLING, PROCEEDING -> {
                  // The peer hung up so soon after its 2xx that the BYE overtook it here (UDP
                  // requests reach the element through a thread pool): the call is over, and
                  // the 2xx still gets its ACK when it is handled (RFC 3261 §13.2.2.4).
                  endedByRemote = true;
                  finalStatus = 200;
                  yield State.ENDED;
                }
                case INCOMING, RINGING -> {
                  endedByRemote = true;
                  finalStatus = REQUEST_TERMINATED;
                  context.sendFinal(REQUEST_TERMINATED);
                  yield State.FAILED;
                }
                case ANSWERED, BYE_AFTER_ACK, CONFIRMED -> {
                  endedByRemote = true;
                  yield State.ENDED;
                }
                case ENDED -> state; // both ends hung up at once
                default -> throw illegal(event);
              };
          case Reoffer r ->
              switch (state) {
                case ANSWERED, CONFIRMED -> {
                  remote = r.offer();
                  context.mediaTo(remote);
                  yield state;
                }
                default -> throw illegal(event);
              };
          case DialogTerminated d ->
              switch (state) {
                case ANSWERED, BYE_AFTER_ACK, CONFIRMED -> State.ENDED;
                default -> state; // the final response or the BYE already ended it
              };
          case AckTimeout t ->
              switch (state) {
                case ANSWERED, BYE_AFTER_ACK -> {
                  // RFC 3261 §13.3.1.4: the dialog is confirmed, the session ended with a BYE.
                  context.sendBye();
                  yield State.ENDED;
                }
                case CONFIRMED, ENDED, FAILED -> state; // the ACK, or the end, came first
                default -> throw illegal(event);
              };
          case Expired e ->
              switch (state) {
                case ANSWERED, BYE_AFTER_ACK, CONFIRMED -> {
                  context.sendBye();
                  yield State.ENDED;
                }
                case ENDED, FAILED -> state; // ended meanwhile
                default -> throw illegal(event);
              };
        };
    if (next.terminal() && !state.terminal()) {
      context.releaseMedia();
    }
    if (next != state) {
      history.add(next);
    }
    state = next;
    return next;
  }

  private IllegalStateException illegal(Event event) {
    return new IllegalStateException("call in state " + state + " cannot take " + event);
  }

  synchronized State state() {
    return state;
  }

  /** Every state the call has been in, first to current. */
  synchronized List<State> history() {
    return List.copyOf(history);
  }

  /** The peer's current SDP: the offer (uas) or the answer (uac), updated by re-INVITEs. */
  synchronized SessionDescription remote() {
    return remote;
  }

  /** The final status of the INVITE, sent (uas) or received (uac); 0 before there is one. */
  synchronized int finalStatus() {
    return finalStatus;
  }

  /** True if the peer ended the call (BYE, or CANCEL before the answer). */
  synchronized boolean endedByRemote() {
    return endedByRemote;
  }
}
