package io.baton.sbc;

import io.baton.media.MediaClock;
import io.baton.media.PortPool;
import io.baton.media.RtpStream;
import io.baton.sip.HostPort;
import io.baton.sip.InboundRequest;
import io.baton.sip.Messages;
import io.baton.sip.OutboundTransaction;
import io.baton.sip.SipConfig;
import io.baton.sip.SipEndpoint;
import io.baton.sip.SipHandler;
import io.baton.sip.StackMode;
import io.baton.sip.sdp.Codec;
import io.baton.sip.sdp.SessionDescription;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.Dialog;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A small real SIP phone for the tests: answers INVITEs as told ({@link Answer}), places calls,
 * sends REFERs, and plays and counts RTP through {@link RtpStream}. Everything it receives is kept
 * for assertions.
 */
final class TestPhone implements SipHandler, AutoCloseable {

  /**
   * How this phone answers the next INVITEs: provisional statuses, then after {@code delayMillis} a
   * final status (0: never); a CANCEL ends the INVITE with 487 unless {@code ignoresCancel}. Every
   * response says {@code reason}, or its status's standard phrase when null.
   */
  record Answer(
      List<Integer> provisional,
      int status,
      long delayMillis,
      boolean ignoresCancel,
      String reason) {
    Answer(List<Integer> provisional, int status, long delayMillis, boolean ignoresCancel) {
      this(provisional, status, delayMillis, ignoresCancel, null);
    }

    static Answer ok() {
      return new Answer(List.of(180), 200, 0, false);
    }

    /** As {@code this}, every response with {@code reason} as its phrase. */
    Answer saying(String reason) {
      return new Answer(provisional, status, delayMillis, ignoresCancel, reason);
    }

    /** Rings, then answers {@code afterMillis} later (so the ringing is seen first). */
    static Answer ringThenAnswer(long afterMillis) {
      return new Answer(List.of(180), 200, afterMillis, false);
    }

    /**
     * Rings and answers {@code afterMillis} later even if CANCELed meanwhile: its 2xx crosses the
     * CANCEL (RFC 3261 §9.1).
     */
    static Answer answerLate(long afterMillis) {
      return new Answer(List.of(180), 200, afterMillis, true);
    }

    static Answer reject(int status) {
      return new Answer(List.of(), status, 0, false);
    }

    static Answer ringForever() {
      return new Answer(List.of(180), 0, 0, false);
    }
  }

  /** One dialog of this phone, placed or answered. */
  final class PhoneCall {
    final String sipCallId;
    final RtpStream rtp;
    final String offer;
    final List<Integer> provisional = new CopyOnWriteArrayList<>();
    final List<String> provisionalPhrases = new CopyOnWriteArrayList<>();
    final List<Request> notifies = new CopyOnWriteArrayList<>();
    volatile InboundRequest invite;
    volatile OutboundTransaction outgoing;
    volatile Dialog dialog;
    volatile String answer;
    volatile Response finalResponse;
    volatile boolean byeReceived;

    PhoneCall(String sipCallId, RtpStream rtp, String offer) {
      this.sipCallId = sipCallId;
      this.rtp = rtp;
      this.offer = offer;
    }

    /** The SDP the far end gave this phone (the answer to its INVITE, or the offer it got). */
    SessionDescription remoteSdp() {
      return SessionDescription.parse(invite != null ? offer : answer);
    }

    /** The status lines of the NOTIFYs received, in CSeq order. */
    List<String> notifyStatuses() {
      return notifies.stream()
          .sorted(java.util.Comparator.comparingLong(Messages::cseq))
          .map(n -> Messages.body(n).strip())
          .toList();
    }

    /**
     * The NOTIFYs received in CSeq order as {@code <attempt>: <sipfrag status line> | <subscription
     * state> [<outcome>]}, e.g. {@code 2: SIP/2.0 200 OK | terminated completed}.
     */
    List<String> notifyLog() {
      return notifies.stream()
          .sorted(java.util.Comparator.comparingLong(Messages::cseq))
          .map(
              n -> {
                String state = Messages.headerValue(n, "Subscription-State").split(";")[0];
                String outcome = Messages.headerValue(n, "X-Baton-Transfer-Outcome");
                return Messages.headerValue(n, "X-Baton-Transfer-Attempt")
                    + ": "
                    + Messages.body(n).strip()
                    + " | "
                    + state
                    + (outcome == null ? "" : " " + outcome);
              })
          .toList();
    }

    /** The NOTIFY with the highest CSeq. */
    Request lastNotify() {
      return notifies.stream()
          .max(java.util.Comparator.comparingLong(Messages::cseq))
          .orElseThrow();
    }

    void hangUp() throws Exception {
      send(dialog.createRequest(Request.BYE)).get(5, TimeUnit.SECONDS);
    }

    /** Sends an in-dialog request and waits for its final response. */
    Response request(String method, Map<String, String> headers, String sdp) throws Exception {
      Request request = dialog.createRequest(method);
      headers.forEach((k, v) -> Messages.get().addHeader(request, k, v));
      if (sdp != null) {
        Messages.get().setBody(request, "application", "sdp", sdp);
      }
      Response response = send(request).get(5, TimeUnit.SECONDS);
      if (Request.INVITE.equals(method) && response.getStatusCode() == 200) {
        endpoint.ack(dialog, response);
      }
      return response;
    }

    /** An in-dialog INFO carrying {@code body} of {@code type/subtype}; its final response. */
    Response info(String type, String subtype, String body) throws Exception {
      Request request = dialog.createRequest(Request.INFO);
      Messages.get().setBody(request, type, subtype, body);
      return send(request).get(5, TimeUnit.SECONDS);
    }

    /** An in-dialog REFER; the dialog is kept past a BYE so the NOTIFYs still arrive. */
    Response refer(String referTo, Map<String, String> headers) throws Exception {
      return refer(referTo, List.copyOf(headers.entrySet()));
    }

    /** An in-dialog REFER with headers that may repeat ({@code X-Baton-Pass}), in this order. */
    Response refer(String referTo, List<Map.Entry<String, String>> headers) throws Exception {
      dialog.terminateOnBye(false);
      Request request = dialog.createRequest(Request.REFER);
      Messages.get().addHeader(request, "Refer-To", referTo);
      headers.forEach(h -> Messages.get().addHeader(request, h.getKey(), h.getValue()));
      return send(request).get(5, TimeUnit.SECONDS);
    }

    private java.util.concurrent.CompletableFuture<Response> send(Request request) {
      return endpoint.send(request, dialog).finalResponse();
    }

    void cancel() {
      outgoing.cancel();
    }
  }

  private final SipEndpoint endpoint;
  private final PortPool rtpPool;
  private final ScheduledExecutorService scheduler;
  private final MediaClock mediaClock;
  private final Map<String, PhoneCall> calls = new ConcurrentHashMap<>();
  private final List<PhoneCall> ordered = new CopyOnWriteArrayList<>();
  final List<Request> received = new CopyOnWriteArrayList<>();
  private volatile Answer answering = Answer.ok();

  private TestPhone(PortPool rtpPool, ScheduledExecutorService scheduler, HostPort at, String name)
      throws Exception {
    this.rtpPool = rtpPool;
    this.scheduler = scheduler;
    this.mediaClock = new MediaClock(scheduler);
    this.endpoint = SipEndpoint.start(name, StackMode.USER_AGENT, SipConfig.at(at), this);
  }

  static TestPhone start(
      String name, HostPort at, PortPool rtpPool, ScheduledExecutorService scheduler)
      throws Exception {
    return new TestPhone(rtpPool, scheduler, at, name);
  }

  HostPort address() {
    return endpoint.address();
  }

  SipURI uri(String user) {
    return endpoint.messages().uri(user, address());
  }

  void answering(Answer answer) {
    this.answering = answer;
  }

  /** Hangs up what an earlier (failed) test left open, and forgets it. */
  void reset() {
    for (PhoneCall call : ordered) {
      if (call.outgoing != null && call.finalResponse == null) {
        call.cancel();
      } else if (call.dialog != null && !call.byeReceived) {
        hangUpQuietly(call);
      }
    }
    received.clear();
    answering = Answer.ok();
    calls.values().forEach(c -> c.rtp.close());
    calls.clear();
    ordered.clear();
  }

  /** The calls this phone answered or placed, oldest first. */
  List<PhoneCall> calls() {
    return List.copyOf(ordered);
  }

  PhoneCall call(String sipCallId) {
    return calls.get(sipCallId);
  }

  /** Requests of one method received so far. */
  List<Request> received(String method) {
    return received.stream().filter(r -> r.getMethod().equals(method)).toList();
  }

  private void hangUpQuietly(PhoneCall call) {
    try {
      endpoint.send(call.dialog.createRequest(Request.BYE), call.dialog);
    } catch (javax.sip.SipException | RuntimeException e) {
      // hung up already
    }
  }

  /** Places a call offering PCMU, PCMA and telephone-event; RTP starts when it is answered. */
  PhoneCall dial(SipURI target, Map<String, String> headers) throws IOException {
    return dial(target, headers, true);
  }

  /**
   * Places a call as {@link #dial} does, but never ACKs its 2xx (a caller that vanished, or whose
   * ACK was lost).
   */
  PhoneCall dialWithoutAck(SipURI target, Map<String, String> headers) throws IOException {
    return dial(target, headers, false);
  }

  private PhoneCall dial(SipURI target, Map<String, String> headers, boolean ack)
      throws IOException {
    RtpStream rtp = RtpStream.open(rtpPool, mediaClock);
    String offer =
        SessionDescription.audio(
                "phone",
                "127.0.0.1",
                rtp.localPort(),
                List.of(Codec.PCMU, Codec.PCMA, Codec.TELEPHONE_EVENT))
            .toString();
    Request invite =
        endpoint
            .request(Request.INVITE, target)
            .from(endpoint.contact("alice"))
            .body("application/sdp", offer)
            .build();
    headers.forEach((name, value) -> Messages.get().setHeader(invite, name, value));
    PhoneCall call = new PhoneCall(Messages.callId(invite), rtp, offer);
    calls.put(call.sipCallId, call);
    ordered.add(call);
    call.outgoing = endpoint.send(invite);
    call.outgoing.onProvisional(
        r -> {
          call.provisionalPhrases.add(r.getStatusCode() + " " + r.getReasonPhrase());
          call.provisional.add(r.getStatusCode());
        });
    call.outgoing
        .finalResponse()
        .thenAccept(
            response -> {
              if (response.getStatusCode() == 200) {
                call.dialog = call.outgoing.dialog();
                call.answer = Messages.body(response);
                try {
                  if (ack) {
                    endpoint.ack(call.dialog, response);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                sendRtpTo(call, SessionDescription.parse(call.answer));
              }
              call.finalResponse = response;
            });
    return call;
  }

  private void sendRtpTo(PhoneCall call, SessionDescription remote) {
    call.rtp.sendTo(new InetSocketAddress(remote.audioAddress().orElseThrow(), remote.audioPort()));
  }

  @Override
  public void onRequest(InboundRequest request) {
    received.add(request.request());
    PhoneCall call = calls.get(Messages.callId(request.request()));
    switch (request.method()) {
      case Request.INVITE -> {
        if (call == null) {
          answerInvite(request);
        } else {
          request.respond(withSdp(request.createResponse(200), call.answer));
        }
      }
      case Request.CANCEL -> {
        request.respond(200);
        if (call != null && call.invite != null && !answering.ignoresCancel()) {
          call.invite.respond(Response.REQUEST_TERMINATED);
        }
      }
      case Request.BYE -> {
        request.respond(200);
        if (call != null) {
          call.byeReceived = true;
          call.rtp.stopSending();
        }
      }
      case Request.NOTIFY -> {
        if (call != null) {
          call.notifies.add(request.request());
        }
        request.respond(200);
      }
      case Request.ACK -> {}
      default -> request.respond(200);
    }
  }

  private void answerInvite(InboundRequest invite) {
    Answer how = answering;
    RtpStream rtp;
    try {
      rtp = RtpStream.open(rtpPool, mediaClock);
    } catch (IOException e) {
      invite.respond(503);
      return;
    }
    String offer = Messages.body(invite.request());
    PhoneCall call = new PhoneCall(Messages.callId(invite.request()), rtp, offer);
    call.invite = invite;
    calls.put(call.sipCallId, call);
    ordered.add(call);
    for (int status : how.provisional()) {
      respond(invite, status, how);
    }
    if (how.delayMillis() > 0) {
      scheduler.schedule(() -> finish(call, how), how.delayMillis(), TimeUnit.MILLISECONDS);
    } else {
      finish(call, how);
    }
  }

  private void finish(PhoneCall call, Answer how) {
    InboundRequest invite = call.invite;
    if (invite.answered()) {
      return; // cancelled meanwhile
    }
    RtpStream rtp = call.rtp;
    String offer = call.offer;
    if (how.status() == 200) {
      SessionDescription remote = SessionDescription.parse(offer);
      List<Codec> codecs = new ArrayList<>(List.of(Codec.PCMU));
      if (remote.payloadTypes().contains(Codec.TELEPHONE_EVENT.payloadType())) {
        codecs.add(Codec.TELEPHONE_EVENT);
      }
      call.answer =
          SessionDescription.audio("phone", "127.0.0.1", rtp.localPort(), codecs).toString();
      Response ok = withSdp(invite.createResponse(200), call.answer);
      if (how.reason() != null) {
        try {
          ok.setReasonPhrase(how.reason());
        } catch (java.text.ParseException e) {
          throw new IllegalStateException(e);
        }
      }
      invite.respond(ok);
      call.dialog = invite.dialog();
      sendRtpTo(call, remote);
    } else if (how.status() > 0) {
      respond(invite, how.status(), how);
    }
  }

  private static void respond(InboundRequest invite, int status, Answer how) {
    if (how.reason() == null) {
      invite.respond(status);
    } else {
      invite.respond(status, how.reason());
    }
  }

  private static Response withSdp(Response response, String sdp) {
    if (sdp != null) {
      Messages.get().setBody(response, "application", "sdp", sdp);
    }
    return response;
  }

  @Override
  public void close() {
    calls.values().forEach(c -> c.rtp.close());
    endpoint.close();
    mediaClock.close();
  }
}
