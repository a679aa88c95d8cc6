package io.baton.ua;

import io.baton.media.MediaActivity;
import io.baton.media.RtpStream;
import io.baton.sip.CallLifetime;
import io.baton.sip.DtmfRelay;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipEndpoint;
import io.baton.sip.sdp.SessionDescription;
import io.baton.ua.CallMachine.Event;
import io.baton.ua.CallMachine.State;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of a simulated endpoint, placed ({@link UserAgent#dial}) or received: its SIP dialog,
 * its audio and what happened to it, for tests and the lab to observe and steer. Its lifecycle is a
 * {@link CallMachine}.
 */
public final class UaCall {
  private static final Logger LOG = LoggerFactory.getLogger(UaCall.class);

  /**
   * What ends an answered call by itself (docs "Call lifetimes"): its limits, the clock they are
   * measured on and the scheduler their timers run on.
   */
  record Lifetime(CallLifetime limits, Clock clock, ScheduledExecutorService scheduler) {}

  private final SipEndpoint endpoint;
  private final InboundRequest inbound; // the INVITE of a received call, else null
  private final OutboundTransaction outbound; // the INVITE of a placed call, else null
  private final Request invite;
  private final SessionDescription localSdp;
  private final RtpStream rtp;
  private final Clock clock;
  private final Lifetime lifetime;
  private final List<ScheduledFuture<?>> lifetimeTimers = new CopyOnWriteArrayList<>();
  private volatile ScheduledFuture<?> ackTimer;
  private final Instant startedAt;
  private final CallMachine machine;
  private final List<String> inDialogRequests = new CopyOnWriteArrayList<>();
  private final List<Character> digits = new CopyOnWriteArrayList<>();
  private volatile Consumer<Character> onDigit = d -> {};
  private final CompletableFuture<Integer> finalStatus = new CompletableFuture<>();
  private final CompletableFuture<State> ended = new CompletableFuture<>();
  private volatile Response ok;
  private volatile Instant answeredAt;
  private volatile Instant endedAt;
  private volatile ScheduledFuture<?> timer;

  private UaCall(
      SipEndpoint endpoint,
      InboundRequest inbound,
      OutboundTransaction outbound,
      SessionDescription offer,
      SessionDescription localSdp,
      RtpStream rtp,
      Lifetime lifetime) {
    this.endpoint = endpoint;
    this.inbound = inbound;
    this.outbound = outbound;
    this.invite = inbound != null ? inbound.request() : outbound.request();
    this.localSdp = localSdp;
    this.rtp = rtp;
    this.clock = lifetime.clock();
    this.lifetime = lifetime;
    this.startedAt = clock.instant();
    this.machine =
        inbound != null ? CallMachine.uas(offer, new Effects()) : CallMachine.uac(new Effects());
  }

  /** A call received in {@code inbound}, answered with {@code localSdp} when accepted. */
  static UaCall incoming(
      SipEndpoint endpoint,
      InboundRequest inbound,
      SessionDescription offer,
      SessionDescription localSdp,
      RtpStream rtp,
      Lifetime lifetime) {
    return new UaCall(endpoint, inbound, null, offer, localSdp, rtp, lifetime);
  }

  /** A call placed by {@code outbound}, an INVITE carrying {@code localSdp}. */
  static UaCall outgoing(
      SipEndpoint endpoint,
      OutboundTransaction outbound,
      SessionDescription localSdp,
      RtpStream rtp,
      Lifetime lifetime) {
    UaCall call = new UaCall(endpoint, null, outbound, null, localSdp, rtp, lifetime);
    outbound.onProvisional(r -> call.fireSafely(new CallMachine.Provisional(r.getStatusCode())));
    // Off the caller's thread: OutboundTransaction.cancel() completes the future synchronously,
    // and the machine must not see the final response inside its own HangUp transition.
    outbound
        .finalResponse()
        .thenAcceptAsync(call::onFinalResponse, r -> Thread.ofVirtual().start(r));
    return call;
  }

  private void onFinalResponse(Response response) {
    int status = response.getStatusCode();
    if (status >= 300) {
      fireSafely(new CallMachine.Failed(status));
      return;
    }
    ok = response;
    SessionDescription answer;
    try {
      answer = AudioSdp.of(response);
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "{}: call {} answered without a usable SDP: {}",
          endpoint.name(),
          sipCallId(),
          e.getMessage());
      answer = null;
    }
    fireSafely(new CallMachine.Answered(answer));
  }

  /** Applies an event and publishes its outcome to waiters. */
  State fire(Event event) {
    State after = machine.on(event);
    settle(after);
    return after;
  }

  /** {@link #fire} from a thread nobody waits on: a refused event is logged, not thrown. */
  void fireSafely(Event event) {
    try {
      fire(event);
    } catch (RuntimeException e) {
      LOG.warn("{}: call {}: {}", endpoint.name(), sipCallId(), e.getMessage());
    }
  }

  private synchronized void settle(State state) {
    int status = machine.finalStatus();
    if (status != 0 && !finalStatus.isDone()) {
      if (status < 300) {
        answeredAt = clock.instant();
        armLifetime(state);
      }
      finalStatus.complete(status);
    }
    ScheduledFuture<?> ack = ackTimer;
    if (ack != null && state != State.ANSWERED && state != State.BYE_AFTER_ACK) {
      ack.cancel(false);
      ackTimer = null;
    }
    if (state.terminal() && !ended.isDone()) {
      endedAt = clock.instant();
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      lifetimeTimers.forEach(l -> l.cancel(false));
      LOG.debug(
          "{}: call {} {} ({}; rtp sent {} received {})",
          endpoint.name(),
          sipCallId(),
          state,
          endedByRemote() ? "by the peer" : "locally",
          rtp.packetsSent(),
          rtp.packetsReceived());
      ended.complete(state);
    }
  }

  /**
   * Arms what ends the answered call by itself: Timer H while the ACK is awaited, the maximum
   * duration, and the check for RTP from the peer.
   */
  private void armLifetime(State state) {
    CallLifetime limits = lifetime.limits();
    ScheduledExecutorService scheduler = lifetime.scheduler();
    if (state == State.ANSWERED) {
      ackTimer =
          scheduler.schedule(
              () -> expire(new CallMachine.AckTimeout()),
              limits.ackTimeout().toMillis(),
              TimeUnit.MILLISECONDS);
    }
    lifetimeTimers.add(
        scheduler.schedule(
            () -> expire(new CallMachine.Expired("maximum duration")),
            limits.maxDuration().toMillis(),
            TimeUnit.MILLISECONDS));
    if (limits.watchesMedia()) {
      MediaActivity activity = new MediaActivity(limits.mediaTimeout(), clock.instant());
      long period = activity.checkEvery().toMillis();
      lifetimeTimers.add(
          scheduler.scheduleWithFixedDelay(
              () -> {
                if (activity.silent(rtp.packetsReceived(), clock.instant())) {
                  expire(new CallMachine.Expired("no RTP from the peer"));
                }
              },
              period,
              period,
              TimeUnit.MILLISECONDS));
    }
  }

  private void expire(Event timeout) {
    if (!state().terminal()) {
      LOG.info("{}: call {} {}: hanging up", endpoint.name(), sipCallId(), timeout);
      fireSafely(timeout);
    }
  }

  /** Fires {@code event} after {@code delay} (e.g. the answer after ringing), unless ended. */
  void after(Duration delay, Event event, ScheduledExecutorService scheduler) {
    timer = scheduler.schedule(() -> fireSafely(event), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A DTMF digit the peer sent, as an RFC 4733 event or a SIP INFO. */
  void digitReceived(char digit) {
    digits.add(digit);
    onDigit.accept(digit);
  }

  /** Notes a request the peer sent inside the dialog. */
  void received(String method) {
    inDialogRequests.add(method);
  }

  // ---- what tests and the lab read ----

  /** The SIP Call-ID of this call's dialog. */
  public String sipCallId() {
    return Messages.callId(invite);
  }

  /** True for a call this endpoint received, false for one it placed. */
  public boolean incoming() {
    return inbound != null;
  }

  public State state() {
    return machine.state();
  }

  /** Every state the call has been in, first to current. */
  public List<State> history() {
    return machine.history();
  }

  /**
   * The first value of a header of the INVITE that created the call (received for incoming calls,
   * sent for placed ones), e.g. {@code header(BatonHeaders.CALL_ID)}; null if absent.
   */
  public String header(String name) {
    return Messages.headerValue(invite, name);
  }

  /** The peer's SDP (its offer, or its answer), as last updated by a re-INVITE; null if none. */
  public SessionDescription remoteSdp() {
    return machine.remote();
  }

  /** This endpoint's SDP: the offer it sent or the answer it gives (also to every re-INVITE). */
  public SessionDescription localSdp() {
    return localSdp;
  }

  /** The call's audio: packets sent and received, last level, last source. */
  public RtpStream rtp() {
    return rtp;
  }

  /** Runs {@code action} (on a virtual thread) with the INVITE's final status, once it has one. */
  public void whenFinal(java.util.function.IntConsumer action) {
    finalStatus.thenAcceptAsync(action::accept, r -> Thread.ofVirtual().start(r));
  }

  /** Runs {@code action} (on a virtual thread) once the call is over (ENDED or FAILED). */
  public void whenEnded(Runnable action) {
    ended.thenRunAsync(action, r -> Thread.ofVirtual().start(r));
  }

  /** The DTMF digits the peer sent so far (RFC 4733 events and SIP INFO alike), in order. */
  public List<Character> digits() {
    return List.copyOf(digits);
  }

  /** Tells {@code listener} each DTMF digit the peer sends from now on. */
  public void onDigit(Consumer<Character> listener) {
    this.onDigit = listener;
  }

  /**
   * Sends DTMF digits as RFC 4733 telephone-events in the RTP stream.
   *
   * @throws IllegalStateException if the SDP negotiated no telephone-event payload type
   */
  public void sendDigits(String keys) {
    rtp.sendDigits(keys);
  }

  /**
   * Sends DTMF digits as SIP INFO requests ({@code application/dtmf-relay}), the fallback for peers
   * without RFC 4733, one INFO per digit, each after the previous one was answered.
   *
   * @return the final status of each INFO, in order
   * @throws IllegalArgumentException if a character is not a DTMF digit
   */
  public List<Integer> sendInfoDigits(String keys, Duration timeout)
      throws TimeoutException, InterruptedException {
    List<DtmfRelay> relays = new java.util.ArrayList<>();
    for (char c : keys.toCharArray()) {
      relays.add(new DtmfRelay(c, 160));
    }
    List<Integer> statuses = new java.util.ArrayList<>();
    Dialog dialog = dialog();
    for (DtmfRelay relay : relays) {
      try {
        Request info = dialog.createRequest(Request.INFO);
        endpoint.messages().setBody(info, DtmfRelay.TYPE, DtmfRelay.SUBTYPE, relay.body());
        Response answer =
            endpoint
                .send(info, dialog)
                .finalResponse()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        statuses.add(answer.getStatusCode());
      } catch (SipException | ExecutionException e) {
        throw new IllegalStateException("cannot send INFO on call " + sipCallId(), e);
      }
    }
    return statuses;
  }

  /** Methods of the requests the peer sent inside this dialog (ACK, BYE, re-INVITE, ...). */
  public List<String> inDialogRequests() {
    return List.copyOf(inDialogRequests);
  }

  /** The INVITE's final status, sent or received; 0 while there is none. */
  public int finalStatus() {
    return machine.finalStatus();
  }

  /** True if the peer ended the call (BYE, or CANCEL before the answer). */
  public boolean endedByRemote() {
    return machine.endedByRemote();
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** When the 2xx was sent or received; null if never. */
  public Instant answeredAt() {
    return answeredAt;
  }

  /** When the call reached ENDED or FAILED; null while it lasts. */
  public Instant endedAt() {
    return endedAt;
  }

  /**
   * Waits for the INVITE's final status.
   *
   * @throws TimeoutException if there is none within {@code timeout}
   */
  public int awaitFinal(Duration timeout) throws TimeoutException, InterruptedException {
    return await(finalStatus, timeout, "final response");
  }

  /**
   * Waits for the answer.
   *
   * @throws IllegalStateException if the call got a final status of 300 or more instead
   * @throws TimeoutException if there is no final status within {@code timeout}
   */
  public UaCall awaitAnswered(Duration timeout) throws TimeoutException, InterruptedException {
    int status = awaitFinal(timeout);
    if (status >= 300) {
      throw new IllegalStateException("call " + sipCallId() + " was not answered: " + status);
    }
    return this;
  }

  /**
   * Waits until the call is over (ENDED or FAILED).
   *
   * @throws TimeoutException if it still lasts after {@code timeout}
   */
  public UaCall awaitEnded(Duration timeout) throws TimeoutException, InterruptedException {
    await(ended, timeout, "end");
    return this;
  }

  private <T> T await(CompletableFuture<T> future, Duration timeout, String what)
      throws TimeoutException, InterruptedException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "call " + sipCallId() + " had no " + what + " within " + timeout + " (" + state() + ")");
    }
  }

  /**
   * Hangs up: BYE once answered (for a received call, once its ACK has come), CANCEL while a placed
   * call rings, 603 Decline while a received one rings; nothing if the call is already over.
   */
  public void hangUp() {
    fire(new CallMachine.HangUp());
  }

  /** The dialog of the call, once the stack has one. */
  Dialog dialog() {
    return inbound != null ? inbound.dialog() : outbound.dialog();
  }

  /** The machine's side effects: SIP through the call's transactions and dialog, RTP. */
  private final class Effects implements CallMachine.Context {

    @Override
    public void sendProvisional(int status) {
      inbound.respond(status);
    }

    @Override
    public void sendAnswer() {
      Response response = inbound.createResponse(Response.OK);
      endpoint.messages().setBody(response, "application", "sdp", localSdp.toString());
      inbound.respond(response);
    }

    @Override
    public void sendFinal(int status) {
      inbound.respond(status);
    }

    @Override
    public void sendAck() {
      try {
        endpoint.ack(outbound.dialog(), ok);
      } catch (SipException | RuntimeException e) {
        LOG.warn("{}: cannot ACK call {}: {}", endpoint.name(), sipCallId(), e.toString());
      }
    }

    @Override
    public void sendCancel() {
      outbound.cancel();
    }

    @Override
    public void sendBye() {
      Dialog dialog = dialog();
      try {
        endpoint.send(dialog.createRequest(Request.BYE), dialog);
      } catch (SipException | RuntimeException e) {
        LOG.warn("{}: cannot send BYE on call {}: {}", endpoint.name(), sipCallId(), e.toString());
      }
    }

    @Override
    public void mediaTo(SessionDescription remote) {
      String address = remote.audioAddress().orElse("0.0.0.0");
      int port = remote.audioPort();
      // Port 0 rejects the stream and 0.0.0.0 is the old way to hold (RFC 3264 §6, §8.4).
      if (port == 0 || address.equals("0.0.0.0")) {
        rtp.stopSending();
      } else {
        rtp.sendTo(new InetSocketAddress(address, port));
      }
      // The local SDP lists one G.711 codec: the answer's choice, or the offer's PCMU.
      rtp.payloadType(AudioSdp.audioCodec(localSdp));
      // RFC 4733 §7.1.1: events are sent with the payload type the receiver's SDP gave them.
      int events = AudioSdp.telephoneEvent(remote);
      if (events >= 0 && AudioSdp.telephoneEvent(localSdp) >= 0) {
        rtp.telephoneEvents(events, UaCall.this::digitReceived);
      }
    }

    @Override
    public void releaseMedia() {
      rtp.close();
    }
  }

  @Override
  public String toString() {
    return (incoming() ? "incoming " : "outgoing ") + sipCallId() + " " + state();
  }
}
