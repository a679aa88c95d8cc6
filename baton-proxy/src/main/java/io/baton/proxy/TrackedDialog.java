package io.baton.proxy;

import io.baton.registry.LegState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sip.address.Address;

/**
 * One INVITE dialog the proxy record-routes, from the forwarded INVITE to the moment it is
 * forgotten, and the leg {@code proxy → next hop} it publishes.
 *
 * <pre>
 * state             event                      next               side effect
 * CALLING           Provisional(100)           PROCEEDING
 * CALLING           Provisional(101..199)      EARLY              publish ringing
 * CALLING           CancelRequested            CANCEL_PENDING     (RFC 3261 §9.1: no CANCEL before a 1xx)
 * PROCEEDING        Provisional(100)           PROCEEDING
 * PROCEEDING        Provisional(101..199)      EARLY              publish ringing
 * PROCEEDING|EARLY  CancelRequested            CANCELLING         send CANCEL
 * EARLY             Provisional                EARLY
 * CANCEL_PENDING    Provisional                CANCELLING         send CANCEL
 * CANCELLING        Provisional                CANCELLING
 * any early state   Answered                   CONFIRMED          track, publish active
 * any early state   Rejected(status)           FAILED             publish failed(status)
 * CONFIRMED         ByeCompleted               SUBSCRIPTION_ONLY  publish released (a REFER subscription
 *                                                                 outlives the INVITE usage, RFC 5057 §5)
 *                                              TERMINATED         publish released, forget (no subscription)
 * CONFIRMED         SubscriptionEnded          CONFIRMED
 * CONFIRMED         Expired                    TERMINATED         publish released, end refers, forget
 *                                                                 (dialogMaxAge, or a session interval
 *                                                                 that passed without refresh)
 * SUBSCRIPTION_ONLY SubscriptionEnded          TERMINATED         forget
 * SUBSCRIPTION_ONLY ByeCompleted               SUBSCRIPTION_ONLY  (crossed BYEs)
 * SUBSCRIPTION_ONLY Expired                    TERMINATED         end refers, forget
 * CONFIRMED..FAILED CancelRequested            unchanged          (too late to cancel, RFC 3261 §9.2)
 * CONFIRMED..FAILED Provisional                unchanged          (a 1xx the stack's thread pool
 *                                                                 delivered after the final response)
 * TERMINATED        ByeCompleted|SubscriptionEnded|Expired  unchanged (stragglers)
 * </pre>
 *
 * The confirmed dialog also carries what the out-of-band REFER needs (RFC 3261 §12.1): both sides'
 * URIs, tags and Contacts, the caller side's route set, and the callee side's CSeq as the caller
 * sees it, which the proxy shifts once it has injected requests of its own into that sequence.
 */
final class TrackedDialog {

  enum State {
    CALLING,
    PROCEEDING,
    EARLY,
    CANCEL_PENDING,
    CANCELLING,
    CONFIRMED,
    SUBSCRIPTION_ONLY,
    TERMINATED,
    FAILED
  }

  sealed interface Event
      permits Provisional,
          Answered,
          Rejected,
          CancelRequested,
          ByeCompleted,
          SubscriptionEnded,
          Expired {}

  /** A 1xx to the forwarded INVITE. */
  record Provisional(int status) implements Event {}

  /**
   * The 2xx to the forwarded INVITE: the callee side's tag and Contact, and the session interval it
   * set (RFC 4028 {@code Session-Expires}; null if none).
   */
  record Answered(String uasTag, Address calleeContact, Instant at, Duration sessionExpires)
      implements Event {
    Answered {
      Objects.requireNonNull(uasTag, "a 2xx to INVITE without a To tag");
    }
  }

  /** A final response of 300 or more to the forwarded INVITE. */
  record Rejected(int status) implements Event {}

  /** The caller side CANCELed its INVITE. */
  record CancelRequested() implements Event {}

  /** A BYE in this dialog, from either side, got its final response. */
  record ByeCompleted() implements Event {}

  /** The last subscription an injected REFER created has ended. */
  record SubscriptionEnded() implements Event {}

  /**
   * The dialog outlived {@code proxy.dialogMaxAge}, or its session interval passed without a
   * refresh (RFC 4028 §1: a proxy learns from session timers when to drop a session's state).
   */
  record Expired() implements Event {}

  /** Everything the dialog does to the world. */
  interface Context {
    /** Publishes the leg in {@code state}; {@code uasTag} and {@code sipStatus} may be null. */
    void publish(LegState state, String uasTag, Integer sipStatus);

    /** CANCELs the forwarded INVITE (a provisional response has arrived). */
    void sendCancel();

    /** Starts matching in-dialog requests and Target-Dialogs to this dialog. */
    void track(TrackedDialog dialog);

    void forget(TrackedDialog dialog);
  }

  /** One side of the dialog: its URI (From or To, without tag), tag and remote target. */
  record Party(Address uri, String tag, Address contact) {}

  private final Context context;
  private final String callId;
  private final Party caller;
  private final List<Address> callerRouteSet;
  private final Address calleeUri;
  private final Map<Long, InjectedRefer> refers = new HashMap<>(); // guarded by this
  private State state = State.CALLING;
  private String calleeTag;
  private Address calleeContact;
  private Address callerContact;
  private Instant confirmedAt;
  private Instant refreshedAt;
  private Duration sessionExpires;
  private long calleeCseq;
  private long cseqShift;

  /**
   * @param caller the INVITE's From and Contact
   * @param callerRouteSet the Record-Route values the INVITE carried when it reached the proxy, in
   *     order: the route from here back to the caller (RFC 3261 §12.1.1)
   * @param calleeUri the INVITE's To
   */
  TrackedDialog(
      Context context,
      String callId,
      Party caller,
      List<Address> callerRouteSet,
      Address calleeUri) {
    this.context = context;
    this.callId = callId;
    this.caller = caller;
    this.callerContact = caller.contact();
    this.callerRouteSet = List.copyOf(callerRouteSet);
    this.calleeUri = calleeUri;
  }

  synchronized State state() {
    return state;
  }

  synchronized State on(Event event) {
    State next =
        switch (state) {
          case CALLING, PROCEEDING, EARLY, CANCEL_PENDING, CANCELLING -> early(event);
          case CONFIRMED -> confirmed(event);
          case SUBSCRIPTION_ONLY -> subscriptionOnly(event);
          case TERMINATED -> terminated(event);
          case FAILED -> failed(event);
        };
    state = next;
    return next;
  }

  private State early(Event event) {
    return switch (event) {
      case Provisional p -> provisional(p.status());
      case CancelRequested c -> cancel();
      case Answered a -> {
        calleeTag = a.uasTag();
        calleeContact = a.calleeContact();
        confirmedAt = a.at();
        refreshedAt = a.at();
        sessionExpires = a.sessionExpires();
        context.track(this);
        context.publish(LegState.ACTIVE, calleeTag, null);
        yield State.CONFIRMED;
      }
      case Rejected r -> {
        context.publish(LegState.FAILED, null, r.status());
        yield State.FAILED;
      }
      case ByeCompleted b -> throw illegal(event);
      case SubscriptionEnded s -> throw illegal(event);
      case Expired e -> throw illegal(event);
    };
  }

  private State provisional(int status) {
    return switch (state) {
      case CALLING, PROCEEDING -> {
        if (status == 100) {
          yield State.PROCEEDING;
        }
        context.publish(LegState.RINGING, null, null);
        yield State.EARLY;
      }
      case CANCEL_PENDING -> {
        context.sendCancel();
        yield State.CANCELLING;
      }
      default -> state;
    };
  }

  private State cancel() {
    return switch (state) {
      case CALLING -> State.CANCEL_PENDING;
      case PROCEEDING, EARLY -> {
        context.sendCancel();
        yield State.CANCELLING;
      }
      default -> state;
    };
  }

  private State confirmed(Event event) {
    return switch (event) {
      case ByeCompleted b -> {
        context.publish(LegState.RELEASED, null, null);
        if (hasPendingSubscription()) {
          yield State.SUBSCRIPTION_ONLY;
        }
        context.forget(this);
        yield State.TERMINATED;
      }
      case Expired e -> {
        context.publish(LegState.RELEASED, null, null);
        yield end();
      }
      case SubscriptionEnded s -> State.CONFIRMED;
      case CancelRequested c -> State.CONFIRMED;
      case Provisional p -> State.CONFIRMED;
      case Answered a -> throw illegal(event);
      case Rejected r -> throw illegal(event);
    };
  }

  private State subscriptionOnly(Event event) {
    return switch (event) {
      case SubscriptionEnded s -> {
        if (hasPendingSubscription()) {
          yield State.SUBSCRIPTION_ONLY;
        }
        context.forget(this);
        yield State.TERMINATED;
      }
      case Expired e -> end();
      case ByeCompleted b -> State.SUBSCRIPTION_ONLY;
      case CancelRequested c -> State.SUBSCRIPTION_ONLY;
      case Provisional p -> State.SUBSCRIPTION_ONLY;
      case Answered a -> throw illegal(event);
      case Rejected r -> throw illegal(event);
    };
  }

  private State terminated(Event event) {
    return switch (event) {
      case ByeCompleted b -> State.TERMINATED;
      case SubscriptionEnded s -> State.TERMINATED;
      case Expired e -> State.TERMINATED;
      case CancelRequested c -> State.TERMINATED;
      case Provisional p -> State.TERMINATED;
      case Answered a -> throw illegal(event);
      case Rejected r -> throw illegal(event);
    };
  }

  private State failed(Event event) {
    return switch (event) {
      case CancelRequested c -> State.FAILED;
      case Provisional p -> State.FAILED;
      case Answered a -> throw illegal(event);
      case Rejected r -> throw illegal(event);
      case ByeCompleted b -> throw illegal(event);
      case SubscriptionEnded s -> throw illegal(event);
      case Expired e -> throw illegal(event);
    };
  }

  /** Ends every injected REFER with the dialog and forgets it. */
  private State end() {
    for (InjectedRefer refer : refers.values()) {
      refer.on(new InjectedRefer.DialogEnded());
    }
    context.forget(this);
    return State.TERMINATED;
  }

  private boolean hasPendingSubscription() {
    return refers.values().stream().anyMatch(r -> r.state() != InjectedRefer.State.TERMINATED);
  }

  private IllegalStateException illegal(Event event) {
    return new IllegalStateException(
        "dialog " + callId + ": " + event.getClass().getSimpleName() + " in state " + state);
  }

  // --- what the in-dialog path and the REFER handler ask of a confirmed dialog ---

  DialogId id() {
    synchronized (this) {
      return new DialogId(callId, caller.tag(), calleeTag);
    }
  }

  String callId() {
    return callId;
  }

  synchronized Instant confirmedAt() {
    return confirmedAt;
  }

  /**
   * True if the dialog was confirmed more than {@code maxAge} before {@code now}, or if its session
   * interval passed since the last refresh.
   */
  synchronized boolean outlived(Instant now, Duration maxAge) {
    if (confirmedAt == null) {
      return false;
    }
    return confirmedAt.plus(maxAge).isBefore(now)
        || (sessionExpires != null && refreshedAt.plus(sessionExpires).isBefore(now));
  }

  /**
   * A 2xx to a re-INVITE or UPDATE refreshed the session at {@code at}; its {@code Session-Expires}
   * (null: none) is the interval from now on (RFC 4028 §10).
   */
  synchronized void refreshed(Instant at, Duration interval) {
    refreshedAt = at;
    sessionExpires = interval;
  }

  /** The caller side as the callee sees it: its URI, tag and current remote target. */
  synchronized Party caller() {
    return new Party(caller.uri(), caller.tag(), callerContact);
  }

  synchronized Party callee() {
    return new Party(calleeUri, calleeTag, calleeContact);
  }

  List<Address> callerRouteSet() {
    return callerRouteSet;
  }

  /**
   * The CSeq a callee→caller request gets towards the caller: its own plus the number of requests
   * the proxy injected into the callee side's sequence (RFC 3261 §12.2.2: the caller must never see
   * that sequence go backwards).
   */
  synchronized long shiftTowardsCaller(long cseq) {
    long shifted = cseq + cseqShift;
    calleeCseq = Math.max(calleeCseq, shifted);
    return shifted;
  }

  /** Undoes {@link #shiftTowardsCaller} for a response that matches no transaction any more. */
  synchronized long unshift(long cseq) {
    return cseq - cseqShift;
  }

  /**
   * Starts a REFER the proxy sends to the caller side on the callee side's behalf: takes the next
   * CSeq of the callee side's sequence and registers the REFER under it, so its NOTIFYs (Event id =
   * that CSeq, RFC 3515 §2.4.6) are recognised. Null if the dialog is not confirmed any more.
   */
  synchronized InjectedRefer injectRefer(InjectedRefer.Context referContext) {
    if (state != State.CONFIRMED) {
      return null;
    }
    cseqShift++;
    calleeCseq++;
    InjectedRefer refer = new InjectedRefer(calleeCseq, referContext);
    refers.put(calleeCseq, refer);
    return refer;
  }

  /**
   * Hands a NOTIFY from the caller side to the injected REFER it reports on (its Event id); false
   * if the proxy injected no REFER with that CSeq. Refer events go through the dialog so locks are
   * always taken dialog first, then REFER.
   */
  synchronized boolean notifyRefer(long eventId, InjectedRefer.Notify notify) {
    InjectedRefer refer = refers.get(eventId);
    if (refer == null) {
      return false;
    }
    refer.on(new InjectedRefer.Notified(notify));
    return true;
  }

  /** The caller side's final response to the injected REFER with this CSeq. */
  synchronized void answerRefer(long cseq, int status, String reason) {
    refers.get(cseq).on(new InjectedRefer.Answered(status, reason));
  }

  /**
   * A 2xx to a target refresh request (re-INVITE, UPDATE: RFC 3261 §12.2.1.2) replaced the remote
   * targets: the requester's Contact and the answerer's.
   */
  synchronized void refreshTargets(boolean fromCallee, Address requester, Address answerer) {
    Address newCaller = fromCallee ? answerer : requester;
    Address newCallee = fromCallee ? requester : answerer;
    if (newCaller != null) {
      callerContact = newCaller;
    }
    if (newCallee != null) {
      calleeContact = newCallee;
    }
  }

  @Override
  public String toString() {
    return "dialog " + callId + " (" + caller.tag() + "/" + calleeTag + ")";
  }
}
