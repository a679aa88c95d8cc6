package io.baton.ua;

import io.baton.media.MediaClock;
import io.baton.media.PortPool;
import io.baton.media.RtpStream;
import io.baton.media.Tone;
import io.baton.sip.DtmfRelay;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.RequestBuilder;
import io.baton.sip.SipEndpoint;
import io.baton.sip.SipHandler;
import io.baton.sip.StackMode;
import io.baton.sip.sdp.SessionDescription;
import io.baton.ua.CallMachine.Event;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.URI;
import javax.sip.header.AllowHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated SIP endpoint with real RTP: the lab's second destinations, test callers, and the base
 * of the call center. It answers calls as its {@link Answer} says, plays a tone on every call it is
 * in and counts the audio it receives. It cannot transfer calls: REFER gets 405 (RFC 3261 §8.2.1).
 */
public final class UserAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UserAgent.class);

  /** Methods this endpoint takes part in; the Allow header of 405 and OPTIONS answers. */
  public static final List<String> ALLOWED =
      List.of(
          Request.INVITE, Request.ACK, Request.BYE, Request.CANCEL, Request.OPTIONS, Request.INFO);

  /** Peak of the tone (of 32767): loud enough to measure, far from clipping. */
  private static final double TONE_AMPLITUDE = 8000;

  /** Ended calls kept for {@link #calls()}; live ones are always kept. */
  private static final int HISTORY = 1000;

  private final UserAgentConfig config;
  private final PortPool rtpPorts;
  private final ScheduledExecutorService scheduler;
  private final MediaClock mediaClock;
  private final Clock clock;
  private final Deque<UaCall> calls = new ConcurrentLinkedDeque<>();
  private final BlockingQueue<UaCall> arrivals = new LinkedBlockingQueue<>(HISTORY);
  private final java.util.concurrent.atomic.AtomicInteger kept =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Queue<UaCall> placed = new ConcurrentLinkedQueue<>();
  private volatile SipEndpoint endpoint;
  private volatile java.util.function.Consumer<UaCall> onIncoming = call -> {};

  private UserAgent(
      UserAgentConfig config, PortPool rtpPorts, ScheduledExecutorService scheduler, Clock clock) {
    this.config = config;
    this.rtpPorts = rtpPorts;
    this.scheduler = scheduler;
    this.mediaClock = new MediaClock(scheduler);
    this.clock = clock;
  }

  /**
   * Starts the endpoint on {@code config.sip()}.
   *
   * @param rtpPorts where its calls' RTP ports come from
   * @param scheduler paces RTP and rings before answering
   * @param clock stamps calls
   * @throws SipException if it cannot listen
   */
  public static UserAgent start(
      UserAgentConfig config, PortPool rtpPorts, ScheduledExecutorService scheduler, Clock clock)
      throws SipException {
    UserAgent ua = new UserAgent(config, rtpPorts, scheduler, clock);
    ua.endpoint =
        SipEndpoint.start(config.name(), StackMode.USER_AGENT, config.sip(), ua.new Handler());
    return ua;
  }

  public String name() {
    return config.name();
  }

  /** Where it listens. */
  public HostPort address() {
    return endpoint.address();
  }

  /** {@code sip:user@<its address>}, e.g. to dial it. */
  public URI uri(String user) {
    return endpoint.uri(user);
  }

  /**
   * Places a call: an INVITE to {@code target} with an SDP offer (PCMU, telephone-event), From
   * {@code <sip:name@address>}; plays the tone once answered.
   *
   * @param extraHeaders added to the INVITE as they are, e.g. {@code X-Baton-Call-Id}
   * @throws IOException if no RTP port is free
   */
  public UaCall dial(URI target, Map<String, String> extraHeaders) throws IOException {
    RtpStream rtp = openRtp();
    SessionDescription offer = AudioSdp.offer(name(), mediaAddress(), rtp.localPort());
    Request invite;
    try {
      RequestBuilder builder =
          endpoint.request(Request.INVITE, target).body("application/sdp", offer.toString());
      extraHeaders.forEach(builder::header);
      invite = builder.build();
    } catch (RuntimeException e) {
      rtp.close(); // a header or target that does not parse: no call, no port held
      throw e;
    }
    OutboundTransaction outbound = endpoint.send(invite);
    UaCall call = UaCall.outgoing(endpoint, outbound, offer, rtp, lifetime());
    Dialog dialog = outbound.dialog();
    if (dialog != null) {
      dialog.setApplicationData(call);
    }
    placed.removeIf(c -> c.state().terminal());
    placed.add(call);
    LOG.debug("{}: calling {} ({})", name(), target, call.sipCallId());
    return call;
  }

  /** Places a call to {@code target} (a {@code sip:} or {@code tel:} URI) without extra headers. */
  public UaCall dial(String target) throws IOException {
    return dial(endpoint.messages().parseUri(target), Map.of());
  }

  /**
   * Tells {@code listener} of each call it receives, before it rings or answers (an application on
   * top, like the call center's IVR, follows each call from there).
   */
  public void onIncoming(java.util.function.Consumer<UaCall> listener) {
    this.onIncoming = listener;
  }

  /** RTP ports taken from its pool now (a pool other endpoints may share). */
  public int rtpPortsInUse() {
    return rtpPorts.inUse();
  }

  /** The calls it received, oldest first (live ones, and the last ended ones). */
  public List<UaCall> calls() {
    return List.copyOf(calls);
  }

  /**
   * The next received call not yet taken by this method.
   *
   * @throws TimeoutException if none arrives within {@code timeout}
   */
  public UaCall awaitIncoming(Duration timeout) throws TimeoutException, InterruptedException {
    UaCall call = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (call == null) {
      throw new TimeoutException(name() + " received no call within " + timeout);
    }
    return call;
  }

  /** Hangs up every live call, then stops listening. */
  @Override
  public void close() {
    List<UaCall> live = new ArrayList<>(calls);
    live.addAll(placed);
    for (UaCall call : live) {
      call.fireSafely(new CallMachine.HangUp());
      call.rtp().close();
    }
    endpoint.close();
    mediaClock.close();
  }

  /** What bounds each call's life: the configured lifetimes on this endpoint's clock and timers. */
  private UaCall.Lifetime lifetime() {
    return new UaCall.Lifetime(config.lifetime(), clock, scheduler);
  }

  private RtpStream openRtp() throws IOException {
    RtpStream rtp = RtpStream.open(rtpPorts, mediaClock);
    rtp.source(new Tone(config.answer().toneHz(), TONE_AMPLITUDE)::nextFrame);
    return rtp;
  }

  /** The address SDP advertises: the RTP bind address, or the SIP host if that is a wildcard. */
  private String mediaAddress() {
    String bind = rtpPorts.bindAddress();
    return bind.equals("0.0.0.0") || bind.equals("::") ? address().host() : bind;
  }

  private void remember(UaCall call) {
    calls.add(call);
    kept.incrementAndGet();
    while (!arrivals.offer(call)) {
      arrivals.poll(); // nobody awaits arrivals this old: keep the newest HISTORY
    }
    // Drop ended calls from the front (the oldest first) once more than HISTORY are kept.
    for (Iterator<UaCall> it = calls.iterator(); kept.get() > HISTORY && it.hasNext(); ) {
      if (it.next().state().terminal()) {
        it.remove();
        kept.decrementAndGet();
      }
    }
  }

  /** How the answer policy plays out on a new call: ring, then the final status, or ring on. */
  private void answer(UaCall call) {
    Answer answer = config.answer();
    if (answer.neverAnswers()) {
      call.fire(new CallMachine.Ring());
      return;
    }
    Event decision =
        answer.status() == Response.OK
            ? new CallMachine.Accept()
            : new CallMachine.Reject(answer.status());
    if (answer.ringFor().isZero()) {
      call.fire(decision);
      return;
    }
    call.fire(new CallMachine.Ring());
    call.after(answer.ringFor(), decision, scheduler);
  }

  /** The endpoint's requests, each named step by step; never blocks. */
  private final class Handler implements SipHandler {

    @Override
    public void onRequest(InboundRequest request) {
      UaCall call = callOf(request);
      if (call != null && request.inDialog()) {
        call.received(request.method());
      }
      switch (request.method()) {
        case Request.INVITE -> {
          if (call != null) {
            reInvite(call, request);
          } else if (request.inDialog()) {
            request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
          } else {
            invite(request);
          }
        }
        case Request.ACK -> {
          if (call != null) {
            call.fire(new CallMachine.Ack());
          }
        }
        case Request.BYE -> bye(call, request);
        case Request.CANCEL -> cancel(request);
        case Request.OPTIONS -> request.respond(withAllow(request, Response.OK));
        case Request.INFO -> info(call, request);
        // §8.2.1: a method it knows but does not do (REFER: no transfers) gets 405 with Allow;
        // a method nobody defines never gets here (SipEndpoint answers it 501).
        default -> request.respond(withAllow(request, Response.METHOD_NOT_ALLOWED));
      }
    }

    @Override
    public void onDialogTerminated(Dialog dialog) {
      if (dialog.getApplicationData() instanceof UaCall call) {
        call.fireSafely(new CallMachine.DialogTerminated());
      }
    }

    /** The call a request belongs to, through the dialog the stack matched it to. */
    private UaCall callOf(InboundRequest request) {
      Dialog dialog = request.dialog();
      return dialog != null && dialog.getApplicationData() instanceof UaCall call ? call : null;
    }

    /** A new call: check the offer, take an RTP port, then answer as configured. */
    private void invite(InboundRequest request) {
      SessionDescription offer;
      try {
        offer = AudioSdp.of(request.request());
      } catch (IllegalArgumentException e) {
        // RFC 3261 §13.3.1: an offer the UAS cannot accept gets 488 (we take no late offers).
        request.respond(Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage());
        return;
      }
      RtpStream rtp;
      try {
        rtp = openRtp();
      } catch (IOException e) {
        LOG.warn("{}: no RTP port for a new call: {}", name(), e.getMessage());
        request.respond(Response.SERVICE_UNAVAILABLE, "No RTP port free");
        return;
      }
      SessionDescription answer = AudioSdp.answer(offer, name(), mediaAddress(), rtp.localPort());
      UaCall call = UaCall.incoming(endpoint, request, offer, answer, rtp, lifetime());
      request.transaction().setApplicationData(call);
      Dialog dialog = request.dialog();
      if (dialog != null) {
        dialog.setApplicationData(call);
      }
      remember(call);
      onIncoming.accept(call);
      LOG.debug(
          "{}: call {} from {}",
          name(),
          call.sipCallId(),
          Messages.headerValue(request.request(), "From"));
      answer(call);
    }

    /** A re-INVITE: follow a new offer, answer with the same local SDP (RFC 3264 §8). */
    private void reInvite(UaCall call, InboundRequest request) {
      if (call.state().terminal()) {
        request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        return;
      }
      if (Messages.hasBody(request.request(), "application", "sdp")) {
        SessionDescription offer;
        try {
          offer = AudioSdp.of(request.request());
        } catch (IllegalArgumentException e) {
          request.respond(Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here: " + e.getMessage());
          return;
        }
        call.fire(new CallMachine.Reoffer(offer));
      }
      Response ok = request.createResponse(Response.OK);
      endpoint.messages().setBody(ok, "application", "sdp", call.localSdp().toString());
      request.respond(ok);
    }

    /**
     * INFO: an {@code application/dtmf-relay} body is a keypress (the SIP INFO fallback for DTMF);
     * one that does not parse gets 400 naming the problem, another body type 415 (RFC 3261
     * §21.4.13), a bodiless INFO 200.
     */
    private void info(UaCall call, InboundRequest request) {
      if (call == null) {
        request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        return;
      }
      Request info = request.request();
      if (info.getContentLength() == null || info.getContentLength().getContentLength() == 0) {
        request.respond(Response.OK);
        return;
      }
      if (!Messages.hasBody(info, DtmfRelay.TYPE, DtmfRelay.SUBTYPE)) {
        Response response = request.createResponse(Response.UNSUPPORTED_MEDIA_TYPE);
        endpoint.messages().setHeader(response, "Accept", DtmfRelay.TYPE + "/" + DtmfRelay.SUBTYPE);
        request.respond(response);
        return;
      }
      DtmfRelay relay;
      try {
        relay = DtmfRelay.parse(Messages.body(info));
      } catch (IllegalArgumentException e) {
        request.respond(Response.BAD_REQUEST, "Bad dtmf-relay body: " + e.getMessage());
        return;
      }
      request.respond(Response.OK);
      call.digitReceived(relay.signal());
    }

    /** BYE: end the call first, so the dialog the 200 terminates finds it ended. */
    private void bye(UaCall call, InboundRequest request) {
      if (call == null) {
        request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        return;
      }
      call.fire(new CallMachine.Bye());
      request.respond(Response.OK);
    }

    /** CANCEL: 200 to it, then 487 to the INVITE if it is still unanswered (RFC 3261 §9.2). */
    private void cancel(InboundRequest request) {
      ServerTransaction invite = request.canceledInvite();
      if (invite == null || !(invite.getApplicationData() instanceof UaCall call)) {
        request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        return;
      }
      request.respond(Response.OK);
      call.fire(new CallMachine.Cancel());
    }

    private Response withAllow(InboundRequest request, int status) {
      Response response = request.createResponse(status);
      for (String method : ALLOWED) {
        try {
          AllowHeader allow = endpoint.headerFactory().createAllowHeader(method);
          response.addHeader(allow);
        } catch (java.text.ParseException e) {
          throw new IllegalStateException("cannot build Allow: " + method, e);
        }
      }
      return response;
    }
  }
}
