package io.baton.transfer;

import io.baton.contract.OnFail;
import io.baton.contract.TransferMode;
import io.baton.contract.TransferOutcome;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One transfer and its state machine. The transfer server sends an out-of-dialog REFER (RFC 3515)
 * to the proxy holding the call and follows the implicit subscription's NOTIFYs, whose {@code
 * message/sipfrag} bodies and {@code X-Baton-Transfer-Attempt} / {@code X-Baton-Transfer-Outcome}
 * headers report how SBC-edge works through the targets (docs/architecture.md, "Transfers that
 * always finish"):
 *
 * <pre>
 *              REFER 2xx          100            18x              200, active
 *   requested ----------> routing -----> dialing -----> ringing -----------> answered
 *                                         ^  ^            |                      |
 *                                         |  +------------+ 100 of attempt n+1   | 200, terminated,
 *                                         +-- (dialing) --+                      | outcome completed
 *                                                                                v
 *   every running state --NOTIFY that terminates the subscription, by its outcome--> completed
 *                         (none given: 2xx completed, else failed)                   | failed
 *                                                                                    | rolled_back
 *                                                                                    | cancelled
 *   requested --REFER >= 300, REFER unanswered (408), no proxy--> failed
 *   every running state --no final NOTIFY within the targets' timeouts plus the grace--> failed
 *   every running state --after a restart, the call's legs show the outcome--> any final state
 * </pre>
 *
 * A failure NOTIFY that keeps the subscription active is one attempt's failure: SBC-edge goes on
 * with the next target, so the state stays and the failure is recorded in the history. Within one
 * attempt progress only moves forward (a NOTIFY may overtake the REFER's 202, RFC 3515 §2.4.4; a
 * late 202 or a second 18x changes nothing). A NOTIFY whose CSeq is not above the last one seen was
 * reordered by UDP and is stale (RFC 3261 §12.2.2); once terminal, the transfer ignores every late
 * answer, NOTIFY and timer. Side effects (storing, publishing, cancelling timers) go through the
 * {@link Context}.
 */
public final class Transfer {

  public enum State {
    REQUESTED,
    ROUTING,
    DIALING,
    RINGING,
    ANSWERED,
    COMPLETED,
    FAILED,
    ROLLED_BACK,
    CANCELLED;

    public boolean terminal() {
      return ordinal() >= COMPLETED.ordinal();
    }

    /** The API's spelling: {@code requested}, {@code rolled_back}, ... */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The state spelled {@code text} as {@link #wire()} does. */
    public static Optional<State> fromWire(String text) {
      for (State s : values()) {
        if (s.wire().equals(text)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }

    /** The final state a NOTIFY's {@code X-Baton-Transfer-Outcome} names. */
    public static State of(TransferOutcome outcome) {
      return switch (outcome) {
        case COMPLETED -> COMPLETED;
        case FAILED -> FAILED;
        case ROLLED_BACK -> ROLLED_BACK;
        case CANCELLED -> CANCELLED;
      };
    }
  }

  /**
   * One destination of the ordered fallback list.
   *
   * @param to as the client wrote it
   * @param destination what it resolved to
   * @param timeoutSeconds how long it may ring
   */
  public record Target(String to, ReferTarget destination, int timeoutSeconds) {
    public Target {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(destination, "destination");
    }
  }

  /** What can happen to a transfer. */
  public sealed interface Event
      permits ReferAccepted,
          ReferRejected,
          ReferUnanswered,
          Progress,
          Ended,
          TimedOut,
          NoProxy,
          Recovered {}

  /** The REFER got a 2xx: the element holding the call took the transfer on. */
  public record ReferAccepted(int status, String reason) implements Event {}

  /** The REFER got a final status ≥ 300 (a local 408 if unanswered, 503 if it could not go). */
  public record ReferRejected(int status, String reason) implements Event {}

  /** The REFER's own timer: no answer and no NOTIFY within {@code after}. */
  public record ReferUnanswered(Duration after) implements Event {}

  /**
   * A NOTIFY that keeps the subscription active: attempt {@code attempt} (null if the NOTIFY names
   * none: the current one) reports {@code status} ({@code 100}, {@code 18x}, {@code 200} answered,
   * or {@code ≥ 300} failed with more targets left).
   */
  public record Progress(long cseq, Integer attempt, int status, String reason) implements Event {}

  /**
   * The NOTIFY that ended the subscription (RFC 6665 §4.1.3).
   *
   * @param status its sipfrag's status; null if it had none
   * @param outcome its {@code X-Baton-Transfer-Outcome}; null if it had none
   * @param subscriptionReason the {@code reason} of {@code Subscription-State: terminated}
   */
  public record Ended(
      long cseq,
      Integer attempt,
      Integer status,
      String reason,
      TransferOutcome outcome,
      String subscriptionReason)
      implements Event {}

  /** No final NOTIFY arrived within {@code after} of the request. */
  public record TimedOut(Duration after) implements Event {}

  /** The call has no live leg held by a proxy, so there is nobody to send the REFER to. */
  public record NoProxy() implements Event {}

  /**
   * After a restart of the transfer server, which lost the NOTIFYs sent while it was down: the
   * call's legs show that the transfer ended in {@code outcome} ({@link TransferRecovery}).
   */
  public record Recovered(State outcome, String cause) implements Event {
    public Recovered {
      if (!outcome.terminal()) {
        throw new IllegalArgumentException("a recovered transfer ends: " + outcome);
      }
      Objects.requireNonNull(cause, "cause");
    }
  }

  /** Where the machine's decisions take effect. */
  public interface Context {
    /**
     * {@code transfer} has just left {@code from} for its current state (possibly the same one, for
     * an attempt's failure), because of {@code cause}.
     */
    void entered(Transfer transfer, State from, String cause);
  }

  private final String id;
  private final String callId;
  private final String tenant;
  private final List<Target> targets;
  private final TransferMode mode;
  private final OnFail onFail;
  private final Map<String, String> passHeaders;
  private final BigDecimal maxRate;
  private final Instant createdAt;
  private final Context context;
  private State state = State.REQUESTED;
  private int attempt = 1;
  private Integer sipStatus;
  private String reason;
  private Long lastNotifyCseq;

  /** A transfer whose number targets may take carrier routes of any rate. */
  public Transfer(
      String id,
      String callId,
      String tenant,
      List<Target> targets,
      TransferMode mode,
      OnFail onFail,
      Map<String, String> passHeaders,
      Instant createdAt,
      Context context) {
    this(id, callId, tenant, targets, mode, onFail, passHeaders, null, createdAt, context);
  }

  /**
   * @param tenant the tenant owning the call ({@code ""} if none)
   * @param targets tried in order, at least one
   * @param passHeaders headers SBC-edge puts on the new legs' INVITEs, by name
   * @param maxRate the dearest carrier route per minute its number targets may take (the tenant's
   *     {@code maxRatePerMinute}); null for no ceiling
   */
  public Transfer(
      String id,
      String callId,
      String tenant,
      List<Target> targets,
      TransferMode mode,
      OnFail onFail,
      Map<String, String> passHeaders,
      BigDecimal maxRate,
      Instant createdAt,
      Context context) {
    this.id = Objects.requireNonNull(id, "id");
    this.callId = Objects.requireNonNull(callId, "callId");
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.targets = List.copyOf(targets);
    if (this.targets.isEmpty()) {
      throw new IllegalArgumentException("transfer " + id + " has no target");
    }
    this.mode = Objects.requireNonNull(mode, "mode");
    this.onFail = Objects.requireNonNull(onFail, "onFail");
    this.passHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(passHeaders));
    this.maxRate = maxRate;
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * The transfer as a previous run of the server stored it, {@code stored.state()} not final: its
   * REFER went out (or not) before the restart, so it follows NOTIFYs from there. The headers it
   * passed on are not stored: they went with the REFER.
   */
  static Transfer resumed(TransferView stored, Context context) {
    List<Target> targets =
        stored.targets().stream()
            .map(t -> new Target(t.to(), ReferTarget.ofUri(t.destination()), t.timeoutSeconds()))
            .toList();
    Transfer t =
        new Transfer(
            stored.id(),
            stored.callId(),
            stored.tenant(),
            targets,
            TransferMode.fromWire(stored.mode()).orElseThrow(() -> unreadable(stored, "mode")),
            OnFail.fromWire(stored.onFail()).orElseThrow(() -> unreadable(stored, "onFail")),
            Map.of(),
            stored.createdAt(),
            context);
    t.state = State.fromWire(stored.state()).orElseThrow(() -> unreadable(stored, "state"));
    if (t.state.terminal()) {
      throw new IllegalArgumentException("transfer " + stored.id() + " has ended: " + t.state);
    }
    t.attempt = stored.attempt();
    return t;
  }

  private static IllegalArgumentException unreadable(TransferView stored, String field) {
    return new IllegalArgumentException("transfer " + stored.id() + ": unreadable " + field);
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
    String cause =
        switch (event) {
          case ReferAccepted e -> {
            if (state != State.REQUESTED) {
              yield null; // a NOTIFY overtook the 202
            }
            state = State.ROUTING;
            yield "REFER answered " + e.status() + " " + e.reason();
          }
          case ReferRejected e -> {
            if (state != State.REQUESTED) {
              // NOTIFYs prove SBC-edge took the REFER on (RFC 3515 §2.4.4): this is the stack's
              // own 408 for a 202 that was lost on the way back.
              yield null;
            }
            yield end(
                State.FAILED,
                e.status(),
                e.reason(),
                "REFER answered " + e.status() + " " + e.reason());
          }
          case ReferUnanswered e -> {
            if (state != State.REQUESTED) {
              yield null; // NOTIFYs prove the REFER arrived; only its answer was lost
            }
            String why = "REFER unanswered within " + seconds(e.after());
            yield end(State.FAILED, 408, why, why);
          }
          case Progress e -> progress(e);
          case Ended e -> ended(e);
          case TimedOut e -> {
            String why = "no final NOTIFY within " + seconds(e.after());
            yield end(State.FAILED, null, why, why);
          }
          case NoProxy e -> {
            if (state != State.REQUESTED) {
              throw new IllegalStateException("transfer " + id + ": " + e + " in state " + state);
            }
            yield end(State.FAILED, null, "no proxy holds the call", "no proxy holds the call");
          }
          case Recovered e -> end(e.outcome(), null, e.cause(), e.cause());
        };
    if (cause != null) {
      context.entered(this, from, cause);
    }
    return state;
  }

  /** A NOTIFY not newer than the last one is stale; a newer one is remembered as the last. */
  private boolean isStale(Event event) {
    Long cseq =
        switch (event) {
          case Progress p -> p.cseq();
          case Ended e -> e.cseq();
          default -> null;
        };
    if (cseq == null) {
      return false;
    }
    if (lastNotifyCseq != null && cseq <= lastNotifyCseq) {
      return true;
    }
    lastNotifyCseq = cseq;
    return false;
  }

  private String progress(Progress e) {
    int n = e.attempt() == null ? attempt : e.attempt();
    if (n < attempt) {
      return null; // news of an attempt SBC-edge has already given up
    }
    String notify =
        "NOTIFY SIP/2.0 "
            + e.status()
            + " "
            + e.reason()
            + (e.attempt() == null ? "" : ", attempt " + n);
    if (e.status() >= 300) {
      // This target failed and the subscription goes on: SBC-edge tries the next one.
      attempt = n;
      return notify + " failed";
    }
    State next =
        e.status() >= 200 ? State.ANSWERED : e.status() >= 180 ? State.RINGING : State.DIALING;
    if (n > attempt) {
      if (state == State.ANSWERED) {
        throw new IllegalStateException(
            "transfer "
                + id
                + ": attempt "
                + n
                + " started after attempt "
                + attempt
                + " answered");
      }
      attempt = n;
      state = next;
      return notify;
    }
    if (next.ordinal() <= state.ordinal()) {
      return null; // progress never goes back within an attempt
    }
    state = next;
    return notify;
  }

  private String ended(Ended e) {
    if (e.attempt() != null && e.attempt() > attempt) {
      attempt = e.attempt();
    }
    boolean finalStatus = e.status() != null && e.status() >= 200;
    TransferOutcome outcome =
        e.outcome() != null
            ? e.outcome()
            : !finalStatus
                ? null
                : e.status() < 300 ? TransferOutcome.COMPLETED : TransferOutcome.FAILED;
    if (outcome == null) {
      return end(
          State.FAILED,
          null,
          "subscription terminated (" + e.subscriptionReason() + ") without a final status",
          "NOTIFY terminated the subscription (" + e.subscriptionReason() + ")");
    }
    String cause =
        (e.status() == null
                ? "NOTIFY terminated the subscription (" + e.subscriptionReason() + ")"
                : "NOTIFY SIP/2.0 " + e.status() + " " + e.reason())
            + (e.outcome() == null ? "" : ", outcome " + outcome.wire());
    return end(
        State.of(outcome),
        finalStatus ? e.status() : null,
        finalStatus
            ? e.reason()
            : "subscription terminated (" + e.subscriptionReason() + "), outcome " + outcome.wire(),
        cause);
  }

  /** Ends the transfer in {@code terminal}; returns {@code cause}. */
  private String end(State terminal, Integer status, String why, String cause) {
    state = terminal;
    sipStatus = status;
    reason = why;
    return cause;
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

  public List<Target> targets() {
    return targets;
  }

  /** The first target, whose {@code to}, destination and timeout the resource shows on top. */
  public Target first() {
    return targets.getFirst();
  }

  /** How long SBC-edge may take over every target: the sum of their timeouts. */
  public Duration ringTime() {
    return Duration.ofSeconds(targets.stream().mapToLong(Target::timeoutSeconds).sum());
  }

  public TransferMode mode() {
    return mode;
  }

  public OnFail onFail() {
    return onFail;
  }

  public Map<String, String> passHeaders() {
    return passHeaders;
  }

  /** The ceiling the REFER carries in {@code X-Baton-Max-Rate}, if any. */
  public Optional<BigDecimal> maxRate() {
    return Optional.ofNullable(maxRate);
  }

  public Instant createdAt() {
    return createdAt;
  }

  public synchronized State state() {
    return state;
  }

  /** The 1-based attempt (target) SBC-edge reported last; 1 until it reports one. */
  public synchronized int attempt() {
    return attempt;
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
    return "Transfer[" + id + " " + state.wire() + " call " + callId + " to " + first().to() + "]";
  }
}
