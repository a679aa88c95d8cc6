package io.baton.transfer;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One transfer and its state machine. The transfer server sends an out-of-dialog REFER (RFC 3515)
 * to the proxy holding the call and follows the implicit subscription's NOTIFYs, whose {@code
 * message/sipfrag} bodies report how the new leg fares (docs/architecture.md, "The transfer" 6):
 *
 * <pre>
 *   requested --REFER 2xx--> routing --sipfrag 100--> dialing --sipfrag 18x--> ringing
 *       |                       |                        |                        |
 *       +-----------------------+-------sipfrag 2xx------+------------------------+--> completed
 *       +-----------------------+--REFER >=300, sipfrag >=300, subscription ended,+--> failed
 *                                   no final NOTIFY in time, no proxy (requested only)
 * </pre>
 *
 * Progress only moves forward: a NOTIFY may overtake the REFER's 202 (RFC 3515 §2.4.4), a late 202
 * or a second 18x changes nothing. A NOTIFY whose CSeq is not above the last one seen was reordered
 * by UDP and is stale (RFC 3261 §12.2.2); once completed or failed, the transfer ignores every late
 * answer, NOTIFY and timer. Side effects (storing, cancelling the timer) go through the {@link
 * Context}.
 */
public final class Transfer {

  public enum State {
    REQUESTED,
    ROUTING,
    DIALING,
    RINGING,
    COMPLETED,
    FAILED;

    public boolean terminal() {
      return this == COMPLETED || this == FAILED;
    }

    /** The API's spelling: {@code requested}, {@code routing}, ... */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What can happen to a transfer. */
  public sealed interface Event
      permits ReferAccepted, ReferRejected, Notified, SubscriptionTerminated, TimedOut, NoProxy {}

  /** The REFER got a 2xx: the element holding the call took the transfer on. */
  public record ReferAccepted(int status, String reason) implements Event {}

  /** The REFER got a final status ≥ 300, or none at all (408) or could not be sent (503). */
  public record ReferRejected(int status, String reason) implements Event {}

  /** A NOTIFY whose sipfrag reports {@code status}; {@code cseq} orders NOTIFYs. */
  public record Notified(long cseq, int status, String reason) implements Event {}

  /** A NOTIFY ended the subscription (RFC 6665 §4.1.3) without a final sipfrag status. */
  public record SubscriptionTerminated(long cseq, String reason) implements Event {}

  /** No final NOTIFY arrived within {@code after} of the request. */
  public record TimedOut(Duration after) implements Event {}

  /** The call has no live leg held by a proxy, so there is nobody to send the REFER to. */
  public record NoProxy() implements Event {}

  /** Where the machine's decisions take effect. */
  public interface Context {
    /**
     * {@code transfer} has just left {@code from} for its current state, because of {@code cause}.
     */
    void entered(Transfer transfer, State from, String cause);
  }

  private final String id;
  private final String callId;
  private final String tenant;
  private final String to;
  private final Destination destination;
  private final TransferMode mode;
  private final int timeoutSeconds;
  private final Instant createdAt;
  private final Context context;
  private State state = State.REQUESTED;
  private Integer sipStatus;
  private String reason;
  private Long lastNotifyCseq;

  public Transfer(
      String id,
      String callId,
      String tenant,
      String to,
      Destination destination,
      TransferMode mode,
      int timeoutSeconds,
      Instant createdAt,
      Context context) {
    this.id = Objects.requireNonNull(id, "id");
    this.callId = Objects.requireNonNull(callId, "callId");
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.to = Objects.requireNonNull(to, "to");
    this.destination = Objects.requireNonNull(destination, "destination");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.timeoutSeconds = timeoutSeconds;
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * Applies one event and returns the state it leaves the transfer in.
   *
   * @throws IllegalStateException for an event the current state cannot take
   */
  public synchronized State on(Event event) {
    if (state.terminal() || isStale(event)) {
      return state;
    }
    State from = state;
    switch (event) {
      case ReferAccepted e -> {
        if (state == State.REQUESTED) {
          state = State.ROUTING;
        }
      }
      case ReferRejected e -> fail(e.status(), e.reason());
      case Notified e -> {
        lastNotifyCseq = e.cseq();
        progress(e.status(), e.reason());
      }
      case SubscriptionTerminated e -> {
        lastNotifyCseq = e.cseq();
        fail(null, "subscription terminated (" + e.reason() + ") without a final status");
      }
      case TimedOut e -> fail(null, "no final NOTIFY within " + seconds(e.after()));
      case NoProxy e -> {
        if (state != State.REQUESTED) {
          throw new IllegalStateException("transfer " + id + ": " + e + " in state " + state);
        }
        fail(null, "no proxy holds the call");
      }
    }
    if (state != from) {
      context.entered(this, from, cause(event));
    }
    return state;
  }

  private boolean isStale(Event event) {
    long cseq =
        switch (event) {
          case Notified n -> n.cseq();
          case SubscriptionTerminated t -> t.cseq();
          default -> Long.MAX_VALUE;
        };
    return lastNotifyCseq != null && cseq <= lastNotifyCseq;
  }

  private void progress(int status, String phrase) {
    if (status >= 300) {
      fail(status, phrase);
    } else if (status >= 200) {
      state = State.COMPLETED;
      sipStatus = status;
      reason = phrase;
    } else if (status >= 180) {
      state = later(State.RINGING);
    } else {
      state = later(State.DIALING);
    }
  }

  /** Progress never goes back: a 100 after a 180 leaves the transfer ringing. */
  private State later(State next) {
    return next.ordinal() > state.ordinal() ? next : state;
  }

  private void fail(Integer status, String why) {
    state = State.FAILED;
    sipStatus = status;
    reason = why;
  }

  private static String cause(Event event) {
    return switch (event) {
      case ReferAccepted e -> "REFER answered " + e.status() + " " + e.reason();
      case ReferRejected e -> "REFER answered " + e.status() + " " + e.reason();
      case Notified e -> "NOTIFY SIP/2.0 " + e.status() + " " + e.reason();
      case SubscriptionTerminated e -> "NOTIFY terminated the subscription (" + e.reason() + ")";
      case TimedOut e -> "no final NOTIFY within " + seconds(e.after());
      case NoProxy e -> "no proxy holds the call";
    };
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }

  public String id() {
    return id;
  }

  public String callId() {
    return callId;
  }

  public String tenant() {
    return tenant;
  }

  public String to() {
    return to;
  }

  public Destination destination() {
    return destination;
  }

  public TransferMode mode() {
    return mode;
  }

  public int timeoutSeconds() {
    return timeoutSeconds;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public synchronized State state() {
    return state;
  }

  /** The SIP status that ended the transfer; null while it runs or when none was received. */
  public synchronized Integer sipStatus() {
    return sipStatus;
  }

  /** Why the transfer ended as it did; null while it runs. */
  public synchronized String reason() {
    return reason;
  }

  @Override
  public synchronized String toString() {
    return "Transfer[" + id + " " + state.wire() + " call " + callId + " to " + to + "]";
  }
}
