package io.baton.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sip.header.Header;

/**
 * A REFER the proxy sent to the caller side on behalf of a transfer server (docs/architecture.md,
 * "The transfer" steps 3 and 5), and the implicit subscription it creates (RFC 3515 §2.4.4, RFC
 * 6665). The caller side's final answer is relayed to the transfer server as the answer to its
 * out-of-dialog REFER; each NOTIFY is re-sent to the transfer server in that REFER's dialog.
 *
 * <pre>
 * state       event                 next        side effect
 * SENT        Answered(2xx)         ACCEPTED    answer the transfer server, relay held NOTIFYs
 *                                   TERMINATED  ... when a held NOTIFY was the final one
 * SENT        Answered(>=300)       TERMINATED  answer the transfer server
 * SENT        Notified              SENT        hold it (NOTIFY may overtake the 2xx, RFC 6665 §4.1.2.4;
 *                                               the transfer server must see its 202 first)
 * SENT        DialogEnded           TERMINATED  answer the transfer server 481
 * ACCEPTED    Notified(active)      ACCEPTED    relay
 * ACCEPTED    Notified(terminated)  TERMINATED  relay
 * ACCEPTED    DialogEnded           TERMINATED
 * TERMINATED  Notified              TERMINATED  relay (a straggler: the transfer server orders by CSeq)
 * TERMINATED  Answered|DialogEnded  TERMINATED  (the answer came after the dialog ended)
 * ACCEPTED    Answered              illegal (one final response per transaction)
 *
 * Entering TERMINATED other than by DialogEnded tells the dialog the subscription ended.
 * </pre>
 */
final class InjectedRefer {

  enum State {
    SENT,
    ACCEPTED,
    TERMINATED
  }

  sealed interface Event permits Answered, Notified, DialogEnded {}

  /** The caller side's final response to the REFER (a made-up 408 if it never answered). */
  record Answered(int status, String reason) implements Event {
    Answered {
      if (status < 200 || status > 699) {
        throw new IllegalArgumentException("not a final status: " + status);
      }
    }
  }

  /** A NOTIFY for this REFER from the caller side. */
  record Notified(Notify message) implements Event {}

  /** The dialog the REFER was sent in is gone. */
  record DialogEnded() implements Event {}

  /**
   * A NOTIFY's content as the transfer server gets it again (RFC 3515 §2.4.5).
   *
   * @param cseq the caller side's CSeq, kept so the transfer server can drop reordered NOTIFYs
   * @param contentType e.g. {@code message/sipfrag}; null without a body
   * @param batonHeaders its {@code X-Baton-*} headers (attempt, outcome), in order
   */
  record Notify(
      long cseq,
      String subscriptionState,
      String contentType,
      String body,
      List<Header> batonHeaders) {
    Notify {
      batonHeaders = List.copyOf(batonHeaders);
    }

    /** RFC 6665 §8.2.3: {@code Subscription-State: terminated} ends the subscription. */
    boolean terminated() {
      return subscriptionState != null
          && subscriptionState.trim().toLowerCase(Locale.ROOT).startsWith("terminated");
    }
  }

  /** Everything the REFER does to the world. */
  interface Context {
    /** Answers the transfer server's out-of-dialog REFER. */
    void answer(int status, String reason);

    /** Sends the NOTIFY on to the transfer server in its REFER's dialog. */
    void relay(Notify notify);

    /** The subscription is over: the dialog may end now if nothing else keeps it. */
    void ended();
  }

  private final long cseq;
  private final Context context;
  private final List<Notify> held = new ArrayList<>();
  private State state = State.SENT;

  InjectedRefer(long cseq, Context context) {
    this.cseq = cseq;
    this.context = context;
  }

  /** The REFER's CSeq in the callee side's sequence; its NOTIFYs carry it as the Event id. */
  long cseq() {
    return cseq;
  }

  synchronized State state() {
    return state;
  }

  synchronized State on(Event event) {
    State previous = state;
    state =
        switch (state) {
          case SENT -> sent(event);
          case ACCEPTED -> accepted(event);
          case TERMINATED -> terminated(event);
        };
    // Told after the state is stored, so the dialog sees this subscription as over.
    if (state == State.TERMINATED
        && previous != State.TERMINATED
        && !(event instanceof DialogEnded)) {
      context.ended();
    }
    return state;
  }

  private State sent(Event event) {
    return switch (event) {
      case Answered a when a.status() < 300 -> {
        context.answer(a.status(), a.reason());
        State next = State.ACCEPTED;
        for (Notify n : held) {
          next = next == State.ACCEPTED ? relay(n) : terminated(new Notified(n));
        }
        held.clear();
        yield next;
      }
      case Answered a -> {
        context.answer(a.status(), a.reason());
        held.clear();
        yield State.TERMINATED;
      }
      case Notified n -> {
        held.add(n.message());
        yield State.SENT;
      }
      case DialogEnded d -> {
        context.answer(481, "Call/Transaction Does Not Exist");
        held.clear();
        yield State.TERMINATED;
      }
    };
  }

  private State accepted(Event event) {
    return switch (event) {
      case Notified n -> relay(n.message());
      case DialogEnded d -> State.TERMINATED;
      case Answered a -> throw illegal(event);
    };
  }

  private State terminated(Event event) {
    return switch (event) {
      case Notified n -> {
        context.relay(n.message());
        yield State.TERMINATED;
      }
      case Answered a -> State.TERMINATED;
      case DialogEnded d -> State.TERMINATED;
    };
  }

  /** Relays one NOTIFY in the ACCEPTED state; the final one ends the subscription. */
  private State relay(Notify notify) {
    context.relay(notify);
    return notify.terminated() ? State.TERMINATED : State.ACCEPTED;
  }

  private IllegalStateException illegal(Event event) {
    return new IllegalStateException(
        "injected REFER " + cseq + ": " + event.getClass().getSimpleName() + " in state " + state);
  }
}
