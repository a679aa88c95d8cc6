package io.baton.sbc;

import io.baton.contract.BatonHeaders;
import io.baton.contract.TransferMode;
import io.baton.contract.TransferOutcome;
import io.baton.registry.Call;
import io.baton.registry.Leg;
import io.baton.registry.LegState;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.SipEndpoint;
import java.io.IOException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * re-INVITEs), the legs it opens, the media between them and a running transfer. Everything here
 * runs on the call's {@link CallQueue}, one task at a time; dialling runs on virtual threads of its
 * own and reports back through the queue.
 */
final class CallSession {
  private static final Logger LOG = LoggerFactory.getLogger(CallSession.class);
  private static final String SDP = "application/sdp";

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
  private LegMachine caller;
  private CallMedia media;
  private OutboundLeg leg;
  private TransferRun transfer;
  private boolean ended;

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
    this.setup = new Dial(this, LegSpec.SETUP, this::relayProgress);
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

  /** Runs work for this call on its queue. */
  void run(Runnable task) {
    queue.execute(task);
  }

  String callerSipCallId() {
    return callerSipCallId;
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
      rejectCaller(Response.NOT_ACCEPTABLE_HERE, "Unusable SDP offer");
    } catch (IOException e) {
      LOG.warn("call {}: {}", id, e.getMessage());
      rejectCaller(Response.SERVICE_UNAVAILABLE, "No media port free");
    }
    return false;
  }

  /**
   * Dials on a virtual thread, giving up with 408 after {@code timeout}; {@code then} gets the
   * outcome on the call's queue.
   */
  private void dial(
      Dial dial, Destination destination, Duration timeout, Consumer<DialOutcome> then) {
    ScheduledFuture<?> timer =
        sbc.scheduler()
            .schedule(
                () -> dial.giveUp(Response.REQUEST_TIMEOUT, "Request Timeout"),
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
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
              timer.cancel(false);
              DialOutcome result = outcome;
              run(() -> then.accept(result));
            });
  }

  /**
   * Prepares a leg to {@code target}: a relay side, an INVITE with the caller's offer pointed at
   * it, a published {@code trying} leg; the dialling thread sends it. Null if the call is over or
   * no RTP port is free.
   */
  OutboundLeg openLeg(Target target, LegSpec spec) {
    if (ended) {
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

  /** A leg answered after its dial was given up: ACK and BYE it (RFC 3261 §15). */
  void discard(OutboundLeg answered, Response ok) {
    answered.confirm(ok);
    hangUp(answered);
  }

  /** BYE on an active leg and its relay port back; completes when the BYE is answered. */
  private CompletableFuture<Response> hangUp(OutboundLeg active) {
    CompletableFuture<Response> bye = active.bye();
    media.release(active.media());
    return bye;
  }

  /** An 18x of a setup leg goes on to the caller (183 with its SDP pointed at the relay). */
  private void relayProgress(OutboundLeg from, Response provisional) {
    if (!callerWaiting()) {
      return;
    }
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
    switch (outcome) {
      case DialOutcome.Answered a -> connectCaller(a.leg(), a.ok());
      case DialOutcome.Failed f -> rejectCaller(f.status(), f.reason());
    }
  }

  /** A leg answered: ACK it, bridge the media, answer the caller with the relay's SDP. */
  private void connectCaller(OutboundLeg answered, Response ok) {
    answered.confirm(ok);
    if (!callerWaiting()) {
      hangUp(answered);
      end();
      return;
    }
    String sdp;
    try {
      sdp = media.forCaller(answered.media(), Messages.body(ok));
    } catch (IllegalArgumentException e) {
      LOG.info("call {}: unusable SDP answer from {}: {}", id, answered, e.getMessage());
      hangUp(answered);
      rejectCaller(Response.BAD_GATEWAY, "Unusable SDP answer");
      return;
    }
    media.bridge(answered.media());
    media.callerAnswered(sdp);
    leg = answered;
    Response response = invite.createResponse(Response.OK);
    if (!sdp.isEmpty()) {
      Messages.get().setBody(response, "application", "sdp", sdp);
    }
    invite.respond(response);
    caller.on(new LegMachine.Answer(invite.localTag()));
  }

  /** A final status for the caller, and the end of the call. */
  private void rejectCaller(int status, String reason) {
    if (callerWaiting()) {
      invite.respond(status, reason);
      caller.on(new LegMachine.Failure(status));
    }
    end();
  }

  private boolean callerWaiting() {
    return caller.state() == LegState.TRYING || caller.state() == LegState.RINGING;
  }

  /** CANCEL from the caller (RFC 3261 §9.2): 487 to its INVITE, and the leg is cancelled. */
  void onCallerCancel() {
    if (!callerWaiting()) {
      return;
    }
    invite.respond(Response.REQUEST_TERMINATED);
    caller.on(new LegMachine.Failure(Response.REQUEST_TERMINATED));
    setup.giveUp(Response.REQUEST_TERMINATED, "Request Terminated");
  }

  // ---- in-dialog requests --------------------------------------------------------------------

  /** BYE from either side: answered, and the other side hung up (docs "Call setup" step 6). */
  void onBye(InboundRequest bye) {
    bye.respond(Response.OK);
    if (fromCaller(bye)) {
      callerHungUp();
    } else {
      legOf(bye).ifPresent(this::legHungUp);
    }
  }

  private void callerHungUp() {
    if (callerWaiting()) {
      onCallerCancel(); // a BYE in the early dialog (RFC 3261 §15) ends the attempt like CANCEL
      return;
    }
    if (caller.state() != LegState.ACTIVE) {
      return;
    }
    caller.on(new LegMachine.Release());
    if (transfer != null && transfer.running()) {
      transfer.machine.on(new TransferMachine.CallerGone());
    }
    for (OutboundLeg l : legs) {
      l.bye();
    }
    end();
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
      byeCaller();
      end();
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
    try {
      if (fromCaller(request)) {
        if (caller.state() != LegState.ACTIVE) {
          request.respond(Response.REQUEST_PENDING);
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
    request.respond(ok);
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
    if (on.get() != leg || leg.state() != LegState.ACTIVE || ended) {
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
      if (!running() || ended) {
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
      byeCaller();
      legs.forEach(OutboundLeg::bye);
      end();
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

  /** The call is over for this SBC: media ports back, Call-IDs forgotten. */
  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (media != null) {
      media.close();
    }
    sbc.forget(this, legs.stream().map(OutboundLeg::sipCallId).toList());
  }
}
