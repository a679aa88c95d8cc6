package io.baton.sbc;

import io.baton.contract.BatonHeaders;
import io.baton.contract.TransferMode;
import io.baton.contract.TransferOutcome;
import io.baton.media.MediaActivity;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.CallLifetime;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.SipEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call through this SBC, back to back: the caller's dialog (which this SBC answers and never
 * re-INVITEs), the legs it opens, the media between them and a running transfer. Its life is a
 * {@link CallMachine}; this class turns what arrives into the machine's events and carries out what
 * the machine decides. Everything here runs on the call's {@link CallQueue}, one task at a time;
 * dialling runs on virtual threads of its own and reports back through the queue, and so do the
 * call's timers ({@link CallTimers}).
 */
final class CallSession {
  private static final Logger LOG = LoggerFactory.getLogger(CallSession.class);
  private static final String SDP = "application/sdp";

  /** The timers of an answered call (docs "Call lifetimes"). */
  private enum Timer {
    ACK,
    SESSION,
    DURATION,
    MEDIA
  }

  /** The timer that reaps the legs one dial left trying or ringing. */
  private record Reaper(Dial dial) {}

  private final Sbc sbc;
  private final String id;
  private final boolean minted;
  private final InboundRequest invite;
  private final String callerSipCallId;
  private final String dialled;
  private final String did;
  private final CallQueue queue;
  private final Dial setup;
  private final List<OutboundLeg> legs = new ArrayList<>();
  private final CallTimers timers;
  private final CallMachine lifecycle = new CallMachine(new Effects());
  private final SessionTimer.Decision sessionTimer;
  private LegMachine caller;
  private CallMedia media;
  private OutboundLeg leg;
  private TransferRun transfer;

  /**
   * @param id the Baton call id
   * @param minted true if this SBC created the id (the call is new to the registry)
   * @param invite the caller's INVITE
   */
  CallSession(Sbc sbc, String id, boolean minted, InboundRequest invite) {
    this.sbc = sbc;
    this.id = id;
    this.minted = minted;
    this.invite = invite;
    this.callerSipCallId = Messages.callId(invite.request());
    this.dialled = Messages.userOf(invite.request().getRequestURI());
    this.did = sbc.numbers().toE164(dialled).orElse(null);
    this.queue = new CallQueue(id);
    this.timers = new CallTimers(sbc.scheduler(), queue);
    this.setup =
        new Dial(this, LegSpec.SETUP, (l, r) -> lifecycle.on(new CallMachine.Progress(l, r)));
    this.sessionTimer = SessionTimer.of(invite.request(), lifetime());
  }

  String id() {
    return id;
  }

  Sbc sbc() {
    return sbc;
  }

  CallQueue queue() {
    return queue;
  }

  /** Where the call is (read on the call's queue). */
  CallMachine.State state() {
    return lifecycle.state();
  }

  /** Timers armed for this call now. */
  int armedTimers() {
    return timers.count();
  }

  private CallLifetime lifetime() {
    return sbc.config().lifetime();
  }

  /** Runs work for this call on its queue. */
  void run(Runnable task) {
    queue.execute(task);
  }

  String callerSipCallId() {
    return callerSipCallId;
  }

  /** The host the caller's INVITE came from: where its dialog's later requests must come from. */
  InetAddress callerHost() {
    return invite.source().getAddress();
  }

  /** The caller's From, kept on every leg (caller ID), without its tag. */
  Address callerFrom() {
    FromHeader from = (FromHeader) invite.request().getHeader(FromHeader.NAME);
    return (Address) from.getAddress().clone();
  }

  // ---- call setup (docs "Call setup" steps 1-3, 5) -------------------------------------------

  /**
   * The caller's INVITE, routed to {@code destination} already (Sbc), step by step: record the
   * call, anchor its media, dial.
   */
  void open(Destination destination) {
    recordCall();
    if (!anchorMedia()) {
      return;
    }
    dial(setup, destination, sbc.config().noAnswerTimeout(), this::answer);
  }

  private void recordCall() {
    Request request = invite.request();
    if (minted) {
      sbc.createCall(
          new Call(
              id,
              callerFrom().getURI().toString(),
              request.getRequestURI().toString(),
              did,
              sbc.clock().instant(),
              List.of()));
    }
    Leg callerLeg =
        new Leg(
            sbc.newLegId(),
            id,
            Call.CALLER,
            sbc.name(),
            callerSipCallId,
            LegState.TRYING,
            sbc.clock().instant(),
            null,
            sbc.holder(),
            Messages.fromTag(request),
            invite.localTag(),
            null,
            null);
    // Only SBC-edge publishes the caller's own leg (docs "Registry records").
    LegMachine.Context publish = sbc.config().role() == Role.EDGE ? sbc::publish : l -> {};
    caller = new LegMachine(callerLeg, publish, sbc.clock());
  }

  private boolean anchorMedia() {
    String offer = Messages.body(invite.request());
    try {
      media =
          sbc.relay() == null
              ? CallMedia.passThrough(offer)
              : CallMedia.anchored(sbc.relay(), id, offer);
      return true;
    } catch (IllegalArgumentException e) {
      LOG.info("call {}: unusable SDP offer: {}", id, e.getMessage());
      lifecycle.on(new CallMachine.SetupFailed(Response.NOT_ACCEPTABLE_HERE, "Unusable SDP offer"));
    } catch (IOException e) {
      LOG.warn("call {}: {}", id, e.getMessage());
      lifecycle.on(new CallMachine.SetupFailed(Response.SERVICE_UNAVAILABLE, "No media port free"));
    }
    return false;
  }

  /**
   * Dials on a virtual thread; {@code then} gets one outcome, on the call's queue: the dial's own,
   * or 408 once {@code timeout} passed, even if the dialling thread is still blocked (a TCP connect
   * to a dead next hop). An answer that comes after that is hung up. Legs the dial left trying or
   * ringing {@code lifetime.stuckLegMargin} after its timeout are reaped.
   */
  private void dial(
      Dial dial, Destination destination, Duration timeout, Consumer<DialOutcome> then) {
    timers.once(
        dial,
        timeout,
        () -> {
          dial.giveUp(Response.REQUEST_TIMEOUT, "Request Timeout");
          report(dial, dial.givenUp(), then);
        });
    timers.once(
        new Reaper(dial), timeout.plus(lifetime().stuckLegMargin()), () -> reapStuckLegs(dial));
    Thread.ofVirtual()
        .name("dial-" + id)
        .start(
            () -> {
              DialOutcome outcome;
              try {
                outcome = dial.run(destination);
              } catch (RuntimeException e) {
                LOG.error("call {}: dialling failed", id, e);
                outcome = new DialOutcome.Failed(Response.SERVER_INTERNAL_ERROR, "Dialling failed");
              }
              DialOutcome result = outcome;
              run(
                  () -> {
                    timers.cancel(dial);
                    timers.cancel(new Reaper(dial));
                    report(dial, result, then);
                  });
            });
  }

  /** The first outcome of a dial goes to {@code then}; a later answer is hung up (RFC 3261 §15). */
  private void report(Dial dial, DialOutcome outcome, Consumer<DialOutcome> then) {
    if (!dial.firstOutcome()) {
      if (outcome instanceof DialOutcome.Answered late) {
        discard(late.leg(), late.ok());
      }
      return;
    }
    then.accept(outcome);
  }

  /** Legs still trying or ringing long after their dial gave up are published failed (408). */
  private void reapStuckLegs(Dial dial) {
    for (OutboundLeg stuck : dial.legs()) {
      if (stuck.state() == LegState.TRYING || stuck.state() == LegState.RINGING) {
        LOG.warn(
            "call {}: leg {} still {} after its dial gave up: reaped", id, stuck, stuck.state());
        legFailed(stuck, Response.REQUEST_TIMEOUT);
      }
    }
  }

  /**
   * Prepares a leg to {@code target}: a relay side, an INVITE with the caller's offer pointed at
   * it, a published {@code trying} leg; the dialling thread sends it. Null if the call is over or
   * no RTP port is free.
   */
  OutboundLeg openLeg(Target target, LegSpec spec) {
    if (lifecycle.state() == CallMachine.State.ENDED) {
      return null;
    }
    CallMedia.LegMedia legMedia;
    try {
      legMedia = media.newLeg(spec.callerCodecOnly());
    } catch (IOException e) {
      LOG.warn("call {}: {}", id, e.getMessage());
      return null;
    }
    SipEndpoint endpoint = sbc.endpoint();
    Request request =
        endpoint
            .request(Request.INVITE, target.uri())
            .from(presentedFrom(target, spec))
            .body(SDP, legMedia.offer())
            .build();
    request.setHeader(maxForwards());
    if (sbc.trusts(target.nextHop())) {
      Messages.get().setHeader(request, BatonHeaders.CALL_ID, id);
    }
    for (HeaderField field : customerHeaders(target, spec)) {
      try {
        Messages.get().addHeader(request, field.name(), field.value());
      } catch (IllegalArgumentException e) {
        LOG.info("call {}: {} left out: {}", id, field.name(), e.getMessage());
      }
    }
    String sipCallId = Messages.callId(request);
    LegMachine machine =
        new LegMachine(
            new Leg(
                sbc.newLegId(),
                id,
                sbc.name(),
                target.peer(),
                sipCallId,
                LegState.TRYING,
                sbc.clock().instant(),
                null,
                sbc.holder(),
                Messages.fromTag(request),
                null,
                null,
                target.carrier()),
            sbc::publish,
            sbc.clock());
    sbc.register(sipCallId, this);
    OutboundLeg opened = new OutboundLeg(endpoint, target, machine, request, legMedia);
    legs.add(opened);
    return opened;
  }

  /**
   * The caller's From (caller ID kept), or the DID's where a transfer's target presents the DID
   * ({@code cid=did}).
   */
  private Address presentedFrom(Target target, LegSpec spec) {
    Optional<String> didFrom =
        spec.transferred()
            ? didUri().flatMap(uri -> target.identity().from(uri))
            : Optional.empty();
    return didFrom
        .map(uri -> Messages.get().address(Messages.get().parseUri(uri)))
        .orElse(callerFrom());
  }

  /**
   * The customer's headers a leg carries (they go to any peer: they are the customer's, not
   * Baton's): a transfer's {@code X-Baton-Pass} list and the redirect header naming the DID; on
   * SBC-dest and SBC-carrier, those the INVITE arrived with, so they reach the destination behind
   * them. SBC-edge never passes on what a caller sent.
   */
  private List<HeaderField> customerHeaders(Target target, LegSpec spec) {
    List<HeaderField> fields = new ArrayList<>(spec.pass());
    if (spec.transferred()) {
      didUri()
          .flatMap(uri -> target.identity().redirectHeader(uri, target.uri().toString()))
          .ifPresent(fields::add);
    }
    if (sbc.config().role() != Role.EDGE) {
      fields.addAll(HeaderField.carried(invite.request()));
    }
    return fields;
  }

  /** The transferring DID as a SIP URI at this SBC; empty if the caller did not dial a number. */
  private Optional<String> didUri() {
    return did == null ? Optional.empty() : Optional.of("sip:" + did + "@" + sbc.address());
  }

  /** One less than the caller's Max-Forwards, so loops through B2BUAs still end (483). */
  private MaxForwardsHeader maxForwards() {
    MaxForwardsHeader in = (MaxForwardsHeader) invite.request().getHeader(MaxForwardsHeader.NAME);
    int hops = in == null ? 70 : in.getMaxForwards() - 1;
    try {
      return Messages.get().headerFactory().createMaxForwardsHeader(Math.max(hops, 0));
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A leg's INVITE ended without an answer. */
  void legFailed(OutboundLeg failed, int status) {
    if (!failed.state().ended()) {
      failed.failed(status);
    }
    media.release(failed.media());
    sbc.unregister(failed.sipCallId(), this);
  }

  /** A leg answered after its dial or its call was given up: ACK and BYE it (RFC 3261 §15). */
  void discard(OutboundLeg answered, Response ok) {
    answered.refuse(ok);
    media.release(answered.media());
  }

  /** BYE on an active leg and its relay port back; completes when the BYE is answered. */
  private CompletableFuture<Response> hangUp(OutboundLeg active) {
    CompletableFuture<Response> bye = active.bye();
    media.release(active.media());
    return bye;
  }

  /** An 18x of a setup leg goes on to the caller (183 with its SDP pointed at the relay). */
  private void relayProgress(OutboundLeg from, Response provisional) {
    Response response = invite.createResponse(provisional.getStatusCode());
    try {
      response.setReasonPhrase(provisional.getReasonPhrase());
      if (Messages.hasBody(provisional, "application", "sdp")) {
        String early = media.forCaller(from.media(), Messages.body(provisional));
        Messages.get().setBody(response, "application", "sdp", early);
        media.bridge(from.media()); // early media (ringback, announcements) reaches the caller
      }
    } catch (ParseException | IllegalArgumentException e) {
      LOG.info(
          "call {}: relaying {} without its body: {}", id, response.getStatusCode(), e.toString());
    }
    invite.respond(response);
    caller.on(new LegMachine.Progress(invite.localTag()));
  }

  private void answer(DialOutcome outcome) {
    lifecycle.on(
        switch (outcome) {
          case DialOutcome.Answered a -> answered(a.leg(), a.ok());
          case DialOutcome.Failed f -> new CallMachine.SetupFailed(f.status(), f.reason());
        });
  }

  /** A setup leg's answer, with its SDP as the caller must see it (pointed at the relay). */
  private CallMachine.Event answered(OutboundLeg answered, Response ok) {
    try {
      return new CallMachine.Answered(
          answered, ok, media.forCaller(answered.media(), Messages.body(ok)));
    } catch (IllegalArgumentException e) {
      LOG.info("call {}: unusable SDP answer from {}: {}", id, answered, e.getMessage());
      return new CallMachine.AnswerUnusable(answered, ok);
    }
  }

  /** A leg answered: ACK it, bridge the media, answer the caller with the relay's SDP. */
  private void connectCaller(OutboundLeg answered, Response ok, String sdp) {
    answered.confirm(ok);
    media.bridge(answered.media());
    media.callerAnswered(sdp);
    leg = answered;
    Response response = invite.createResponse(Response.OK);
    if (!sdp.isEmpty()) {
      Messages.get().setBody(response, "application", "sdp", sdp);
    }
    grantSessionTimer(response, sessionTimer);
    invite.respond(response);
    caller.on(new LegMachine.Answer(invite.localTag()));
  }

  /** A final status for the caller. */
  private void rejectCaller(int status, String reason) {
    invite.respond(status, reason);
    caller.on(new LegMachine.Failure(status));
  }

  /** CANCEL from the caller (RFC 3261 §9.2): 487 to its INVITE, and the call is over. */
  void onCallerCancel() {
    lifecycle.on(new CallMachine.CallerCancel());
  }

  /** The caller's ACK for this SBC's 2xx (or a re-INVITE's): the dialog is confirmed. */
  void onAck(InboundRequest ack) {
    if (fromCaller(ack)) {
      lifecycle.on(new CallMachine.CallerAck());
    }
  }

  // ---- in-dialog requests --------------------------------------------------------------------

  /** BYE from either side: answered, and the other side hung up (docs "Call setup" step 6). */
  void onBye(InboundRequest bye) {
    bye.respond(Response.OK);
    if (fromCaller(bye)) {
      // In the early dialog (RFC 3261 §15) a BYE ends the attempt as CANCEL does.
      lifecycle.on(new CallMachine.CallerBye());
    } else {
      legOf(bye).ifPresent(this::legHungUp);
    }
  }

  private void legHungUp(OutboundLeg gone) {
    if (gone.state() != LegState.ACTIVE) {
      return; // BYEs crossed: this SBC hung it up already
    }
    gone.byeReceived();
    media.release(gone.media());
    if (transfer != null && transfer.running() && gone == transfer.oldLeg) {
      // The caller waits for the transfer's new leg instead of being dropped.
      leg = null;
      media.park();
      transfer.machine.on(new TransferMachine.OldLegGone());
      return;
    }
    if (gone == leg) {
      lifecycle.on(new CallMachine.CalleeBye());
    }
  }

  private void byeCaller() {
    if (caller.state() != LegState.ACTIVE) {
      return;
    }
    caller.on(new LegMachine.Release());
    Dialog dialog = invite.dialog();
    try {
      sbc.endpoint().send(dialog.createRequest(Request.BYE), dialog);
    } catch (SipException | RuntimeException e) {
      LOG.warn("call {}: cannot send BYE to the caller: {}", id, e.toString());
    }
  }

  /**
   * INFO from either side (e.g. SIP INFO DTMF, {@code application/dtmf-relay}) is end to end (RFC
   * 6086 §4.2): relayed in the other side's dialog with its body, and answered with the far end's
   * final status; 481 while the other side is not up, 408 if it never answers.
   */
  void onInfo(InboundRequest info) {
    Consumer<Request> body = r -> copyBody(info.request(), r);
    CompletableFuture<Response> relayed;
    if (fromCaller(info)) {
      if (caller.state() != LegState.ACTIVE || leg == null || leg.state() != LegState.ACTIVE) {
        info.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        return;
      }
      relayed = leg.sendInDialog(Request.INFO, body);
    } else {
      Optional<OutboundLeg> from = legOf(info);
      if (from.isEmpty() || from.get() != leg || caller.state() != LegState.ACTIVE) {
        info.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
        return;
      }
      relayed = toCaller(Request.INFO, body);
    }
    relayed.whenComplete(
        (response, error) -> {
          if (response == null) {
            info.respond(Response.REQUEST_TIMEOUT);
          } else {
            info.respond(response.getStatusCode(), response.getReasonPhrase());
          }
        });
  }

  /** Sends a request in the caller's dialog; the future completes with its final response. */
  private CompletableFuture<Response> toCaller(String method, Consumer<Request> fill) {
    Dialog dialog = invite.dialog();
    try {
      Request request = dialog.createRequest(method);
      fill.accept(request);
      return sbc.endpoint().send(request, dialog).finalResponse();
    } catch (SipException | RuntimeException e) {
      LOG.debug("call {}: cannot send {} to the caller: {}", id, method, e.toString());
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void copyBody(Request from, Request to) {
    javax.sip.header.ContentTypeHeader type =
        (javax.sip.header.ContentTypeHeader)
            from.getHeader(javax.sip.header.ContentTypeHeader.NAME);
    if (type != null && from.getRawContent() != null && from.getRawContent().length > 0) {
      Messages.get()
          .setBody(to, type.getContentType(), type.getContentSubType(), Messages.body(from));
    }
  }

  /**
   * A re-INVITE (or UPDATE) from either side is answered here with the SDP that side already has,
   * so media stays anchored and the other side never hears of it; a changed address is followed.
   */
  void onReinvite(InboundRequest request) {
    String offer =
        Messages.hasBody(request.request(), "application", "sdp")
            ? Messages.body(request.request())
            : null;
    String answer;
    SessionTimer.Decision timer = null;
    try {
      if (fromCaller(request)) {
        if (!lifecycle.state().up()) {
          request.respond(Response.REQUEST_PENDING);
          return;
        }
        timer = SessionTimer.of(request.request(), lifetime());
        if (Sbc.refusesSessionTimer(request, timer)) {
          return;
        }
        if (offer != null) {
          media.followCaller(offer);
        }
        answer = media.callerAnswer();
      } else {
        Optional<OutboundLeg> from = legOf(request);
        if (from.isEmpty() || from.get().state() != LegState.ACTIVE) {
          request.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
          return;
        }
        if (offer != null) {
          media.followLeg(from.get().media(), offer);
        }
        answer = from.get().media().offer();
      }
    } catch (IllegalArgumentException e) {
      request.respond(Response.NOT_ACCEPTABLE_HERE, "Unusable SDP");
      return;
    }
    Response ok = request.createResponse(Response.OK);
    if (answer != null && !answer.isEmpty() && (offer != null || isInvite(request))) {
      Messages.get().setBody(ok, "application", "sdp", answer);
    }
    if (timer != null) {
      grantSessionTimer(ok, timer);
      // Every refresh renegotiates the interval (RFC 4028 §10); it runs from this 2xx.
      lifecycle.on(
          new CallMachine.Refreshed(timer instanceof SessionTimer.Granted g ? g.interval() : null));
    }
    request.respond(ok);
  }

  /** {@code Session-Expires} and {@code Require: timer} on a 2xx that grants a session timer. */
  private static void grantSessionTimer(Response ok, SessionTimer.Decision timer) {
    if (timer instanceof SessionTimer.Granted g) {
      Messages.get().setHeader(ok, SessionTimer.SESSION_EXPIRES, g.headerValue());
      Messages.get().setHeader(ok, "Require", SessionTimer.OPTION);
    }
  }

  private static boolean isInvite(InboundRequest request) {
    return Request.INVITE.equals(request.method());
  }

  // ---- transfer (docs "The transfer" step 4, "Transfers that always finish") ---------------

  /** An in-dialog REFER from a trusted source on one of this call's legs. */
  void onRefer(InboundRequest refer) {
    Optional<OutboundLeg> on = legOf(refer);
    if (on.isEmpty()) {
      refer.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
      return;
    }
    ReferredTransfer request;
    try {
      request = ReferredTransfer.parse(refer.request(), sbc.config().transfer(), sbc.peers());
    } catch (IllegalArgumentException e) {
      refer.respond(Response.BAD_REQUEST, e.getMessage());
      return;
    }
    if (transfer != null && transfer.running()) {
      refer.respond(Response.REQUEST_PENDING);
      return;
    }
    if (on.get() != leg || leg.state() != LegState.ACTIVE || !lifecycle.state().up()) {
      refer.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Leg not connected to the caller");
      return;
    }
    transfer = new TransferRun(refer, request, leg);
    transfer.machine.on(new TransferMachine.Start());
  }

  /** The transfer machine's context: how a transfer's decisions become SIP and media. */
  private final class TransferRun implements TransferMachine.Context {
    private final InboundRequest refer;
    private final ReferredTransfer request;
    private final OutboundLeg oldLeg;
    private final ReferSubscription subscription;
    private final TransferMachine machine;
    private Dial dial;

    TransferRun(InboundRequest refer, ReferredTransfer request, OutboundLeg oldLeg) {
      this.refer = refer;
      this.request = request;
      this.oldLeg = oldLeg;
      this.subscription =
          new ReferSubscription(oldLeg, request.referCSeq(), request.ringTime().plusSeconds(30));
      this.machine =
          new TransferMachine(
              request.mode() == TransferMode.BLIND,
              request.targets().size(),
              request.onFail(),
              this);
    }

    boolean running() {
      return !machine.state().finished();
    }

    @Override
    public void accept() {
      refer.respond(Response.ACCEPTED);
    }

    @Override
    public void dial(int attempt) {
      ReferredTransfer.TransferTarget target = request.targets().get(attempt - 1);
      LOG.info(
          "call {}: transfer ({}) attempt {} of {}: {} for {}s",
          id,
          request.mode().wire(),
          attempt,
          request.targets().size(),
          target.destination(),
          target.timeout().toSeconds());
      startDial(target.destination(), target.timeout(), LegSpec.transfer(request.pass()));
    }

    @Override
    public void reroute() {
      LOG.info("call {}: transfer failed, routing the caller back to {}", id, dialled);
      startDial(sbc.route(dialled), sbc.config().noAnswerTimeout(), LegSpec.ROUTE_BACK);
    }

    private void startDial(Destination destination, Duration timeout, LegSpec spec) {
      dial = new Dial(CallSession.this, spec, (l, r) -> onProgress());
      CallSession.this.dial(dial, destination, timeout, this::onOutcome);
    }

    private void onProgress() {
      if (running()) {
        machine.on(new TransferMachine.Progress());
      }
    }

    /** A dial ended; one that ends after the transfer did is cleaned up (RFC 3261 §15). */
    private void onOutcome(DialOutcome outcome) {
      if (!running() || lifecycle.state() == CallMachine.State.ENDED) {
        if (outcome instanceof DialOutcome.Answered late) {
          discard(late.leg(), late.ok());
        }
        return;
      }
      switch (outcome) {
        case DialOutcome.Answered a -> {
          a.leg().confirm(a.ok());
          try {
            media.followLeg(a.leg().media(), Messages.body(a.ok()));
          } catch (IllegalArgumentException e) {
            LOG.info("call {}: unusable SDP answer from {}: {}", id, a.leg(), e.getMessage());
            hangUp(a.leg());
            machine.on(
                new TransferMachine.Failed(Response.NOT_ACCEPTABLE_HERE, "Not Acceptable Here"));
            return;
          }
          machine.on(new TransferMachine.Answered(a.leg()));
        }
        case DialOutcome.Failed f -> machine.on(new TransferMachine.Failed(f.status(), f.reason()));
      }
    }

    @Override
    public void notifyProgress(int attempt, int status, String reason) {
      subscription.progress(attempt, status, reason);
    }

    @Override
    public void notifyFinal(int attempt, int status, String reason, TransferOutcome outcome) {
      LOG.info(
          "call {}: transfer {} (attempt {}: {} {})", id, outcome.wire(), attempt, status, reason);
      subscription.terminate(attempt, status, reason, outcome);
    }

    @Override
    public void moveCaller(OutboundLeg answered) {
      media.bridge(answered.media());
      leg = answered;
      LOG.info("call {}: caller moved to {}", id, answered);
    }

    @Override
    public void releaseOldLeg() {
      hangUp(oldLeg)
          .whenComplete(
              (response, error) ->
                  run(
                      () -> {
                        if (running()) {
                          machine.on(new TransferMachine.OldLegReleased());
                        }
                      }));
    }

    @Override
    public void parkCaller() {
      media.park();
      leg = null;
    }

    @Override
    public void stopDialing() {
      if (dial != null) {
        dial.giveUp(Response.REQUEST_TERMINATED, "Request Terminated");
      }
    }

    @Override
    public void hangUpCaller() {
      LOG.info("call {}: releasing the caller", id);
      lifecycle.on(new CallMachine.TransferHangUp());
    }
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  private boolean fromCaller(InboundRequest request) {
    return callerSipCallId.equals(Messages.callId(request.request()));
  }

  private Optional<OutboundLeg> legOf(InboundRequest request) {
    String sipCallId = Messages.callId(request.request());
    return legs.stream().filter(l -> l.sipCallId().equals(sipCallId)).findFirst();
  }

  /** The call is over for this SBC: timers disarmed, media ports back, Call-IDs forgotten. */
  private void release(String why) {
    LOG.debug("call {}: released ({})", id, why);
    // Reapers outlive the call: a leg stuck in its dial is still published failed.
    timers.cancelAllExcept(key -> key instanceof Reaper);
    if (media != null) {
      media.close();
    }
    sbc.forget(this, legs.stream().map(OutboundLeg::sipCallId).toList());
  }

  /** A lifetime timer ran out: the machine hears of it, the log says why. */
  private void expire(CallMachine.Event timeout) {
    LOG.info("call {}: {} in state {}: hanging up", id, timeout, lifecycle.state());
    lifecycle.on(timeout);
  }

  /** How the call machine's decisions become SIP, media and timers. */
  private final class Effects implements CallMachine.Context {
    @Override
    public void relayProgress(OutboundLeg leg, Response provisional) {
      CallSession.this.relayProgress(leg, provisional);
    }

    @Override
    public void answerCaller(OutboundLeg leg, Response ok, String sdp) {
      connectCaller(leg, ok, sdp);
    }

    @Override
    public void rejectCaller(int status, String reason) {
      CallSession.this.rejectCaller(status, reason);
    }

    @Override
    public void refuseAnswer(OutboundLeg leg, Response ok) {
      discard(leg, ok);
    }

    @Override
    public void stopDialing() {
      setup.giveUp(Response.REQUEST_TERMINATED, "Request Terminated");
    }

    @Override
    public void armLifetime() {
      CallLifetime lifetime = lifetime();
      timers.once(Timer.ACK, lifetime.ackTimeout(), () -> expire(new CallMachine.AckTimeout()));
      timers.once(
          Timer.DURATION, lifetime.maxDuration(), () -> expire(new CallMachine.MaxDuration()));
      if (sessionTimer instanceof SessionTimer.Granted g) {
        armSessionTimer(g.interval());
      }
      if (lifetime.watchesMedia() && media.anchored()) {
        MediaActivity activity = new MediaActivity(lifetime.mediaTimeout(), sbc.clock().instant());
        timers.every(
            Timer.MEDIA,
            activity.checkEvery(),
            () -> {
              if (activity.silent(media.packetsReceived(), sbc.clock().instant())) {
                expire(new CallMachine.MediaInactive());
              }
            });
      }
    }

    @Override
    public void disarmAckTimer() {
      timers.cancel(Timer.ACK);
    }

    @Override
    public void armSessionTimer(Duration interval) {
      if (interval == null) {
        timers.cancel(Timer.SESSION);
      } else {
        timers.once(
            Timer.SESSION,
            SessionTimer.deadline(interval),
            () -> expire(new CallMachine.SessionExpired()));
      }
    }

    @Override
    public void callerHungUp() {
      caller.on(new LegMachine.Release());
    }

    @Override
    public void endTransfer() {
      if (transfer != null && transfer.running()) {
        transfer.machine.on(new TransferMachine.CallerGone());
      }
    }

    @Override
    public void byeCaller() {
      CallSession.this.byeCaller();
    }

    @Override
    public void byeLegs() {
      legs.forEach(OutboundLeg::bye);
    }

    @Override
    public void release(String why) {
      CallSession.this.release(why);
    }
  }
}
